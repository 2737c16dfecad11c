/**
 * Memory: the resident set of a separate process holding the pre-filled store open and in use. The
 * store keeps nothing per conversation in memory (SQLite's page cache is bounded), so the figure
 * should not grow with the number of conversations.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { runBenchChild } from './child';
import type { PrefilledStore } from './prefill';
import { formatBytes, formatCount, report } from './support';
import { flowReplyWebhook } from './webhooks';

const WORKER = resolve(__dirname, 'workers/memory-worker.ts');
const LARGE_PAYLOAD_WORKER = resolve(__dirname, 'workers/large-payload-worker.ts');
/** Meta's maximum webhook payload. */
const LARGE_PAYLOAD_BYTES = 3 * 1024 * 1024;
/** "At most a few times its size". */
const LARGE_PAYLOAD_MAX_FACTOR = 4;

export async function benchMemory(prefilled: PrefilledStore): Promise<void> {
	const output = await runBenchChild(WORKER, [prefilled.path, String(prefilled.conversations)], ['--expose-gc']);
	const { baseline, used } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { baseline: number; opened: number; used: number };
	report({
		name: `RSS of a process holding an open store of ${formatCount(prefilled.conversations)} conversations`,
		value: `${formatBytes(used)} (${formatBytes(used - baseline)} above the same process before opening it)`,
		note: 'after 20,000 window checks, a list and a transcript; the baseline includes the TypeScript loader',
	});
}

/** Peak memory of ingesting one 3 MB delivery, in a process of its own, against the payload's size. */
export async function benchLargePayload(folder: string): Promise<void> {
	const large = flowReplyWebhook('wamid.large', '16505550002', LARGE_PAYLOAD_BYTES);
	const bodyFile = join(folder, 'large-payload.json');
	writeFileSync(bodyFile, large.rawBody);
	const output = await runBenchChild(LARGE_PAYLOAD_WORKER, [join(folder, 'large-payload.sqlite'), bodyFile, large.signature], ['--expose-gc']);
	const { bytes, before, peak, stored } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { bytes: number; before: number; peak: number; stored: number };
	const factor = (peak - before) / bytes;
	report({
		name: 'peak memory of ingesting a 3 MB delivery (one Flow reply)',
		value: `${formatBytes(peak - before)} above the process before it, ${factor.toFixed(1)} × the payload`,
		target: `<= ${LARGE_PAYLOAD_MAX_FACTOR} × its size`,
		ratio: LARGE_PAYLOAD_MAX_FACTOR / Math.max(factor, 0.01),
		note: `${formatBytes(bytes)} signed body, ${stored} message stored`,
	});
}
