/**
 * A process that opens the pre-filled store and uses it the way an n8n process does (window checks,
 * a conversation list, a transcript), then reports its resident memory at each step.
 * argv: <store path> <conversations>; prints one JSON line.
 */
import { SqliteConversationStore } from '../../core/conversation/open';
import { prefilledCustomer } from '../prefill';
import { seededRandom } from '../../tools/traffic/random';
import { BENCH_EPOCH_MS, PHONE_NUMBER_ID } from '../webhooks';

function rss(): number {
	// A collection first, so that garbage not yet collected does not count as holding the store.
	global.gc?.();
	return process.memoryUsage().rss;
}

async function main(): Promise<void> {
	const [path, rawConversations] = process.argv.slice(2);
	const conversations = Number(rawConversations);
	const baseline = rss();
	const store = new SqliteConversationStore({ path });
	const opened = rss();
	const random = seededRandom(7);
	for (let index = 0; index < 20_000; index++) {
		await store.getWindow(PHONE_NUMBER_ID, prefilledCustomer(1 + Math.floor(random() * conversations)), BENCH_EPOCH_MS);
	}
	const page = await store.listConversations({ limit: 100 });
	await store.getTranscript(page[0].id);
	await store.subscribe('memory', 'now');
	const used = rss();
	await store.close();
	process.stdout.write(`${JSON.stringify({ baseline, opened, used })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
