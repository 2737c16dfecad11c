/**
 * Crash safety: a process ingesting Meta's deliveries over HTTP (with a trigger subscribed in it) is
 * killed with SIGKILL at seeded random moments, many times over, while deliveries are in flight; Meta
 * keeps re-sending whatever was not answered 200. Afterwards every delivery that was answered 200 is
 * in the store, each message once, and every event the log holds was handed to the trigger, in
 * commit order within each run of the process. (The processes run one after another by design: each
 * is killed before the next starts, so unlike the races elsewhere there is no overlap to check.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SqliteConversationStore } from '../../core/conversation/open';
import { delivery, type Delivery } from './support/deliveries';
import { seededRandom } from '../../tools/traffic/random';
import { postDelivery, startWebhookWorker, type PrintedEvent } from './support/worker-process';

const APP_SECRET = 'crash-app-secret';
const KILLS = 20;
const IN_FLIGHT = 6;

/** Meta's side: fresh deliveries from 40 customers (every fifth with two messages), and its retries. */
class MetaOutbox {
	readonly sent: Delivery[] = [];
	readonly acknowledged = new Set<Delivery>();
	private retries: Delivery[] = [];
	interrupted = 0;

	/** The next delivery to POST: a retry first, else a fresh one unless `freshAllowed` is false. */
	next(freshAllowed: boolean): Delivery | undefined {
		const retry = this.retries.shift();
		if (retry || !freshAllowed) return retry;
		const index = this.sent.length;
		const from = `4477009${String(index % 40).padStart(5, '0')}`;
		const messages = [{ wamid: `wamid.crash-${index}`, from, text: `message ${index}` }];
		if (index % 5 === 0) messages.push({ wamid: `wamid.crash-${index}-b`, from, text: `and ${index}` });
		const item = delivery(messages, APP_SECRET);
		this.sent.push(item);
		return item;
	}

	/** POSTs with a few in flight until `stop()`; anything not answered 200 is retried later. */
	async send(url: string, freshAllowed: boolean, stop: () => boolean): Promise<void> {
		await Promise.all(
			Array.from({ length: IN_FLIGHT }, async () => {
				for (let item = this.next(freshAllowed); item !== undefined; item = stop() ? undefined : this.next(freshAllowed)) {
					if ((await postDelivery(url, item.rawBody, item.signature)) === 200) this.acknowledged.add(item);
					else {
						this.interrupted++;
						this.retries.push(item);
					}
				}
			}),
		);
	}
}

function isIncreasing(events: readonly PrintedEvent[]): boolean {
	return events.every((event, index) => index === 0 || event.id > events[index - 1].id);
}

describe('ingest killed with SIGKILL, again and again', () => {
	let folder: string;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-crash-'));
	});
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	it('keeps every acknowledged delivery and delivers every committed event', async () => {
		const path = join(folder, 'store.sqlite');
		const meta = new MetaOutbox();
		const runs: PrintedEvent[][] = [];
		const random = seededRandom(2026);

		for (let kill = 0; kill < KILLS; kill++) {
			const worker = await startWebhookWorker({ path, appSecret: APP_SECRET, subscriber: 'trigger' });
			let killed = false;
			// A random moment of work: between 20 and 300 ms after the process started listening.
			const timer = setTimeout(() => {
				killed = true;
				worker.child.kill('SIGKILL');
			}, 20 + Math.floor(random() * 280));
			await meta.send(worker.url, true, () => killed || worker.hasExited());
			clearTimeout(timer);
			await worker.exited;
			runs.push(worker.events);
		}
		const interrupted = meta.interrupted;
		// Meta's persistence, at last met by a process that stays up: the retries, then a clean stop.
		const final = await startWebhookWorker({ path, appSecret: APP_SECRET, subscriber: 'trigger' });
		await meta.send(final.url, false, () => final.hasExited());
		expect(meta.acknowledged.size).toBe(meta.sent.length);

		const audit = new SqliteConversationStore({ path });
		await audit.subscribe('audit', 'beginning');
		const log = (await audit.readEvents('audit', { limit: 100_000 })).events;
		const delivered = () => new Set([...runs.flat(), ...final.events].map((event) => event.id));
		for (let waited = 0; log.some((event) => !delivered().has(event.id)) && waited < 10_000; waited += 50) await new Promise((wake) => setTimeout(wake, 50));
		final.child.kill('SIGTERM');
		await final.exited;
		runs.push(final.events);

		// The kills did land mid-work: deliveries were cut off, and events were handed over before them.
		expect(interrupted).toBeGreaterThan(0);
		expect(runs.slice(0, KILLS).filter((events) => events.length > 0).length).toBeGreaterThan(KILLS / 2);

		// Every acknowledged message is stored once (the log's message.received events are 1:1 with stored messages).
		const stored = log.flatMap((event) => (event.type === 'message.received' ? [event.payload.message.wamid] : []));
		expect(new Set(stored).size).toBe(stored.length);
		expect(stored.sort()).toEqual(meta.sent.flatMap((item) => item.wamids).sort());

		// Every committed event reached the trigger, and each run of the process saw them in commit order.
		const missing = log.filter((event) => !delivered().has(event.id)).map((event) => event.id);
		expect(missing).toEqual([]);
		for (const events of runs) expect(isIncreasing(events)).toBe(true);
		await audit.close();
	});
});
