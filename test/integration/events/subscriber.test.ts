// The core's EventSubscriber on a real store: one event whose handling keeps failing is tried a
// bounded number of times and skipped, and no event around it is lost or handed over twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EventSubscriber, type EventAttempt, type EventSubscriberOptions } from '../../../core/events/subscriber';
import type { StoreEvent } from '../../../core/events/types';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { inbound, webhookOf } from '../../../tools/traffic/builders';
import { waitFor } from '../../store-conformance/conformance';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = { now: T0, inactivityTimeoutMs: 30 * 60_000 };

const wamidOf = (event: StoreEvent) => (event.type === 'message.received' ? event.payload.message.wamid : `#${event.id}`);

describe('EventSubscriber with an event that keeps failing', () => {
	let folder: string;
	let store: SqliteConversationStore;
	const subscribers: EventSubscriber[] = [];

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-subscriber-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
	});
	afterEach(async () => {
		for (const subscriber of subscribers.splice(0)) await subscriber.stop();
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	function follow(options: Omit<EventSubscriberOptions, 'store' | 'subscriberId' | 'types'>): EventSubscriber {
		const subscriber = new EventSubscriber({ store, subscriberId: 'reader', types: ['message.received'], from: 'beginning', ...options });
		subscribers.push(subscriber);
		return subscriber;
	}

	/** 20 good messages, the poisoned one, then 100 good ones, in one delivery (one commit, one read batch). */
	async function ingestAroundPoison(): Promise<{ good: string[]; poisoned: string }> {
		const before = Array.from({ length: 20 }, (_, index) => inbound({ customerId: `1555000${String(index).padStart(4, '0')}` }));
		const poisoned = inbound({ customerId: '15559999999' });
		const after = Array.from({ length: 100 }, (_, index) => inbound({ customerId: `1555100${String(index).padStart(4, '0')}` }));
		await store.ingest(webhookOf({ messages: [...before, poisoned, ...after] }), lifecycle);
		return { good: [...before, ...after].map((message) => message.wamid), poisoned: poisoned.wamid };
	}

	it('skips it after the bounded attempts with back-off, and hands every other event over exactly once', async () => {
		const { good, poisoned } = await ingestAroundPoison();
		const handled: string[] = [];
		const attempts: Array<EventAttempt & { at: number }> = [];
		const skipped: Array<{ wamid: string; error: unknown; attempts: number }> = [];
		const subscriber = follow({
			retryDelayMs: 50,
			handle: (event, attempt) => {
				if (wamidOf(event) === poisoned) {
					attempts.push({ ...attempt, at: Date.now() });
					throw new Error('media id expired');
				}
				handled.push(wamidOf(event));
			},
			onSkip: (event, error, count) => skipped.push({ wamid: wamidOf(event), error, attempts: count }),
		});
		await subscriber.start();
		await waitFor(() => handled.length >= good.length, 10_000);
		// Let a wrong implementation show a second delivery.
		await new Promise((wait) => setTimeout(wait, 300));

		expect(handled).toEqual(good);
		expect(skipped).toEqual([{ wamid: poisoned, error: expect.objectContaining({ message: 'media id expired' }), attempts: 3 }]);
		expect(attempts.map(({ number, last }) => ({ number, last }))).toEqual([
			{ number: 1, last: false },
			{ number: 2, last: false },
			{ number: 3, last: true },
		]);
		// Back-off: 50 ms, then 100 ms.
		expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(45);
		expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(95);
		const rest = await store.readEvents('reader', { types: ['message.received'] });
		expect(rest.events).toEqual([]);
	});

	it('hands over an event that fails and then succeeds once, with the events around it once each', async () => {
		const { good, poisoned } = await ingestAroundPoison();
		const handled: string[] = [];
		let failures = 0;
		const onSkip = jest.fn();
		const subscriber = follow({
			retryDelayMs: 10,
			handle: (event) => {
				if (wamidOf(event) === poisoned && failures < 2) {
					failures++;
					throw new Error('store busy');
				}
				handled.push(wamidOf(event));
			},
			onSkip,
		});
		await subscriber.start();
		await waitFor(() => handled.length >= good.length + 1, 10_000);
		await new Promise((wait) => setTimeout(wait, 200));
		expect(handled).toEqual([...good.slice(0, 20), poisoned, ...good.slice(20)]);
		expect(onSkip).not.toHaveBeenCalled();
	});

	it('has acknowledged the events before the failing one while it waits to retry, so a restart does not repeat them', async () => {
		const { good, poisoned } = await ingestAroundPoison();
		const first: string[] = [];
		let tries = 0;
		const stopped = follow({
			retryDelayMs: 60_000,
			handle: (event) => {
				if (wamidOf(event) === poisoned) {
					tries++;
					throw new Error('transcription failed');
				}
				first.push(wamidOf(event));
			},
		});
		await stopped.start();
		await waitFor(() => tries === 1, 5_000);
		// stop() ends the back-off at once; the process could as well have crashed here.
		const stopping = Date.now();
		await stopped.stop();
		expect(Date.now() - stopping).toBeLessThan(1_000);
		expect(first).toEqual(good.slice(0, 20));

		const second: string[] = [];
		const restarted = follow({ handle: (event) => void second.push(wamidOf(event)) });
		await restarted.start();
		await waitFor(() => second.length >= 101, 10_000);
		expect(second).toEqual([poisoned, ...good.slice(20)]);
	});
});
