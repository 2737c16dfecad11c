import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EventSubscriber } from '../../../core/events/subscriber';
import type { StoreEvent } from '../../../core/events/types';
import { maintainStore, StoreMaintenance } from '../../../core/conversation/maintenance';
import { SqliteConversationStore } from '../../../core/conversation/open';
import type { PruneOptions } from '../../../core/conversation/store';
import { waitFor } from '../../store-conformance/conformance';
import { BUSINESS, inbound, webhookOf } from '../../../tools/traffic/builders';

const DAY = 24 * 60 * 60 * 1000;
const TIMEOUT = 30 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('store maintenance', () => {
	let folder: string;
	let store: SqliteConversationStore;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-maintenance-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite'), pollIntervalMs: 10 });
	});

	afterEach(async () => {
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	it('forgets the cursor of a stopped trigger and keeps the one a running trigger touches while idle', async () => {
		const received: StoreEvent[] = [];
		const live = new EventSubscriber({ store, subscriberId: 'workflow:live', idleRecheckMs: 20, types: ['message.received'], handle: (event) => void received.push(event) });
		const stopped = new EventSubscriber({ store, subscriberId: 'workflow:stopped', idleRecheckMs: 20, handle: () => undefined });
		await live.start();
		await stopped.start();
		await stopped.stop();
		// Two days old, so only the stopped trigger's cursor keeps these events.
		const past = Date.now() - 2 * DAY;
		await store.ingest(webhookOf({ messages: [inbound({ timestamp: past })] }), { now: past, inactivityTimeoutMs: TIMEOUT });
		await waitFor(() => received.length === 1);
		await sleep(400);

		const maintenance = new StoreMaintenance(store, { pauseMs: 0 });
		maintenance.addPolicy({ phoneNumberId: BUSINESS.phoneNumberId, keepMessagesMs: null, forgetInactiveTriggersAfterMs: 300 });
		const result = await maintenance.runNow();
		expect(result).toMatchObject({ forgottenSubscribers: ['workflow:stopped'], events: 2, messages: 0 });

		await store.ingest(webhookOf({ messages: [inbound({ timestamp: Date.now() })] }), { now: Date.now(), inactivityTimeoutMs: TIMEOUT });
		await waitFor(() => received.length === 2);
		await live.stop();
	});

	it('counts a trigger starting again as alive', async () => {
		await store.subscribe('workflow:restarted');
		await sleep(300);
		await store.subscribe('workflow:restarted');
		expect(await store.prune({ forgetSubscribersIdleSince: Date.now() - 200 })).toMatchObject({ forgottenSubscribers: [] });
	});

	it('lets a running trigger whose cursor was forgotten go on from new events', async () => {
		const received: StoreEvent[] = [];
		const errors: unknown[] = [];
		const subscriber = new EventSubscriber({
			store,
			subscriberId: 'workflow:asleep',
			idleRecheckMs: 20,
			types: ['message.received'],
			handle: (event) => void received.push(event),
			onError: (error) => void errors.push(error),
		});
		await subscriber.start();
		await store.unsubscribe('workflow:asleep');
		await waitFor(() => errors.length > 0);
		await sleep(50);
		await store.ingest(webhookOf({ messages: [inbound({ timestamp: Date.now() })] }), { now: Date.now(), inactivityTimeoutMs: TIMEOUT });
		await waitFor(() => received.length === 1);
		await subscriber.stop();
		expect(errors[0]).toMatchObject({ code: 'SUBSCRIPTION_NOT_FOUND' });
	});

	it('applies the longest retention asked for each number, keeps everything of a number kept forever, and forgets cursors after the longest idle time', async () => {
		const now = Date.UTC(2026, 5, 1);
		const calls: PruneOptions[] = [];
		jest.spyOn(store, 'prune').mockImplementation(async (options) => {
			calls.push(options);
			return { messages: 0, conversations: 0, statusReceipts: 0, reservations: 0, waitingAnswers: 0, pricing: 0, events: 0, forgottenSubscribers: [] };
		});
		const maintenance = new StoreMaintenance(store, { clock: () => now, pauseMs: 0 });
		maintenance.addPolicy({ phoneNumberId: 'A', keepMessagesMs: 30 * DAY, forgetInactiveTriggersAfterMs: 7 * DAY });
		const removeLonger = maintenance.addPolicy({ phoneNumberId: 'A', keepMessagesMs: 90 * DAY, forgetInactiveTriggersAfterMs: 14 * DAY });
		maintenance.addPolicy({ phoneNumberId: 'B', keepMessagesMs: null, forgetInactiveTriggersAfterMs: 7 * DAY });

		await maintenance.runNow();
		expect(calls).toEqual([
			{ phoneNumberId: 'A', messagesBefore: now - 90 * DAY, batchSize: undefined, pauseMs: 0 },
			{
				statusReceiptsBefore: undefined,
				reservationsBefore: now - DAY,
				waitingAnswersBefore: now - DAY,
				forgetSubscribersIdleSince: now - 14 * DAY,
				eventsBefore: now - DAY,
				batchSize: undefined,
				pauseMs: 0,
			},
		]);

		removeLonger();
		calls.length = 0;
		await maintenance.runNow();
		expect(calls[0]).toMatchObject({ phoneNumberId: 'A', messagesBefore: now - 30 * DAY });
		expect(calls[1]).toMatchObject({ forgetSubscribersIdleSince: now - 7 * DAY });
	});

	it('keeps status receipts at least 7 days, whatever the retention', async () => {
		const now = Date.UTC(2026, 5, 1);
		const spy = jest.spyOn(store, 'prune');
		const maintenance = new StoreMaintenance(store, { clock: () => now, pauseMs: 0 });
		maintenance.addPolicy({ phoneNumberId: 'A', keepMessagesMs: DAY, forgetInactiveTriggersAfterMs: 7 * DAY });
		await maintenance.runNow();
		expect(spy.mock.calls.at(-1)?.[0]).toMatchObject({ statusReceiptsBefore: now - 7 * DAY });
	});

	it('runs one timer per store however many triggers share it, until the last one stops', async () => {
		const spy = jest.spyOn(store, 'prune');
		const policy = { phoneNumberId: BUSINESS.phoneNumberId, keepMessagesMs: 90 * DAY, forgetInactiveTriggersAfterMs: 7 * DAY };
		const releaseFirst = maintainStore(store, policy, { firstPassDelayMs: 10, intervalMs: 40, pauseMs: 0 });
		const releaseSecond = maintainStore(store, policy);
		await sleep(150);
		// One pass is two prunes (this number's messages, then the store-wide rest): about 4 passes, not 8.
		const passes = spy.mock.calls.length / 2;
		expect(passes).toBeGreaterThanOrEqual(2);
		expect(passes).toBeLessThanOrEqual(5);
		await releaseFirst();
		await sleep(60);
		expect(spy.mock.calls.length / 2).toBeGreaterThan(passes);
		await releaseSecond();
		const afterStop = spy.mock.calls.length;
		await sleep(100);
		expect(spy.mock.calls.length).toBe(afterStop);
	});
});
