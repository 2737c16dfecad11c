// Waking subscribers of a SQLite store when another process commits: by the folder's change signal,
// not by the poll (set to once a minute here), and only for commits that added events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { SqliteConversationStore } from '../../../core/conversation/open';
import { EventSubscriber } from '../../../core/events/subscriber';
import type { StoreEvent } from '../../../core/events/types';
import { inbound, webhookOf } from '../../../tools/traffic/builders';
import { lastJsonLine, runTogether } from '../../support/child';
import { waitFor } from '../../store-conformance/conformance';

const WORKER = resolve(__dirname, '../../store-multiprocess/store-worker.ts');
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const NO_POLLING = { pollIntervalMs: 60_000, watchedPollIntervalMs: 60_000 };
const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

describe('sqlite store wake-ups across processes', () => {
	let folder: string;
	let path: string;
	let stores: SqliteConversationStore[];
	let subscribers: EventSubscriber[];

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-wake-'));
		path = join(folder, 'store.sqlite');
		stores = [];
		subscribers = [];
	});
	afterEach(async () => {
		await Promise.all(subscribers.map((subscriber) => subscriber.stop()));
		await Promise.all(stores.map((store) => store.close()));
		rmSync(folder, { recursive: true, force: true });
	});

	function open(): SqliteConversationStore {
		const store = new SqliteConversationStore({ path, ...NO_POLLING });
		stores.push(store);
		return store;
	}

	async function follow(store: SqliteConversationStore, subscriberId: string, handle: (event: StoreEvent) => void): Promise<EventSubscriber> {
		const subscriber = new EventSubscriber({ store, subscriberId, types: ['message.received'], idleRecheckMs: 60_000, handle });
		subscribers.push(subscriber);
		await subscriber.start();
		return subscriber;
	}

	it('wakes a subscriber when another process commits events, long before any poll', async () => {
		const received: string[] = [];
		await follow(open(), 'here', (event) => {
			if (event.type === 'message.received') received.push(event.payload.message.wamid);
		});
		const wamids = Array.from({ length: 20 }, (_, index) => `wamid.other-process-${index}`);
		const [output] = await runTogether(WORKER, [[path, 'ingest', JSON.stringify({ wamids, customerPrefix: '4477001', now: T0 })]]);
		expect(lastJsonLine<{ stored: number }>(output).stored).toBe(20);
		await waitFor(() => received.length === 20, 5_000);
		expect(received).toEqual(wamids);
	});

	it('does not wake for commits that added no events: idle subscribers of two connections do not wake each other', async () => {
		const first = open();
		const second = open();
		let reads = 0;
		for (const store of [first, second]) {
			const readEvents = store.readEvents.bind(store);
			store.readEvents = (...args) => {
				reads++;
				return readEvents(...args);
			};
		}
		await follow(first, 'first', () => undefined);
		await follow(second, 'second', () => undefined);
		// Each reads once on start and acknowledges (a write); a wake-up on that write would make the
		// other read and acknowledge in turn, over and over.
		await sleep(500);
		expect(reads).toBe(2);

		const received: string[] = [];
		await follow(first, 'counting', (event) => {
			if (event.type === 'message.received') received.push(event.payload.message.wamid);
		});
		await second.ingest(webhookOf({ messages: [inbound({ wamid: 'wamid.from-second', timestamp: T0 })] }), { now: T0, inactivityTimeoutMs: 3_600_000 });
		await waitFor(() => received.length === 1, 5_000);
	});

	it('stops waking once nobody listens, and on close', async () => {
		const listener = open();
		const writer = open();
		let wakes = 0;
		const ingestOne = (wamid: string) =>
			writer.ingest(webhookOf({ messages: [inbound({ wamid, timestamp: T0 })] }), { now: T0, inactivityTimeoutMs: 3_600_000 });
		listener.storage.watchOtherProcesses(() => wakes++);
		await ingestOne('wamid.watched');
		await waitFor(() => wakes === 1, 5_000);

		listener.storage.watchOtherProcesses(null);
		await ingestOne('wamid.unwatched');
		await sleep(200);
		expect(wakes).toBe(1);

		listener.storage.watchOtherProcesses(() => wakes++);
		await listener.close();
		await ingestOne('wamid.closed');
		await sleep(200);
		expect(wakes).toBe(1);
	});
});
