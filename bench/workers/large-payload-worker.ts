/**
 * A process that ingests Meta's largest delivery (3 MB, one Flow reply) into a fresh store and reports
 * how far its peak resident memory rose above what it held just before (the body read from the file
 * the bench wrote, the store open and warmed up by a small delivery). The body is made elsewhere:
 * making it here would set a peak of its own that the ingest could hide under.
 * argv: <store path> <body file> <signature>; prints one JSON line.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { ingestWebhookRequest } from '../../core/ingress';
import { SqliteConversationStore } from '../../core/conversation/open';
import { APP_SECRET, BENCH_EPOCH_MS, INACTIVITY_TIMEOUT_MS, textWebhook } from '../webhooks';

/** A field of /proc/self/status in bytes (VmRSS, VmHWM), or null off Linux. */
function procStatus(field: string): number | null {
	try {
		const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
		return kib === undefined ? null : Number(kib) * 1024;
	} catch {
		return null;
	}
}

/**
 * Starts measuring the peak resident set from now: Linux resets VmHWM to the current RSS when "5" is
 * written to clear_refs, so the peak of loading modules and of the warm-up no longer hides the
 * ingest's. Elsewhere the process's peak so far (ru_maxrss) is all there is.
 */
function resetPeak(): void {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
	} catch {
		// Not Linux, or not allowed: the peak keeps counting from the start.
	}
}

function peakRss(): number {
	return procStatus('VmHWM') ?? process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
	const [path, bodyFile, signature] = process.argv.slice(2);
	const store = new SqliteConversationStore({ path });
	const options = { store, appSecret: APP_SECRET, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, clock: () => BENCH_EPOCH_MS };
	await ingestWebhookRequest(textWebhook('wamid.warmup', '16505550001', 0, 'warm-up'), options);
	const large = { rawBody: readFileSync(bodyFile), signature };
	global.gc?.();
	resetPeak();
	const before = procStatus('VmRSS') ?? process.memoryUsage().rss;
	const result = await ingestWebhookRequest(large, options);
	const peak = peakRss();
	await store.close();
	process.stdout.write(`${JSON.stringify({ bytes: large.rawBody.length, before, peak, stored: result.messagesStored })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
