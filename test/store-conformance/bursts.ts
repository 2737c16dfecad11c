import { burstLimits, type ReceivedEvent } from '../../core/conversation/bursts';
import type { ConversationStore } from '../../core/conversation/store';
import { inbound, status, webhookOf } from '../../tools/traffic/builders';
import type { StoreHarness } from './harness';

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = (now: number) => ({ now, inactivityTimeoutMs: 30 * 60 * SECOND });
const QUIET = burstLimits(3 * SECOND);
const ANA = '16505550001';
const BEN = '16505550002';

/** A message from the customer, arriving (logged) at `at`. */
async function arrive(store: ConversationStore, customerId: string, at: number, text: string): Promise<string> {
	const message = inbound({ customerId, timestamp: at, text });
	await store.ingest(webhookOf({ messages: [message] }), lifecycle(at));
	return message.wamid;
}

/** What a trigger's reader does: received messages go into bursts, anything else is handed on now. */
async function readIntoBursts(store: ConversationStore, subscriberId: string, now: number): Promise<string[]> {
	const batch = await store.readEvents(subscriberId);
	const handedOn: string[] = [];
	for (const event of batch.events) {
		if (event.type === 'message.received') await store.holdInBurst(subscriberId, event as ReceivedEvent, now);
		else handedOn.push(event.type);
	}
	await store.acknowledge(subscriberId, batch.position, now);
	return handedOn;
}

async function takeTexts(store: ConversationStore, subscriberId: string, now: number) {
	const due = await store.takeDueBursts(subscriberId, QUIET, now);
	return {
		bursts: due.bursts.map((events) => events.map((event) => (event.type === 'message.received' ? event.payload.message.text : event.type))),
		nextDueAt: due.nextDueAt,
	};
}

/**
 * Bursts (ConversationStore.holdInBurst / takeDueBursts): a trigger's pending burst per customer,
 * durable, taken once when its customer has been quiet for the period or a cap is reached.
 */
