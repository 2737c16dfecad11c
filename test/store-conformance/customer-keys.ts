import type { StoreEvent } from '../../core/events/types';
import type { ConversationStore } from '../../core/conversation/store';
import { BUSINESS, inbound, status, webhookOf } from '../../tools/traffic/builders';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = (now: number) => ({ now, inactivityTimeoutMs: 30 * MINUTE });
const P = BUSINESS.phoneNumberId;

/** Brazil without the mobile 9, as Meta still reports some users, and the number as written today. */
const LEGACY = '551191234567';
const KEY = '5511991234567';
const E164 = '+55 11 99123-4567';
const BSUID = 'BR.13491208655302741918';

async function allEvents(store: ConversationStore): Promise<StoreEvent[]> {
	const id = `reader-${Math.random()}`;
	await store.subscribe(id, 'beginning');
	return (await store.readEvents(id, { limit: 10_000 })).events;
}

function outbound(customerId: string, at: number, wamid = `wamid.out-${Math.random()}`) {
	return { ...BUSINESS, wamid, customerId, type: 'text', text: 'Olá', payload: {}, timestamp: at };
}

/** A username customer: Meta sends only the BSUID. */
function asUsername(at: number, text = 'Oi') {
	return inbound({ customerId: BSUID, customerWaId: null, customerUserId: BSUID, timestamp: at, text });
}

/** A delivery that reports the phone number and the BSUID of one person. */
function withBoth(at: number, text = 'Oi de novo') {
	return inbound({ customerId: LEGACY, customerWaId: LEGACY, customerUserId: BSUID, timestamp: at, text });
}

/**
 * One customer, one key (ConversationStore.resolveCustomerId): whatever id names the customer, every
 * method reads and writes the same contact, window, opt-out, conversation and limit unit.
 */
