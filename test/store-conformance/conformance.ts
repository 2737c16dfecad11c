import { PolicyError, StoreError } from '../../core/errors';
import { MAX_STORED_PAYLOAD_BYTES } from '../../core/conversation/payload-cap';
import { EventSubscriber } from '../../core/events/subscriber';
import type { StoreEvent } from '../../core/events/types';
import type { ConversationStore } from '../../core/conversation/store';
import { BUSINESS, inbound, status, webhookOf } from '../../tools/traffic/builders';
import { describeBurstConformance } from './bursts';
import { describeWaitingAnswerConformance } from './waiting-answers';
import { describeAccountEventConformance } from './account-events';
import { describeUsageConformance } from './usage';
import { describeMessagingLimitConformance } from './messaging-limits';
import { describeCustomerKeyConformance } from './customer-keys';
import type { StoreHarness, StoreHarnessFactory } from './harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const TIMEOUT = 30 * MINUTE;
const lifecycle = (now: number) => ({ now, inactivityTimeoutMs: TIMEOUT });

async function allEvents(store: ConversationStore, subscriberId = `reader-${Math.random()}`): Promise<StoreEvent[]> {
	await store.subscribe(subscriberId, 'beginning');
	const batch = await store.readEvents(subscriberId, { limit: 10_000 });
	return batch.events;
}

/**
 * The behaviour every engine must have. Run it with an engine's harness factory; it never looks
 * behind the ConversationStore interface.
 */
