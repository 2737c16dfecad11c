/** Starts a worker of the suite in its own Node process, through the project's TypeScript loader (scripts/run-ts.js). */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const RUN_TS = resolve(__dirname, '../../../scripts/run-ts.js');

export function spawnWorker(file: string, args: readonly string[]): ChildProcess {
	return spawn(process.execPath, [RUN_TS, file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}
