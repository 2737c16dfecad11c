/** Starts a worker of the suite in its own Node process, through the caching TypeScript loader. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const RUN_CACHED_TS = resolve(__dirname, '../workers/run-cached-ts.js');

export function spawnWorker(file: string, args: readonly string[]): ChildProcess {
	return spawn(process.execPath, [RUN_CACHED_TS, file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}
