import type { ConversationStore } from '../../core/conversation/store';
import type { StoreEvent } from '../../core/events/types';
import { parseWebhook } from '../../core/webhook/parse';
import { BUSINESS, inbound, webhookOf } from '../../tools/traffic/builders';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = (now: number) => ({ now, inactivityTimeoutMs: 30 * 60_000 });
const CUSTOMER = '16505551234';

function accountWebhook(field: string, value: unknown, time = 1767268800) {
	return parseWebhook({ object: 'whatsapp_business_account', entry: [{ id: BUSINESS.businessAccountId, time, changes: [{ field, value }] }] });
}

function preference(value: 'stop' | 'resume', timestamp: number) {
	return accountWebhook('user_preferences', {
		messaging_product: 'whatsapp',
		metadata: { display_phone_number: BUSINESS.displayPhoneNumber, phone_number_id: BUSINESS.phoneNumberId },
		contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: CUSTOMER }],
		user_preferences: [{ wa_id: CUSTOMER, detail: `User requested to ${value} marketing messages`, category: 'marketing_messages', value, timestamp }],
	});
}

async function accountEvents(store: ConversationStore): Promise<Extract<StoreEvent, { type: 'account.event' }>[]> {
	await store.subscribe('conformance-account', 'beginning');
	const { events } = await store.readEvents('conformance-account', { limit: 100, types: ['account.event'] });
	return events.filter((event): event is Extract<StoreEvent, { type: 'account.event' }> => event.type === 'account.event');
}

/**
 * Account events (every webhook field but messages): logged once however often Meta redelivers them,
 * in the ingest transaction; a customer's marketing preference is applied to the contact there too.
 */
export function describeAccountEventConformance(current: () => ConversationStore): void {
	describe('account events', () => {
		it("logs a template review once across Meta's redeliveries, and counts it as a template change", async () => {
			const store = current();
			const review = accountWebhook('message_template_status_update', {
				event: 'PAUSED',
				message_template_id: 1689556908129832,
				message_template_name: 'order_confirmation',
				message_template_language: 'en_US',
				reason: 'LOW_QUALITY',
			});
			expect(await store.ingest(review, lifecycle(T0))).toMatchObject({ accountEventsStored: 1, duplicateAccountEvents: 0, templateEvents: 1 });
			expect(await store.ingest(review, lifecycle(T0 + 1000))).toMatchObject({ accountEventsStored: 0, duplicateAccountEvents: 1, templateEvents: 0 });
			const [event, ...more] = await accountEvents(store);
			expect(more).toEqual([]);
			expect(event).toMatchObject({
				type: 'account.event',
				phoneNumberId: '',
				conversationId: null,
				payload: { event: { kind: 'template_status', event: 'PAUSED', template: { name: 'order_confirmation' }, details: { reason: 'LOW_QUALITY' } }, marketingOptOut: null, authenticated: true },
			});
			// The same change at another time is another event (Meta sends a new entry time).
			const again = accountWebhook('message_template_status_update', { event: 'APPROVED', message_template_name: 'order_confirmation' }, 1767272400);
			expect(await store.ingest(again, lifecycle(T0 + 2000))).toMatchObject({ accountEventsStored: 1 });
		});

		it("applies a customer's marketing stop and resume to the contact, keeping the window, and refuses nothing else", async () => {
			const store = current();
			await store.ingest(webhookOf({ messages: [inbound({ customerId: CUSTOMER, timestamp: T0 })] }), lifecycle(T0));
			expect(await store.ingest(preference('stop', T0 / 1000 + 60), lifecycle(T0 + 60_000))).toMatchObject({ accountEventsStored: 1, templateEvents: 0 });
			const stopped = await store.getContact(BUSINESS.phoneNumberId, CUSTOMER);
			expect(stopped).toMatchObject({ optedOut: true, optedOutAt: T0 + 60_000, lastInboundAt: T0, name: 'Sheena Nelson' });
			expect((await accountEvents(store))[0].payload.marketingOptOut).toEqual({ customerId: CUSTOMER, optedOut: true });

			await store.ingest(preference('resume', T0 / 1000 + 120), lifecycle(T0 + 120_000));
			expect(await store.getContact(BUSINESS.phoneNumberId, CUSTOMER)).toMatchObject({ optedOut: false, optedOutAt: null, lastInboundAt: T0 });
		});

		it('creates the contact of a customer who never wrote, opted out, with no window', async () => {
			const store = current();
			await store.ingest(preference('stop', T0 / 1000), lifecycle(T0));
			expect(await store.getContact(BUSINESS.phoneNumberId, CUSTOMER)).toMatchObject({ optedOut: true, lastInboundAt: null });
			expect((await store.getWindow(BUSINESS.phoneNumberId, CUSTOMER, T0)).open).toBe(false);
		});

		it("remembers the messaging limit Meta announces for the account, the portfolio's field before the number's", async () => {
			const store = current();
			const upgrade = accountWebhook('phone_number_quality_update', {
				display_phone_number: BUSINESS.displayPhoneNumber,
				event: 'UPGRADE',
				old_limit: 'TIER_250',
				current_limit: 'TIER_10K',
				max_daily_conversations_per_business: 'TIER_2K',
			});
			await store.ingest(upgrade, lifecycle(T0));
			expect(await store.getMessagingLimit(BUSINESS.businessAccountId)).toMatchObject({ tier: 'TIER_2K', reportedBy: 'webhook', observedAt: 1767268800000 });
			// A value that is no messaging limit leaves the remembered one alone.
			await store.ingest(accountWebhook('business_capability_update', { max_daily_conversations_per_business: 'TIER_UNKNOWN' }, 1767272400), lifecycle(T0 + 1000));
			expect(await store.getMessagingLimit(BUSINESS.businessAccountId)).toMatchObject({ tier: 'TIER_2K' });
		});
	});
}
