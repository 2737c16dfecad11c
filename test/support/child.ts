import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

import { goTogether } from '../../tools/processes/barrier';

const RUN_TS = resolve(__dirname, '../../scripts/run-ts.js');

/** Starts a TypeScript file of the test suite in its own Node process (stdin open for a barrier's "go"). */
export function spawnTs(file: string, args: readonly string[]): ChildProcess {
	return spawn(process.execPath, [RUN_TS, file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Resolves with a child's whole stdout once it exits 0; rejects with its stderr otherwise. */
export function outputOf(child: ChildProcess): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code, signal) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`child exited ${code ?? signal}: ${stderr}`))));
	});
}

/** Runs it to the end and returns its stdout; rejects with its stderr when it fails. */
export function runTs(file: string, args: readonly string[]): Promise<string> {
	const child = spawnTs(file, args);
	child.stdin?.end();
	return outputOf(child);
}

/**
 * Starts one worker per argument list, lets them all past the ready/go barrier at once and returns
 * each one's stdout. When one fails, the others are stopped and its error is thrown.
 */
export async function runTogether(file: string, argsList: ReadonlyArray<readonly string[]>): Promise<string[]> {
	const children = argsList.map((args) => spawnTs(file, args));
	const outputs = children.map(outputOf);
	// Handled below in every path; this keeps an early failure from counting as unhandled meanwhile.
	for (const output of outputs) output.catch(() => undefined);
	try {
		await goTogether(children);
		return await Promise.all(outputs);
	} catch (error) {
		for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
		const failed = (await Promise.allSettled(outputs)).find((result) => result.status === 'rejected');
		throw failed?.reason ?? error;
	}
}

export function lastJsonLine<T>(stdout: string): T {
	const lines = stdout.trim().split('\n');
	return JSON.parse(lines[lines.length - 1]) as T;
}