export function describeBurstConformance(current: () => { store: ConversationStore; harness: StoreHarness }): void {
	describe('bursts', () => {
		it('holds each customer\'s messages until the quiet period after the latest one, then gives them once, in order', async () => {
			const { store } = current();
			await store.subscribe('trigger');
			await arrive(store, ANA, T0, 'hi');
			await arrive(store, ANA, T0 + 2 * SECOND, 'I have a question');
			await arrive(store, BEN, T0 + 2 * SECOND, 'hello');
			await arrive(store, ANA, T0 + 4 * SECOND, 'about my order');
			expect(await readIntoBursts(store, 'trigger', T0 + 4 * SECOND)).toEqual(['conversation.started', 'conversation.started']);

			// Ana's last message came at +4 s: quiet until +7 s. Ben's burst is due at +5 s.
			expect(await takeTexts(store, 'trigger', T0 + 4500)).toEqual({ bursts: [], nextDueAt: T0 + 5 * SECOND });
			expect(await takeTexts(store, 'trigger', T0 + 5 * SECOND)).toEqual({ bursts: [['hello']], nextDueAt: T0 + 7 * SECOND });
			expect(await takeTexts(store, 'trigger', T0 + 7 * SECOND)).toEqual({ bursts: [['hi', 'I have a question', 'about my order']], nextDueAt: null });
			expect(await takeTexts(store, 'trigger', T0 + 60 * SECOND)).toEqual({ bursts: [], nextDueAt: null });

			// A message after the take starts the next burst.
			await arrive(store, ANA, T0 + 8 * SECOND, 'thanks');
			await readIntoBursts(store, 'trigger', T0 + 8 * SECOND);
			expect((await takeTexts(store, 'trigger', T0 + 11 * SECOND)).bursts).toEqual([['thanks']]);
		});

		it('moves the cursor past a held message in the same write, and holds a message once', async () => {
			const { store } = current();
			await store.subscribe('trigger');
			await arrive(store, ANA, T0, 'one');
			const [started, received] = (await store.readEvents('trigger')).events;
			expect(started.type).toBe('conversation.started');
			await store.holdInBurst('trigger', received as ReceivedEvent, T0);
			await store.holdInBurst('trigger', received as ReceivedEvent, T0);
			// Not acknowledged by the reader, yet nothing up to the held message is read again.
			expect((await store.readEvents('trigger')).events).toEqual([]);
			expect((await takeTexts(store, 'trigger', T0 + 3 * SECOND)).bursts).toEqual([['one']]);
		});

		it('caps a burst at its size and its age, so a chatty customer still gets answers', async () => {
			const { store } = current();
			await store.subscribe('trigger');
			// One message every 2 s never leaves 3 s of quiet: the age cap (5 quiet periods) ends the burst.
			for (let index = 0; index < 8; index++) await arrive(store, ANA, T0 + index * 2 * SECOND, `a${index}`);
			await readIntoBursts(store, 'trigger', T0 + 14 * SECOND);
			expect(await takeTexts(store, 'trigger', T0 + 14 * SECOND)).toEqual({ bursts: [], nextDueAt: T0 + QUIET.maxAgeMs });
			expect((await takeTexts(store, 'trigger', T0 + QUIET.maxAgeMs)).bursts).toEqual([['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']]);

			const start = T0 + 60 * SECOND;
			for (let index = 0; index < QUIET.maxMessages; index++) await arrive(store, BEN, start + index * 100, `b${index}`);
			await readIntoBursts(store, 'trigger', start + SECOND);
			const full = await takeTexts(store, 'trigger', start + SECOND);
			expect(full.bursts).toHaveLength(1);
			expect(full.bursts[0]).toHaveLength(QUIET.maxMessages);
		});

		it('keeps the bursts of two subscribers apart (fan-out)', async () => {
			const { store } = current();
			await store.subscribe('first');
			await store.subscribe('second');
			await arrive(store, ANA, T0, 'hi');
			await readIntoBursts(store, 'first', T0);
			await readIntoBursts(store, 'second', T0);
			expect((await takeTexts(store, 'first', T0 + 3 * SECOND)).bursts).toEqual([['hi']]);
			expect((await takeTexts(store, 'second', T0 + 3 * SECOND)).bursts).toEqual([['hi']]);
		});

		it('leaves statuses to be handed on at once', async () => {
			const { store } = current();
			await store.subscribe('trigger');
			const wamid = await arrive(store, ANA, T0, 'hi');
			await store.ingest(webhookOf({ statuses: [status(wamid, 'read', { timestamp: T0 + SECOND })] }), lifecycle(T0 + SECOND));
			expect(await readIntoBursts(store, 'trigger', T0 + SECOND)).toEqual(['conversation.started', 'message.status']);
		});

		it('keeps a pending burst across a restart and gives it once after it', async () => {
			const { store, harness } = current();
			await store.subscribe('trigger');
			await arrive(store, ANA, T0, 'before');
			await arrive(store, ANA, T0 + SECOND, 'the restart');
			await readIntoBursts(store, 'trigger', T0 + SECOND);
			await store.close();
			const restarted = await harness.open();
			expect((await restarted.readEvents('trigger')).events).toEqual([]);
			expect((await takeTexts(restarted, 'trigger', T0 + 10 * SECOND)).bursts).toEqual([['before', 'the restart']]);
			expect((await takeTexts(restarted, 'trigger', T0 + 11 * SECOND)).bursts).toEqual([]);
		});

		it('gives each burst to one of two concurrent takers', async () => {
			const { store, harness } = current();
			const other = await harness.open();
			await store.subscribe('trigger');
			for (let index = 0; index < 6; index++) await arrive(store, `1650555100${index}`, T0, `m${index}`);
			await readIntoBursts(store, 'trigger', T0);
			const takes = await Promise.all([0, 1, 2, 3].map((index) => takeTexts(index % 2 === 0 ? store : other, 'trigger', T0 + 3 * SECOND)));
			const texts = takes.flatMap((take) => take.bursts.flat()).sort();
			expect(texts).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
		});

		it('keeps the events a pending burst holds when pruning, and lets them go with the burst or the cursor', async () => {
			const { store } = current();
			await store.subscribe('trigger');
			await store.subscribe('gone');
			await arrive(store, ANA, T0, 'hi');
			await readIntoBursts(store, 'trigger', T0);
			await readIntoBursts(store, 'gone', T0);
			// Both cursors passed the events; the started events go, the held messages stay.
			expect((await store.prune({ eventsBefore: T0 + 2 * DAY })).events).toBe(1);
			await store.unsubscribe('gone');
			expect((await store.prune({ eventsBefore: T0 + 2 * DAY })).events).toBe(0);
			expect((await takeTexts(store, 'trigger', T0 + 2 * DAY)).bursts).toEqual([['hi']]);
			expect((await store.prune({ eventsBefore: T0 + 2 * DAY })).events).toBe(1);

			await arrive(store, BEN, T0 + DAY, 'hello');
			await readIntoBursts(store, 'trigger', T0 + DAY);
			const forgotten = await store.prune({ forgetSubscribersIdleSince: T0 + 2 * DAY, eventsBefore: T0 + 3 * DAY });
			expect(forgotten.forgottenSubscribers).toEqual(['trigger']);
			expect(forgotten.events).toBe(2);
		});
	});
}
