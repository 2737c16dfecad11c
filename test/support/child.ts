import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const RUN_TS = resolve(__dirname, '../../scripts/run-ts.js');

/** Starts a TypeScript file of the test suite in its own Node process. */
export function spawnTs(file: string, args: string[]): ChildProcess {
	return spawn(process.execPath, [RUN_TS, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs it to the end and returns its stdout; rejects with its stderr when it fails. */
export function runTs(file: string, args: string[]): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		const child = spawnTs(file, args);
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`child exited ${code}: ${stderr}`))));
	});
}

export function lastJsonLine<T>(stdout: string): T {
	const lines = stdout.trim().split('\n');
	return JSON.parse(lines[lines.length - 1]) as T;
}
