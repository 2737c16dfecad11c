/**
 * Window check: "may I send free-form text to this customer now?" — the store call every Send Message
 * makes before reaching Meta, timed one call at a time on the pre-filled store, customers drawn
 * uniformly (seeded) from all of its conversations.
 */
import { SqliteConversationStore } from '../core/conversation/open';
import { prefilledCustomer, type PrefilledStore } from './prefill';
import { seededRandom } from '../tools/traffic/random';
import { formatCount, microsSince, nowNs, percentile, report, size, sortedCopy } from './support';
import { BENCH_EPOCH_MS, PHONE_NUMBER_ID } from './webhooks';

const SAMPLES = size(200_000, 20_000);

export async function benchWindowCheck(prefilled: PrefilledStore): Promise<void> {
	const store = new SqliteConversationStore({ path: prefilled.path });
	const random = seededRandom(42);
	const pick = () => prefilledCustomer(1 + Math.floor(random() * prefilled.conversations));
	// Warm-up: the JIT and SQLite's prepared statement, not the data (the samples are drawn afresh).
	for (let index = 0; index < 5_000; index++) await store.getWindow(PHONE_NUMBER_ID, pick(), BENCH_EPOCH_MS);

	const samples = new Array<number>(SAMPLES);
	let open = 0;
	for (let index = 0; index < SAMPLES; index++) {
		const customer = pick();
		const started = nowNs();
		const window = await store.getWindow(PHONE_NUMBER_ID, customer, BENCH_EPOCH_MS);
		samples[index] = microsSince(started);
		if (window.open) open++;
	}
	await store.close();
	const sorted = sortedCopy(samples);
	const p99 = percentile(sorted, 99);
	report({
		name: `window check, ${formatCount(prefilled.conversations)} conversations`,
		value: `p50 ${percentile(sorted, 50).toFixed(1)} µs, p99 ${p99.toFixed(1)} µs, max ${sorted[sorted.length - 1].toFixed(0)} µs`,
		target: 'p99 <= 50 µs',
		ratio: 50 / p99,
		note: `${formatCount(SAMPLES)} calls, ${formatCount(open)} found open`,
		metrics: { p50Us: percentile(sorted, 50), p99Us: p99 },
	});
}
