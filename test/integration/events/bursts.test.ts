// BurstEmitter on a real store, with the EventSubscriber that feeds it, without n8n: a customer's
// messages within the quiet period are emitted once, together; a lost run is emitted once more; a
// burst left pending when the trigger stopped (or its process died) is emitted once when it runs again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BurstEmitter } from '../../../core/events/bursts';
import { EventSubscriber, type RunOutcome } from '../../../core/events/subscriber';
import type { StoreEvent } from '../../../core/events/types';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { inbound, status, webhookOf } from '../../../tools/traffic/builders';
import { waitFor } from '../../store-conformance/conformance';

const QUIET_MS = 300;
const textOf = (event: StoreEvent) => (event.type === 'message.received' ? event.payload.message.text : event.type);

describe('BurstEmitter', () => {
	let folder: string;
	let path: string;
	let stores: SqliteConversationStore[];
	let running: Array<{ stop(): Promise<void> }>;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-bursts-'));
		path = join(folder, 'store.sqlite');
		stores = [];
		running = [];
	});
	afterEach(async () => {
		for (const part of running) await part.stop();
		await Promise.all(stores.map((store) => store.close()));
		rmSync(folder, { recursive: true, force: true });
	});

	function open(): SqliteConversationStore {
		const store = new SqliteConversationStore({ path, pollIntervalMs: 20 });
		stores.push(store);
		return store;
	}

	/** A trigger as event-trigger.ts runs it: the subscriber holds messages, the emitter emits bursts. */
	async function startTrigger(store: SqliteConversationStore, onBurst: (texts: string[], redelivery: boolean) => Promise<RunOutcome> | void) {
		const singles: string[] = [];
		const bursts = new BurstEmitter({
			store,
			subscriberId: 'trigger',
			quietMs: QUIET_MS,
			emit: (events, { redelivery }) => {
				const outcome = onBurst(events.map((event) => String(textOf(event))), redelivery);
				return outcome ? { outcome } : undefined;
			},
		});
		const subscriber = new EventSubscriber({
			store,
			subscriberId: 'trigger',
			types: ['message.received', 'message.status'],
			idleRecheckMs: 50,
			handle: async (event) => {
				if (event.type === 'message.received') await bursts.hold(event);
				else singles.push(event.type);
			},
		});
		await subscriber.start();
		bursts.start();
		running.push(subscriber, bursts);
		return { singles, subscriber, bursts };
	}

	async function send(store: SqliteConversationStore, text: string, customerId = '16505551234'): Promise<string> {
		const message = inbound({ customerId, text, timestamp: Date.now() });
		await store.ingest(webhookOf({ messages: [message] }), { now: Date.now(), inactivityTimeoutMs: 30 * 60_000 });
		return message.wamid;
	}

	it('emits three quick messages once, together, after the quiet period; statuses go at once; a later message starts the next burst', async () => {
		const store = open();
		const emitted: string[][] = [];
		const { singles } = await startTrigger(store, (texts) => void emitted.push(texts));
		const started = Date.now();
		const first = await send(store, 'hi');
		await send(store, 'I ordered a lamp');
		await send(store, 'it arrived broken');
		await store.ingest(webhookOf({ statuses: [status(first, 'read', { timestamp: Date.now() })] }), { now: Date.now(), inactivityTimeoutMs: 30 * 60_000 });
		await waitFor(() => singles.length === 1);
		expect(emitted).toEqual([]);
		await waitFor(() => emitted.length === 1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(QUIET_MS);
		expect(emitted).toEqual([['hi', 'I ordered a lamp', 'it arrived broken']]);

		await send(store, 'hello?');
		await waitFor(() => emitted.length === 2);
		await new Promise((resolve) => setTimeout(resolve, 2 * QUIET_MS));
		expect(emitted).toEqual([['hi', 'I ordered a lamp', 'it arrived broken'], ['hello?']]);
	});

	it('emits a burst whose run was lost once more, and only once', async () => {
		const store = open();
		const emitted: Array<{ texts: string[]; redelivery: boolean }> = [];
		await startTrigger(store, async (texts, redelivery): Promise<RunOutcome> => {
			emitted.push({ texts, redelivery });
			return 'lost';
		});
		await send(store, 'one');
		await send(store, 'two');
		await waitFor(() => emitted.length === 2);
		await new Promise((resolve) => setTimeout(resolve, 2 * QUIET_MS));
		expect(emitted).toEqual([
			{ texts: ['one', 'two'], redelivery: false },
			{ texts: ['one', 'two'], redelivery: true },
		]);
	});

	it('emits a burst left pending by a restart once, from the new process', async () => {
		const before = open();
		const emittedBefore: string[][] = [];
		const first = await startTrigger(before, (texts) => void emittedBefore.push(texts));
		await send(before, 'before');
		await send(before, 'the restart');
		// Held: the cursor passed both messages, and no burst was emitted yet.
		while ((await before.readEvents('trigger')).events.length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
		// The process stops (n8n restarts) before the quiet period is over.
		await first.subscriber.stop();
		await first.bursts.stop();
		await before.close();

		const after = open();
		const emittedAfter: string[][] = [];
		await startTrigger(after, (texts) => void emittedAfter.push(texts));
		await waitFor(() => emittedAfter.length === 1);
		await new Promise((resolve) => setTimeout(resolve, 2 * QUIET_MS));
		expect(emittedBefore).toEqual([]);
		expect(emittedAfter).toEqual([['before', 'the restart']]);
	});
});