export function describeStoreConformance(engineName: string, createHarness: StoreHarnessFactory): void {
	describe(`${engineName} store conformance`, () => {
		let harness: StoreHarness;
		let store: ConversationStore;

		beforeEach(async () => {
			harness = await createHarness();
			store = await harness.open();
		});

		afterEach(async () => {
			await harness.dispose();
		});

		describe('ingest and conversation lifecycle', () => {
			it('opens a customer-initiated conversation and logs started then received', async () => {
				const message = inbound({ timestamp: T0 });
				const result = await store.ingest(webhookOf({ messages: [message] }), lifecycle(T0 + 1000));
				expect(result).toMatchObject({ messagesStored: 1, duplicateMessages: 0 });

				const conversation = await store.findOpenConversation(BUSINESS.phoneNumberId, message.customerId);
				expect(conversation).toMatchObject({
					status: 'open',
					initiatedBy: 'customer',
					startedAt: T0,
					lastMessageAt: T0,
					messageCount: 1,
					customerName: 'Sheena Nelson',
					businessAccountId: BUSINESS.businessAccountId,
					aiEnabled: true,
				});

				const events = await allEvents(store);
				expect(events.map((event) => event.type)).toEqual(['conversation.started', 'message.received']);
				const received = events[1];
				if (received.type !== 'message.received') throw new Error('unexpected event');
				expect(received.payload.conversation).toEqual({ id: conversation!.id, isNew: true, initiatedBy: 'customer', startedAt: T0 });
				expect(received.payload.window).toEqual({ open: true, expiresAt: T0 + 24 * HOUR });
				expect(received.payload.message.text).toBe('Does it come in another color?');
				expect(received.conversationId).toBe(conversation!.id);
				expect(events[0].id).toBeLessThan(events[1].id);
			});

			it('stores a redelivered wamid once and logs no second event', async () => {
				const message = inbound({ timestamp: T0 });
				await store.ingest(webhookOf({ messages: [message] }), lifecycle(T0));
				const again = await store.ingest(webhookOf({ messages: [message] }), lifecycle(T0 + 5000));
				expect(again).toMatchObject({ messagesStored: 0, duplicateMessages: 1 });
				const conversation = await store.findOpenConversation(BUSINESS.phoneNumberId, message.customerId);
				expect(conversation!.messageCount).toBe(1);
				expect(await allEvents(store)).toHaveLength(2);
			});

			it('finds a stored message by its wamid, in the conversation that holds it', async () => {
				const message = inbound({ timestamp: T0, text: 'Where is my order?' });
				await store.ingest(webhookOf({ messages: [message] }), lifecycle(T0));
				const conversation = await store.findOpenConversation(BUSINESS.phoneNumberId, message.customerId);
				expect(await store.getMessage(message.wamid)).toMatchObject({ wamid: message.wamid, conversationId: conversation!.id, direction: 'inbound', text: 'Where is my order?' });
				expect(await store.getMessage('wamid.never-stored')).toBeNull();
			});

			it('extends the open conversation with each message in either direction', async () => {
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				await store.recordOutbound(
					{ ...BUSINESS, wamid: 'wamid.out-1', customerId: '16505551234', type: 'text', text: 'Yes, in blue.', payload: {}, timestamp: T0 + MINUTE },
					lifecycle(T0 + MINUTE),
				);
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 + 2 * MINUTE, text: 'Great' })] }), lifecycle(T0 + 2 * MINUTE));

				const [conversation] = await store.listConversations({});
				expect(conversation).toMatchObject({ messageCount: 3, lastMessageAt: T0 + 2 * MINUTE, initiatedBy: 'customer' });
				const transcript = await store.getTranscript(conversation.id);
				expect(transcript.map((message) => [message.direction, message.text])).toEqual([
					['inbound', 'Does it come in another color?'],
					['outbound', 'Yes, in blue.'],
					['inbound', 'Great'],
				]);
				const received = (await allEvents(store)).filter((event) => event.type === 'message.received');
				expect(received.map((event) => event.type === 'message.received' && event.payload.conversation.isNew)).toEqual([true, false]);
			});

			it('ends an idle conversation and starts a new one when the next message arrives', async () => {
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				const first = await store.findOpenConversation(BUSINESS.phoneNumberId, '16505551234');
				const later = T0 + TIMEOUT + MINUTE;
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: later })] }), lifecycle(later));

				const ended = await store.getConversation(first!.id);
				expect(ended).toMatchObject({ status: 'closed', closeReason: 'inactivity', closedAt: later });
				const second = await store.findOpenConversation(BUSINESS.phoneNumberId, '16505551234');
				expect(second!.id).not.toBe(first!.id);
				expect((await allEvents(store)).map((event) => event.type)).toEqual([
					'conversation.started',
					'message.received',
					'conversation.ended',
					'conversation.started',
					'message.received',
				]);
			});

			it('opens a business-initiated conversation on an outbound message', async () => {
				const result = await store.recordOutbound(
					{ ...BUSINESS, wamid: 'wamid.out-first', customerId: '447700900123', type: 'template', text: 'order_update', payload: { template: 'order_update' }, timestamp: T0 },
					lifecycle(T0),
				);
				expect(result.isNewConversation).toBe(true);
				expect(result.conversation).toMatchObject({ initiatedBy: 'business', customerId: '447700900123', messageCount: 1 });
				const [started] = await allEvents(store);
				expect(started.type).toBe('conversation.started');
				if (started.type !== 'conversation.started') throw new Error('unexpected event');
				expect(started.payload.firstMessage).toMatchObject({ direction: 'outbound', type: 'template', wamid: 'wamid.out-first' });
			});

			it('records a customer message from another channel without moving the window or logging it as received', async () => {
				const message = { ...BUSINESS, wamid: 'ai-in.1', customerId: 'crm-42', customerName: 'Ana', type: 'text', text: 'Hi from the web chat', payload: { source: 'crm' }, timestamp: T0 };
				const first = await store.recordCustomerMessage(message, lifecycle(T0));
				expect(first).toMatchObject({ stored: true, isNewConversation: true, conversation: { initiatedBy: 'customer', customerName: 'Ana', messageCount: 1 } });
				expect(await store.recordCustomerMessage(message, lifecycle(T0 + 1))).toMatchObject({ stored: false, conversation: { id: first.conversation.id } });
				expect(await store.getContact(BUSINESS.phoneNumberId, 'crm-42')).toBeNull();
				expect((await store.getWindow(BUSINESS.phoneNumberId, 'crm-42', T0)).open).toBe(false);
				expect((await allEvents(store)).map((event) => event.type)).toEqual(['conversation.started']);
				expect((await store.getTranscript(first.conversation.id)).map((stored) => [stored.direction, stored.text])).toEqual([['inbound', 'Hi from the web chat']]);
			});

			it('writes nothing of a batch when one part of it fails', async () => {
				const good = inbound({ timestamp: T0 });
				// A BigInt cannot be serialized: the second message fails after the first was written.
				const bad = inbound({ timestamp: T0, customerId: '16505550000', raw: { size: 1n } as unknown as Record<string, unknown> });
				await expect(store.ingest(webhookOf({ messages: [good, bad] }), lifecycle(T0))).rejects.toThrow();
				expect(await store.listConversations({})).toEqual([]);
				expect(await store.getContact(BUSINESS.phoneNumberId, good.customerId)).toBeNull();
				expect(await allEvents(store)).toEqual([]);
				// The same delivery, retried by Meta once fixed, is then stored normally.
				expect(await store.ingest(webhookOf({ messages: [good] }), lifecycle(T0))).toMatchObject({ messagesStored: 1 });
			});
		});

		describe('delivery statuses', () => {
			beforeEach(async () => {
				await store.recordOutbound(
					{ ...BUSINESS, wamid: 'wamid.out-s', customerId: '16505551234', type: 'text', text: 'Hello', payload: {}, timestamp: T0 },
					lifecycle(T0),
				);
			});

			it('moves statuses forward only and ignores redeliveries', async () => {
				const deliveries = [status('wamid.out-s', 'sent'), status('wamid.out-s', 'read'), status('wamid.out-s', 'delivered'), status('wamid.out-s', 'read')];
				const result = await store.ingest(webhookOf({ statuses: deliveries }), lifecycle(T0 + 1000));
				expect(result).toMatchObject({ statusesApplied: 3, duplicateStatuses: 1 });
				const [message] = await store.getTranscript((await store.listConversations({}))[0].id);
				expect(message.status).toBe('read');
				const statusEvents = (await allEvents(store)).filter((event) => event.type === 'message.status');
				expect(statusEvents.map((event) => event.type === 'message.status' && [event.payload.status.status, event.payload.applied])).toEqual([
					['sent', true],
					['read', true],
					['delivered', false],
				]);
			});

			it('records a failure with Meta\'s error', async () => {
				const failed = status('wamid.out-s', 'failed', {
					errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.', message: null, details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' }],
				});
				await store.ingest(webhookOf({ statuses: [failed] }), lifecycle(T0 + 1000));
				const [message] = await store.getTranscript((await store.listConversations({}))[0].id);
				expect(message).toMatchObject({ status: 'failed', error: { code: 131049 } });
			});

			it('logs a status for a message it never sent, without a conversation', async () => {
				await store.ingest(webhookOf({ statuses: [status('wamid.unknown', 'delivered')] }), lifecycle(T0));
				const statusEvent = (await allEvents(store)).find((event) => event.type === 'message.status');
				expect(statusEvent).toMatchObject({ conversationId: null, payload: { applied: false, conversationId: null } });
			});
		});

		describe('window, contacts and opt-out', () => {
			it('opens the 24-hour window from the last inbound message and closes it after', async () => {
				expect(await store.getWindow(BUSINESS.phoneNumberId, '16505551234', T0)).toEqual({ open: false, expiresAt: null, remainingMs: 0, lastInboundAt: null });
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				expect(await store.getWindow(BUSINESS.phoneNumberId, '16505551234', T0 + 23 * HOUR)).toEqual({ open: true, expiresAt: T0 + 24 * HOUR, remainingMs: HOUR, lastInboundAt: T0 });
				expect((await store.getWindow(BUSINESS.phoneNumberId, '16505551234', T0 + 24 * HOUR)).open).toBe(false);
				// Outbound messages do not move the window.
				await store.recordOutbound(
					{ ...BUSINESS, wamid: 'wamid.out-w', customerId: '16505551234', type: 'text', text: 'Hi', payload: {}, timestamp: T0 + HOUR },
					lifecycle(T0 + HOUR),
				);
				expect((await store.getWindow(BUSINESS.phoneNumberId, '16505551234', T0 + HOUR)).lastInboundAt).toBe(T0);
			});

			it('takes a message or status timestamped in the future as arriving now: the window ends by now + 24 h', async () => {
				const weekAhead = T0 + 7 * 24 * HOUR;
				const future = inbound({ timestamp: weekAhead });
				await store.ingest(webhookOf({ messages: [future] }), lifecycle(T0));
				expect(await store.getWindow(BUSINESS.phoneNumberId, '16505551234', T0)).toEqual({ open: true, expiresAt: T0 + 24 * HOUR, remainingMs: 24 * HOUR, lastInboundAt: T0 });
				expect((await store.getWindow(BUSINESS.phoneNumberId, '16505551234', T0 + 24 * HOUR)).open).toBe(false);
				const [conversation] = await store.listConversations({});
				expect(conversation).toMatchObject({ startedAt: T0, lastMessageAt: T0 });
				expect(await store.getTranscript(conversation.id)).toEqual([expect.objectContaining({ wamid: future.wamid, timestamp: T0 })]);
				// So the conversation goes idle on time.
				expect(await store.sweepIdleConversations(lifecycle(T0 + TIMEOUT + 1))).toHaveLength(1);
				const received = (await allEvents(store)).find((event) => event.type === 'message.received');
				expect(received).toMatchObject({ payload: { window: { open: true, expiresAt: T0 + 24 * HOUR }, message: { timestamp: T0 } } });

				await store.recordOutbound(
					{ ...BUSINESS, wamid: 'wamid.out-f', customerId: '16505551234', type: 'text', text: 'Hi', payload: {}, timestamp: T0 + HOUR },
					lifecycle(T0 + HOUR),
				);
				await store.ingest(webhookOf({ statuses: [status('wamid.out-f', 'delivered', { timestamp: weekAhead })] }), lifecycle(T0 + 2 * HOUR));
				const [reply] = (await store.getTranscript((await store.listConversations({ status: 'open' }))[0].id)).filter((message) => message.wamid === 'wamid.out-f');
				expect(reply).toMatchObject({ status: 'delivered', statusAt: T0 + 2 * HOUR });
			});

			it('opts a contact out on a STOP message and back in on START', async () => {
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0, text: 'Stop' })] }), lifecycle(T0));
				expect(await store.getContact(BUSINESS.phoneNumberId, '16505551234')).toMatchObject({ optedOut: true, optedOutAt: T0 });
				const received = (await allEvents(store)).find((event) => event.type === 'message.received');
				expect(received).toMatchObject({ payload: { optKeyword: 'opt_out', contact: { optedOut: true } } });

				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 + MINUTE, text: 'please do not stop' })] }), lifecycle(T0 + MINUTE));
				expect((await store.getContact(BUSINESS.phoneNumberId, '16505551234'))!.optedOut).toBe(true);
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 + 2 * MINUTE, text: 'START' })] }), lifecycle(T0 + 2 * MINUTE));
				expect(await store.getContact(BUSINESS.phoneNumberId, '16505551234')).toMatchObject({ optedOut: false, optedOutAt: null });
			});

			it('honours configured opt-out keywords and manual opt-out', async () => {
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0, text: 'leave me alone' })] }), { ...lifecycle(T0), optOutKeywords: ['leave me alone'] });
				expect((await store.getContact(BUSINESS.phoneNumberId, '16505551234'))!.optedOut).toBe(true);
				const contact = await store.setOptOut(BUSINESS.phoneNumberId, '447700900123', true, T0);
				expect(contact).toMatchObject({ optedOut: true, optedOutAt: T0, waId: '447700900123', lastInboundAt: null });
				expect((await store.setOptOut(BUSINESS.phoneNumberId, '447700900123', false, T0 + 1)).optedOut).toBe(false);
			});
		});

		describe('daily messaging limit', () => {
			const scope = BUSINESS.businessAccountId;

			it('reserves unique users up to the tier and refuses the next', async () => {
				for (let index = 0; index < 250; index++) {
					const reservation = await store.reserveDailyLimit({ scope, customerId: `1650555${String(index).padStart(4, '0')}`, tier: 'TIER_250', now: T0 });
					expect(reservation).toMatchObject({ counted: true, used: index + 1, limit: 250, remaining: 249 - index });
				}
				const refused = store.reserveDailyLimit({ scope, customerId: '16505559999', tier: 'TIER_250', now: T0 });
				await expect(refused).rejects.toBeInstanceOf(PolicyError);
				await expect(refused).rejects.toMatchObject({ code: 'DAILY_LIMIT_REACHED', details: { limit: 250, used: 250 } });
				// Someone already reached in the last 24 h costs nothing more.
				expect(await store.reserveDailyLimit({ scope, customerId: '16505550007', tier: 'TIER_250', now: T0 + HOUR })).toMatchObject({ counted: false, used: 250 });
				expect(await store.dailyLimitUsage(scope, T0 + HOUR)).toBe(250);
			});

			it('frees units as reservations leave the rolling 24 hours', async () => {
				await store.reserveDailyLimit({ scope, customerId: 'a', tier: 'TIER_250', now: T0 });
				await store.reserveDailyLimit({ scope, customerId: 'b', tier: 'TIER_250', now: T0 + 2 * HOUR });
				expect(await store.dailyLimitUsage(scope, T0 + 24 * HOUR + 1)).toBe(1);
				expect(await store.reserveDailyLimit({ scope, customerId: 'a', tier: 'TIER_250', now: T0 + 25 * HOUR })).toMatchObject({ counted: true, used: 2 });
			});

			it('gives a unit back when the send failed, and keeps an earlier reservation', async () => {
				const fresh = await store.reserveDailyLimit({ scope, customerId: 'x', tier: 'TIER_250', now: T0 });
				await store.releaseDailyLimit(fresh);
				expect(await store.dailyLimitUsage(scope, T0)).toBe(0);
				await store.reserveDailyLimit({ scope, customerId: 'y', tier: 'TIER_250', now: T0 });
				const repeat = await store.reserveDailyLimit({ scope, customerId: 'y', tier: 'TIER_250', now: T0 + HOUR });
				await store.releaseDailyLimit(repeat);
				expect(await store.dailyLimitUsage(scope, T0 + 24 * HOUR - 1)).toBe(1);
				expect(await store.dailyLimitUsage(scope, T0 + 24 * HOUR)).toBe(0);
			});

			it('never lets concurrent reservations from two connections exceed the tier', async () => {
				const other = await harness.open();
				const attempts = Array.from({ length: 320 }, (_, index) =>
					(index % 2 === 0 ? store : other).reserveDailyLimit({ scope, customerId: `c${index}`, tier: 'TIER_250', now: T0 }),
				);
				const results = await Promise.allSettled(attempts);
				expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(250);
				const refusals = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
				expect(refusals).toHaveLength(70);
				expect(refusals.every((refusal) => (refusal.reason as PolicyError).code === 'DAILY_LIMIT_REACHED')).toBe(true);
				expect(await store.dailyLimitUsage(scope, T0)).toBe(250);
			});

			it('does not limit the unlimited tier', async () => {
				const reservation = await store.reserveDailyLimit({ scope, customerId: 'u', tier: 'TIER_UNLIMITED', now: T0 });
				expect(reservation).toMatchObject({ counted: true, limit: null, remaining: null });
			});
		});

		describe('sweep and manual close', () => {
			async function openConversations(count: number, at: number): Promise<void> {
				for (let index = 0; index < count; index++) {
					await store.ingest(webhookOf({ messages: [inbound({ customerId: `4477009${String(index).padStart(5, '0')}`, timestamp: at })] }), lifecycle(at));
				}
			}

			it('closes only conversations idle past the timeout, each once', async () => {
				await openConversations(3, T0);
				await store.ingest(webhookOf({ messages: [inbound({ customerId: '16505551234', timestamp: T0 + 20 * MINUTE })] }), lifecycle(T0 + 20 * MINUTE));
				const now = T0 + TIMEOUT;
				const ended = await store.sweepIdleConversations({ now, inactivityTimeoutMs: TIMEOUT });
				expect(ended).toHaveLength(3);
				expect(ended.every((conversation) => conversation.status === 'closed' && conversation.closeReason === 'inactivity' && conversation.closedAt === now)).toBe(true);
				expect(await store.sweepIdleConversations({ now, inactivityTimeoutMs: TIMEOUT })).toEqual([]);
				expect(await store.listConversations({ status: 'open' })).toHaveLength(1);
				const endedEvents = (await allEvents(store)).filter((event) => event.type === 'conversation.ended');
				expect(endedEvents).toHaveLength(3);
			});

			it('ends each conversation exactly once when sweeps race', async () => {
				await openConversations(40, T0);
				const other = await harness.open();
				const now = T0 + TIMEOUT + 1;
				const sweeps = await Promise.all(
					Array.from({ length: 6 }, (_, index) => (index % 2 === 0 ? store : other).sweepIdleConversations({ now, inactivityTimeoutMs: TIMEOUT, batchSize: 7 })),
				);
				const endedIds = sweeps.flat().map((conversation) => conversation.id);
				expect(new Set(endedIds).size).toBe(endedIds.length);
				// Small batches: keep sweeping until nothing is left, as the sweeper does.
				let more = await store.sweepIdleConversations({ now, inactivityTimeoutMs: TIMEOUT, batchSize: 7 });
				while (more.length > 0) {
					endedIds.push(...more.map((conversation) => conversation.id));
					more = await other.sweepIdleConversations({ now, inactivityTimeoutMs: TIMEOUT, batchSize: 7 });
				}
				expect(new Set(endedIds).size).toBe(40);
				expect(endedIds).toHaveLength(40);
				expect((await allEvents(store)).filter((event) => event.type === 'conversation.ended')).toHaveLength(40);
			});

			it('sweeps only the given business number', async () => {
				await openConversations(2, T0);
				await store.ingest(webhookOf({ messages: [inbound({ phoneNumberId: 'other-number', timestamp: T0 })] }), lifecycle(T0));
				const ended = await store.sweepIdleConversations({ now: T0 + HOUR, inactivityTimeoutMs: TIMEOUT, phoneNumberId: 'other-number' });
				expect(ended.map((conversation) => conversation.phoneNumberId)).toEqual(['other-number']);
			});

			it('closes manually once, and names an unknown conversation', async () => {
				await openConversations(1, T0);
				const [conversation] = await store.listConversations({});
				const closed = await store.closeConversation(conversation.id, { now: T0 + MINUTE });
				expect(closed).toMatchObject({ status: 'closed', closeReason: 'manual', closedAt: T0 + MINUTE });
				expect(await store.closeConversation(conversation.id, { now: T0 + 2 * MINUTE })).toMatchObject({ closedAt: T0 + MINUTE });
				const endedEvents = (await allEvents(store)).filter((event) => event.type === 'conversation.ended');
				expect(endedEvents).toHaveLength(1);
				expect(endedEvents[0]).toMatchObject({ payload: { reason: 'manual', conversation: { id: conversation.id, messageCount: 1 } } });

				const missing = store.closeConversation('no-such-id', { now: T0 });
				await expect(missing).rejects.toBeInstanceOf(StoreError);
				await expect(missing).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
			});
		});

		describe('conversation queries and flags', () => {
			it('lists with filters, pages and reads the latest transcript messages', async () => {
				for (let index = 0; index < 5; index++) {
					await store.ingest(webhookOf({ messages: [inbound({ customerId: `1650555000${index}`, timestamp: T0 + index * MINUTE, text: `m${index}` })] }), lifecycle(T0 + index * MINUTE));
				}
				const first = (await store.listConversations({ customerId: '16505550000' }))[0];
				await store.closeConversation(first.id, { now: T0 + 10 * MINUTE });
				expect((await store.listConversations({ status: 'open' })).map((c) => c.customerId)).toEqual(['16505550004', '16505550003', '16505550002', '16505550001']);
				expect((await store.listConversations({ status: 'closed' })).map((c) => c.id)).toEqual([first.id]);
				expect(await store.listConversations({ since: T0 + 3 * MINUTE })).toHaveLength(2);
				expect((await store.listConversations({ limit: 2, offset: 1 })).map((c) => c.customerId)).toEqual(['16505550003', '16505550002']);

				const open = (await store.listConversations({ customerId: '16505550004' }))[0];
				for (let index = 0; index < 4; index++) {
					await store.ingest(webhookOf({ messages: [inbound({ customerId: '16505550004', timestamp: T0 + (5 + index) * MINUTE, text: `more${index}` })] }), lifecycle(T0 + (5 + index) * MINUTE));
				}
				expect((await store.getTranscript(open.id, { limit: 2 })).map((m) => m.text)).toEqual(['more2', 'more3']);
			});

			it('turns AI off and on and merges variables', async () => {
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				const [conversation] = await store.listConversations({});
				expect((await store.setAiEnabled(conversation.id, false)).aiEnabled).toBe(false);
				expect((await store.getConversation(conversation.id))!.aiEnabled).toBe(false);
				await store.mergeConversationVariables(conversation.id, { input: { plan: 'pro' } });
				const merged = await store.mergeConversationVariables(conversation.id, { input: { region: 'EU' }, extracted: { intent: 'color' } });
				expect(merged).toMatchObject({ inputVariables: { plan: 'pro', region: 'EU' }, extractedVariables: { intent: 'color' } });
				await expect(store.setAiEnabled('missing', true)).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
			});
		});

		describe('retention and pruning', () => {
			const DAY = 24 * HOUR;
			const OTHER_NUMBER = '109999999999999';

			it('deletes messages and ended conversations past the retention of one business number, and keeps open conversations and contacts', async () => {
				// An ended conversation whose customer opted out, an open one with old messages, another number's, a recent one.
				await store.ingest(webhookOf({ messages: [inbound({ customerId: '16505550001', timestamp: T0, text: 'STOP' })] }), lifecycle(T0));
				await store.sweepIdleConversations({ now: T0 + HOUR, inactivityTimeoutMs: TIMEOUT });
				await store.ingest(webhookOf({ messages: [inbound({ customerId: '16505550002', timestamp: T0 + HOUR })] }), lifecycle(T0 + HOUR));
				await store.recordOutbound(
					{ ...BUSINESS, wamid: 'wamid.out-old', customerId: '16505550002', type: 'text', text: 'Hi', payload: {}, timestamp: T0 + HOUR + MINUTE },
					lifecycle(T0 + HOUR + MINUTE),
				);
				await store.ingest(webhookOf({ messages: [inbound({ phoneNumberId: OTHER_NUMBER, customerId: '16505550003', timestamp: T0 })] }), lifecycle(T0));
				await store.sweepIdleConversations({ now: T0 + 2 * HOUR, inactivityTimeoutMs: TIMEOUT, phoneNumberId: OTHER_NUMBER });
				const recentAt = T0 + 100 * DAY;
				await store.ingest(webhookOf({ messages: [inbound({ customerId: '16505550004', timestamp: recentAt })] }), lifecycle(recentAt));
				const [ended] = await store.listConversations({ customerId: '16505550001' });
				const [open] = await store.listConversations({ customerId: '16505550002' });
				const [other] = await store.listConversations({ customerId: '16505550003' });
				const [recent] = await store.listConversations({ customerId: '16505550004' });

				// Batches of one row: the prune goes on until nothing is due.
				const result = await store.prune({ messagesBefore: T0 + DAY, phoneNumberId: BUSINESS.phoneNumberId, batchSize: 1, pauseMs: 0 });

				expect(result).toMatchObject({ messages: 3, conversations: 1, events: 0 });
				expect(await store.getConversation(ended.id)).toBeNull();
				expect(await store.getConversation(open.id)).toMatchObject({ status: 'open', messageCount: 2 });
				expect(await store.getTranscript(open.id)).toEqual([]);
				expect(await store.getTranscript(other.id)).toHaveLength(1);
				expect(await store.getTranscript(recent.id)).toHaveLength(1);
				expect(await store.getContact(BUSINESS.phoneNumberId, '16505550001')).toMatchObject({ optedOut: true });
				expect(await store.getWindow(BUSINESS.phoneNumberId, '16505550002', T0 + 2 * HOUR)).toMatchObject({ open: true });
				// Nothing is due any more; without a number, every number's old messages go.
				expect(await store.prune({ messagesBefore: T0 + DAY, phoneNumberId: BUSINESS.phoneNumberId })).toMatchObject({ messages: 0, conversations: 0 });
				expect(await store.prune({ messagesBefore: T0 + DAY })).toMatchObject({ messages: 1, conversations: 1 });
				expect(await store.getConversation(other.id)).toBeNull();
			});

			it('deletes old status receipts and daily-limit reservations, and keeps the recent ones', async () => {
				await store.recordOutbound(
					{ ...BUSINESS, wamid: 'wamid.out-r', customerId: '16505551234', type: 'text', text: 'Hello', payload: {}, timestamp: T0 },
					lifecycle(T0),
				);
				await store.ingest(webhookOf({ statuses: [status('wamid.out-r', 'sent', { timestamp: T0 }), status('wamid.out-r', 'read', { timestamp: T0 + 3 * DAY })] }), lifecycle(T0 + 3 * DAY));
				// A scope nobody reserves in again keeps its expired reservations until a prune.
				const [idle, busy] = ['waba-idle', 'waba-busy'];
				await store.reserveDailyLimit({ scope: idle, customerId: 'a', tier: 'TIER_250', now: T0 });
				await store.reserveDailyLimit({ scope: busy, customerId: 'b', tier: 'TIER_250', now: T0 + 30 * HOUR });

				const result = await store.prune({ statusReceiptsBefore: T0 + DAY, reservationsBefore: T0 + 30 * HOUR - 24 * HOUR });
				expect(result).toMatchObject({ statusReceipts: 1, reservations: 1, messages: 0 });
				// The receipt of 'read' is kept: its redelivery is still recognised; 'sent' is no longer.
				const redelivered = await store.ingest(webhookOf({ statuses: [status('wamid.out-r', 'read', { timestamp: T0 + 3 * DAY })] }), lifecycle(T0 + 3 * DAY));
				expect(redelivered).toMatchObject({ statusesApplied: 0, duplicateStatuses: 1 });
				expect(await store.prune({ reservationsBefore: T0 + 30 * HOUR - 24 * HOUR })).toMatchObject({ reservations: 0 });
				expect(await store.reserveDailyLimit({ scope: busy, customerId: 'b', tier: 'TIER_250', now: T0 + 31 * HOUR })).toMatchObject({ counted: false, used: 1 });
			});

			it('forgets cursors untouched since the cutoff, so they no longer hold back old events', async () => {
				await store.subscribe('workflow:gone');
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				await store.subscribe('workflow:live', 'beginning');
				const batch = await store.readEvents('workflow:live');
				expect(batch.events).toHaveLength(2);
				const later = Date.now() + 10 * DAY;
				await store.acknowledge('workflow:live', batch.position, later);

				// The gone trigger's cursor is behind both events: nothing may go while it counts.
				expect(await store.prune({ eventsBefore: T0 + HOUR })).toMatchObject({ events: 0, forgottenSubscribers: [] });
				const result = await store.prune({ forgetSubscribersIdleSince: later - DAY, eventsBefore: T0 + HOUR, batchSize: 1, pauseMs: 0 });
				expect(result).toMatchObject({ events: 2, forgottenSubscribers: ['workflow:gone'] });
				await expect(store.readEvents('workflow:gone')).rejects.toMatchObject({ code: 'SUBSCRIPTION_NOT_FOUND' });
				expect((await store.readEvents('workflow:live')).events).toEqual([]);
			});

			it('keeps Meta\'s message once: capped on the event, not on the message row', async () => {
				const huge = 'x'.repeat(100 * 1024);
				const message = inbound({ timestamp: T0, raw: { from: '16505551234', id: 'wamid.huge', type: 'text', text: { body: huge } } });
				await store.ingest(webhookOf({ messages: [message] }), lifecycle(T0));
				const received = (await allEvents(store)).find((event) => event.type === 'message.received');
				if (received?.type !== 'message.received') throw new Error('no message.received event');
				expect(received.payload.message.raw).toEqual({ truncated: true, bytes: expect.any(Number), from: '16505551234', id: 'wamid.huge', type: 'text' });
				expect(received.payload.message.raw.bytes).toBeGreaterThan(100 * 1024);
				expect(received.payload.message).toMatchObject({ wamid: message.wamid, text: message.text, customerId: '16505551234' });
				const [stored] = await store.getTranscript((await store.listConversations({}))[0].id);
				expect(stored.payload).not.toHaveProperty('raw');
				expect(stored.payload).toMatchObject({ wamid: message.wamid, type: 'text', customerName: 'Sheena Nelson' });
			});

			it('caps what was read out of a message too: a Flow reply of megabytes is not stored whole, on the event or the row', async () => {
				const answers = 'y'.repeat(200 * 1024);
				const reply = { kind: 'nfm_reply' as const, id: 'flow-token', title: 'Sent', description: null, flowResponse: { flow_token: 'flow-token', answers } };
				const message = inbound({ timestamp: T0, type: 'interactive', text: 'Sent', reply, raw: { id: 'wamid.flow', type: 'interactive' } });
				await store.ingest(webhookOf({ messages: [message] }), lifecycle(T0));
				const received = (await allEvents(store)).find((event) => event.type === 'message.received');
				if (received?.type !== 'message.received') throw new Error('no message.received event');
				expect(received.payload.message).toMatchObject({ truncated: true, wamid: message.wamid, type: 'interactive', text: 'Sent', raw: { id: 'wamid.flow' } });
				expect(received.payload.message).not.toHaveProperty('reply');
				expect(JSON.stringify(received.payload).length).toBeLessThan(MAX_STORED_PAYLOAD_BYTES * 2);
				const [stored] = await store.getTranscript((await store.listConversations({}))[0].id);
				expect(stored.payload).toMatchObject({ truncated: true, wamid: message.wamid });
				expect(stored.payload).not.toHaveProperty('reply');
			});
		});

		describeCustomerKeyConformance(() => store);
		describeBurstConformance(() => ({ store, harness }));
		describeWaitingAnswerConformance(() => store);
		describeAccountEventConformance(() => store);
		describeUsageConformance(() => store);
		describeMessagingLimitConformance(() => store);

		describe('event log and cursors', () => {
			it('starts a new subscriber at the head and keeps its cursor', async () => {
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				await store.subscribe('trigger-a');
				expect((await store.readEvents('trigger-a')).events).toEqual([]);
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 + MINUTE })] }), lifecycle(T0 + MINUTE));
				const batch = await store.readEvents('trigger-a');
				expect(batch.events.map((event) => event.type)).toEqual(['message.received']);
				// Unacknowledged events are read again.
				expect((await store.readEvents('trigger-a')).events).toHaveLength(1);
				await store.acknowledge('trigger-a', batch.position);
				expect((await store.readEvents('trigger-a')).events).toEqual([]);
				// Subscribing again keeps the cursor where it was.
				await store.subscribe('trigger-a', 'beginning');
				expect((await store.readEvents('trigger-a')).events).toEqual([]);
			});

			it('starts a subscriber right after a given event', async () => {
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 }), inbound({ timestamp: T0, customerId: '16505550000' })] }), lifecycle(T0));
				const everything = await allEvents(store);
				await store.subscribe('from-second', { after: everything[1].id });
				expect((await store.readEvents('from-second')).events.map((event) => event.id)).toEqual(everything.slice(2).map((event) => event.id));
			});

			it('filters by type and phone number, and the position passes filtered events', async () => {
				await store.subscribe('ended-only');
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0, phoneNumberId: 'second-number' })] }), lifecycle(T0));
				const batch = await store.readEvents('ended-only', { types: ['conversation.ended'] });
				expect(batch.events).toEqual([]);
				const everything = await allEvents(store);
				expect(batch.position).toBe(everything.at(-1)!.id);
				await store.subscribe('second');
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 + 1, phoneNumberId: 'second-number' }), inbound({ timestamp: T0 + 1 })] }), lifecycle(T0 + 1));
				const second = await store.readEvents('second', { phoneNumberId: 'second-number' });
				expect(second.events.map((event) => event.phoneNumberId)).toEqual(['second-number']);
			});

			it('pages through many events in order', async () => {
				await store.subscribe('pager');
				for (let index = 0; index < 25; index++) {
					await store.ingest(webhookOf({ messages: [inbound({ customerId: `c${index}`, timestamp: T0 })] }), lifecycle(T0));
				}
				const seen: number[] = [];
				for (;;) {
					const batch = await store.readEvents('pager', { limit: 7, types: ['message.received'] });
					seen.push(...batch.events.map((event) => event.id));
					await store.acknowledge('pager', batch.position);
					if (batch.events.length < 7) break;
				}
				expect(seen).toHaveLength(25);
				expect([...seen].sort((a, b) => a - b)).toEqual(seen);
			});

			it('delivers after a restart what was committed before it', async () => {
				await store.subscribe('durable');
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				await store.close();
				const restarted = await harness.open();
				const batch = await restarted.readEvents('durable');
				expect(batch.events.map((event) => event.type)).toEqual(['conversation.started', 'message.received']);
			});

			it('refuses to read for an unknown subscriber', async () => {
				await expect(store.readEvents('nobody')).rejects.toMatchObject({ code: 'SUBSCRIPTION_NOT_FOUND' });
				await store.subscribe('gone');
				await store.unsubscribe('gone');
				await expect(store.readEvents('gone')).rejects.toMatchObject({ code: 'SUBSCRIPTION_NOT_FOUND' });
			});

			it('prunes only old events every subscriber has passed', async () => {
				await store.subscribe('slow');
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				expect(await store.pruneEvents(T0 + HOUR)).toBe(0);
				const batch = await store.readEvents('slow');
				await store.acknowledge('slow', batch.position);
				expect(await store.pruneEvents(T0 - 1)).toBe(0);
				expect(await store.pruneEvents(T0 + HOUR)).toBe(2);
				// Ids keep growing after pruning: a cursor never sees a reused id.
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 + MINUTE })] }), lifecycle(T0 + MINUTE));
				const next = await store.readEvents('slow');
				expect(next.events[0].id).toBeGreaterThan(batch.position);
			});

			it('wakes a subscriber in this process and in another connection', async () => {
				const other = await harness.open();
				const received: StoreEvent[] = [];
				const remoteReceived: StoreEvent[] = [];
				const local = new EventSubscriber({ store, subscriberId: 'local', types: ['message.received'], handle: (event) => void received.push(event) });
				const remote = new EventSubscriber({ store: other, subscriberId: 'remote', types: ['message.received'], handle: (event) => void remoteReceived.push(event) });
				await local.start();
				await remote.start();
				await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle(T0));
				await waitFor(() => received.length === 1 && remoteReceived.length === 1);
				await local.stop();
				await remote.stop();
				expect(received[0].id).toBe(remoteReceived[0].id);
			});
		});
	});
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
