/**
 * A process that ingests Meta's largest delivery (3 MB, one Flow reply) into a fresh store and reports
 * how far its peak resident memory rose above what it held just before (the body read from the file
 * the bench wrote, the store open and warmed up by a small delivery). The body is made elsewhere:
 * making it here would set a peak of its own that the ingest could hide under.
 * argv: <store path> <body file> <signature>; prints one JSON line.
 */
import { readFileSync } from 'node:fs';

import { ingestWebhookRequest } from '../../core/ingress';
import { SqliteConversationStore } from '../../core/conversation/open';
import { APP_SECRET, BENCH_EPOCH_MS, INACTIVITY_TIMEOUT_MS, textWebhook } from '../webhooks';

/** Peak resident set so far, in bytes (getrusage's ru_maxrss). */
function peakRss(): number {
	return process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
	const [path, bodyFile, signature] = process.argv.slice(2);
	const store = new SqliteConversationStore({ path });
	const options = { store, appSecret: APP_SECRET, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, clock: () => BENCH_EPOCH_MS };
	await ingestWebhookRequest(textWebhook('wamid.warmup', '16505550001', 0, 'warm-up'), options);
	const large = { rawBody: readFileSync(bodyFile), signature };
	global.gc?.();
	const before = Math.max(peakRss(), process.memoryUsage().rss);
	const result = await ingestWebhookRequest(large, options);
	const peak = peakRss();
	await store.close();
	process.stdout.write(`${JSON.stringify({ bytes: large.rawBody.length, before, peak, stored: result.messagesStored })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
