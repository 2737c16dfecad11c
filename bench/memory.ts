/**
 * Memory: the resident set of a separate process holding the pre-filled store open and in use. The
 * store keeps nothing per conversation in memory (SQLite's page cache is bounded), so the figure
 * should not grow with the number of conversations.
 */
import { resolve } from 'node:path';

import { runBenchChild } from './child';
import type { PrefilledStore } from './prefill';
import { formatBytes, formatCount, report } from './support';

const WORKER = resolve(__dirname, 'workers/memory-worker.ts');

export async function benchMemory(prefilled: PrefilledStore): Promise<void> {
	const output = await runBenchChild(WORKER, [prefilled.path, String(prefilled.conversations)], ['--expose-gc']);
	const { baseline, used } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { baseline: number; opened: number; used: number };
	report({
		name: `RSS of a process holding an open store of ${formatCount(prefilled.conversations)} conversations`,
		value: `${formatBytes(used)} (${formatBytes(used - baseline)} above the same process before opening it)`,
		note: 'after 20,000 window checks, a list and a transcript; the baseline includes the TypeScript loader',
	});
}
