/** Bench workers run as separate Node processes, transpiled on load like the tests' children. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const RUN_TS = resolve(__dirname, '../scripts/run-ts.js');

export function spawnBenchChild(file: string, args: readonly string[], nodeOptions: readonly string[] = []): ChildProcess {
	return spawn(process.execPath, [...nodeOptions, RUN_TS, file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs a worker to its end; resolves with its stdout, rejects with its stderr. */
export function runBenchChild(file: string, args: readonly string[], nodeOptions: readonly string[] = []): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		const child = spawnBenchChild(file, args, nodeOptions);
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`${file} exited ${code}: ${stderr}`))));
	});
}

/** Resolves with the first stdout line that starts with `prefix` (a worker announcing it is ready). */
export { lineFrom as waitForLine } from '../tools/processes/barrier';