export function describeCustomerKeyConformance(current: () => ConversationStore): void {
	describe('one customer, one key', () => {
		it('keys a legacy wa_id by the modern number and finds it under every form', async () => {
			const store = current();
			await store.ingest(webhookOf({ messages: [inbound({ customerId: LEGACY, timestamp: T0 })] }), lifecycle(T0));

			for (const id of [LEGACY, KEY, E164, '+5511991234567']) {
				expect(await store.resolveCustomerId(P, id)).toBe(KEY);
				expect(await store.getWindow(P, id, T0 + HOUR)).toMatchObject({ open: true, lastInboundAt: T0 });
				expect(await store.getContact(P, id)).toMatchObject({ customerId: KEY, waId: LEGACY });
				expect(await store.findOpenConversation(P, id)).toMatchObject({ customerId: KEY });
				expect(await store.listConversations({ customerId: id })).toHaveLength(1);
			}

			const reply = await store.recordOutbound(outbound(E164, T0 + MINUTE), lifecycle(T0 + MINUTE));
			expect(reply).toMatchObject({ isNewConversation: false, conversation: { customerId: KEY, messageCount: 2 } });
			const other = await store.recordCustomerMessage({ ...outbound(LEGACY, T0 + 2 * MINUTE), customerName: 'Ana' }, lifecycle(T0 + 2 * MINUTE));
			expect(other).toMatchObject({ isNewConversation: false, conversation: { id: reply.conversation.id } });
		});

		it('applies an opt-out and a STOP under one form to every other form', async () => {
			const store = current();
			await store.setOptOut(P, E164, true, T0);
			expect(await store.getContact(P, LEGACY)).toMatchObject({ customerId: KEY, optedOut: true });
			await store.ingest(webhookOf({ messages: [inbound({ customerId: LEGACY, timestamp: T0 + MINUTE, text: 'START' })] }), lifecycle(T0 + MINUTE));
			expect(await store.getContact(P, E164)).toMatchObject({ optedOut: false });
			await store.ingest(webhookOf({ messages: [inbound({ customerId: LEGACY, timestamp: T0 + 2 * MINUTE, text: 'STOP' })] }), lifecycle(T0 + 2 * MINUTE));
			expect(await store.getContact(P, KEY)).toMatchObject({ optedOut: true });
		});

		it('counts one daily-limit unit per customer whichever form names them', async () => {
			const store = current();
			const request = { scope: BUSINESS.businessAccountId, tier: 'TIER_250' as const, now: T0 };
			const first = await store.reserveDailyLimit({ ...request, customerId: LEGACY });
			const second = await store.reserveDailyLimit({ ...request, customerId: E164 });
			expect([first.customerId, first.counted, second.counted]).toEqual([KEY, true, false]);
			expect(await store.dailyLimitUsage(BUSINESS.businessAccountId, T0)).toBe(1);
		});

		it('links a BSUID reported beside the phone number, so either id leads to the same customer', async () => {
			const store = current();
			await store.ingest(webhookOf({ messages: [withBoth(T0)] }), lifecycle(T0));
			expect(await store.resolveCustomerId(P, BSUID)).toBe(KEY);
			// Later the customer hides their number: Meta sends the BSUID alone.
			await store.ingest(webhookOf({ messages: [asUsername(T0 + MINUTE)] }), lifecycle(T0 + MINUTE));

			const [conversation, ...others] = await store.listConversations({});
			expect(others).toHaveLength(0);
			expect(conversation).toMatchObject({ customerId: KEY, messageCount: 2 });
			expect(await store.getWindow(P, BSUID, T0 + HOUR)).toMatchObject({ open: true, lastInboundAt: T0 + MINUTE });
			expect(await store.getContact(P, BSUID)).toMatchObject({ customerId: KEY, waId: LEGACY });
			expect(await store.findOpenConversation(P, BSUID)).toMatchObject({ id: conversation.id });

			const received = (await allEvents(store)).filter((event) => event.type === 'message.received');
			expect(received.map((event) => event.type === 'message.received' && event.payload.message.customerId)).toEqual([KEY, KEY]);
			// What Meta reported stays beside the key.
			expect(received.map((event) => event.type === 'message.received' && event.payload.message.customerUserId)).toEqual([BSUID, BSUID]);

			await store.setOptOut(P, BSUID, true, T0 + 2 * MINUTE);
			expect(await store.getContact(P, E164)).toMatchObject({ optedOut: true });
			const request = { scope: BUSINESS.businessAccountId, tier: 'TIER_250' as const, now: T0 };
			await store.reserveDailyLimit({ ...request, customerId: BSUID });
			expect(await store.reserveDailyLimit({ ...request, customerId: E164 })).toMatchObject({ customerId: KEY, counted: false });
		});

		it('merges what a username customer did before their phone number appeared', async () => {
			const store = current();
			await store.ingest(webhookOf({ messages: [asUsername(T0, 'STOP')] }), lifecycle(T0));
			await store.reserveDailyLimit({ scope: BUSINESS.businessAccountId, customerId: BSUID, tier: 'TIER_250', now: T0 });
			const first = await store.findOpenConversation(P, BSUID);
			expect(first).toMatchObject({ customerId: BSUID });

			await store.ingest(webhookOf({ messages: [withBoth(T0 + MINUTE)] }), lifecycle(T0 + MINUTE));
			const conversations = await store.listConversations({});
			expect(conversations).toHaveLength(1);
			expect(conversations[0]).toMatchObject({ id: first!.id, customerId: KEY, messageCount: 2 });
			expect(await store.getContact(P, KEY)).toMatchObject({ customerId: KEY, waId: LEGACY, optedOut: true, lastInboundAt: T0 + MINUTE });
			expect(await store.getContact(P, BSUID)).toMatchObject({ customerId: KEY });
			expect(await store.dailyLimitUsage(BUSINESS.businessAccountId, T0)).toBe(1);
			expect(
				await store.reserveDailyLimit({ scope: BUSINESS.businessAccountId, customerId: KEY, tier: 'TIER_250', now: T0 + MINUTE }),
			).toMatchObject({ counted: false });
		});

		it('merges two open conversations of one customer into the one that started first', async () => {
			const store = current();
			await store.ingest(webhookOf({ messages: [asUsername(T0, 'Quanto custa?')] }), lifecycle(T0));
			const mine = await store.recordOutbound(outbound(KEY, T0 + MINUTE), lifecycle(T0 + MINUTE));
			await store.setAiEnabled(mine.conversation.id, false);
			expect(await store.listConversations({ status: 'open' })).toHaveLength(2);

			await store.ingest(webhookOf({ messages: [withBoth(T0 + 2 * MINUTE, 'Alô?')] }), lifecycle(T0 + 2 * MINUTE));
			const open = await store.listConversations({ status: 'open' });
			expect(open).toHaveLength(1);
			expect(open[0]).toMatchObject({ customerId: KEY, messageCount: 3, aiEnabled: false, lastMessageAt: T0 + 2 * MINUTE });
			expect((await store.getTranscript(open[0].id)).map((message) => message.text)).toEqual(['Quanto custa?', 'Olá', 'Alô?']);
			expect(await store.getConversation(mine.conversation.id)).toMatchObject({ status: 'closed', closeReason: 'merged', messageCount: 0 });
			// It did not end: the conversation goes on under the other id.
			expect((await allEvents(store)).filter((event) => event.type === 'conversation.ended')).toHaveLength(0);
		});

		it('links the ids a delivery status reports for a message sent to a BSUID', async () => {
			const store = current();
			const sent = await store.recordOutbound(outbound(BSUID, T0, 'wamid.to-bsuid'), lifecycle(T0));
			expect(sent.conversation.customerId).toBe(BSUID);
			await store.ingest(
				webhookOf({ statuses: [status('wamid.to-bsuid', 'delivered', { recipientId: LEGACY, recipientWaId: LEGACY, recipientUserId: BSUID })] }),
				lifecycle(T0 + MINUTE),
			);
			expect(await store.resolveCustomerId(P, BSUID)).toBe(KEY);
			expect(await store.findOpenConversation(P, E164)).toMatchObject({ id: sent.conversation.id, customerId: KEY });
		});

		it('keeps a BSUID never reported with a number as its own customer, and other ids as given', async () => {
			const store = current();
			await store.ingest(webhookOf({ messages: [asUsername(T0)] }), lifecycle(T0));
			expect(await store.resolveCustomerId(P, BSUID)).toBe(BSUID);
			expect(await store.resolveCustomerId(P, ` br.13491208655302741918 `)).toBe(BSUID);
			expect(await store.getWindow(P, KEY, T0)).toMatchObject({ open: false, lastInboundAt: null });
			expect(await store.resolveCustomerId(P, 'crm-42')).toBe('crm-42');
		});
	});
}
