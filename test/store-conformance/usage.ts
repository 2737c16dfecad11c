import type { ConversationStore } from '../../core/conversation/store';
import { BUSINESS, status, webhookOf } from '../../tools/traffic/builders';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = (now: number) => ({ now, inactivityTimeoutMs: 30 * MINUTE });
const ANA = '16505550001';
const BEN = '16505550002';
const OTHER_NUMBER = '200000000000002';

const marketing = { billable: true, category: 'marketing', pricingModel: 'PMP', type: 'regular' };
const service = { billable: false, category: 'service', pricingModel: 'PMP', type: 'free_customer_service' };

function sent(store: ConversationStore, wamid: string, customerId: string, at: number, phoneNumberId: string = BUSINESS.phoneNumberId) {
	return store.recordOutbound(
		{ ...BUSINESS, phoneNumberId, wamid, customerId, type: 'template', text: 'spring_sale', payload: { name: 'spring_sale' }, timestamp: at },
		lifecycle(at),
	);
}

/**
 * Pricing (status webhooks' `pricing`) is kept per message in the ingest's transaction, once per
 * wamid however often Meta reports it, counted per number, conversation, category and UTC day, and
 * pruned with the messages; a 131050 failure opts the customer out of marketing.
 */
export function describeUsageConformance(current: () => ConversationStore): void {
	describe('pricing and usage', () => {
		it('counts each priced message once per wamid, per number, conversation, category and UTC day', async () => {
			const store = current();
			const ana = await sent(store, 'wamid.ana-1', ANA, T0);
			await sent(store, 'wamid.ana-2', ANA, T0 + MINUTE);
			await sent(store, 'wamid.ben-1', BEN, T0 + DAY);
			const statuses = [
				status('wamid.ana-1', 'sent', { recipientId: ANA, timestamp: T0 + 1000, pricing: marketing }),
				// delivered and read carry the same pricing: still one message.
				status('wamid.ana-1', 'delivered', { recipientId: ANA, timestamp: T0 + 2000, pricing: marketing }),
				status('wamid.ana-1', 'read', { recipientId: ANA, timestamp: T0 + 3000, pricing: marketing }),
				status('wamid.ana-2', 'sent', { recipientId: ANA, timestamp: T0 + MINUTE + 1000, pricing: service }),
				status('wamid.ben-1', 'sent', { recipientId: BEN, timestamp: T0 + DAY + 1000, pricing: marketing }),
			];
			await store.ingest(webhookOf({ statuses }), lifecycle(T0 + DAY + 2000));
			// Meta redelivers: nothing counts twice.
			await store.ingest(webhookOf({ statuses }), lifecycle(T0 + DAY + 3000));

			const counts = await store.usageCounts({ from: T0 - HOUR, to: T0 + 2 * DAY });
			expect(counts).toHaveLength(3);
			expect(counts).toEqual(
				expect.arrayContaining([
					{ phoneNumberId: BUSINESS.phoneNumberId, conversationId: ana.conversation.id, customerId: ANA, category: 'marketing', pricingType: 'regular', billable: true, day: '2026-01-01', messages: 1 },
					{ phoneNumberId: BUSINESS.phoneNumberId, conversationId: ana.conversation.id, customerId: ANA, category: 'service', pricingType: 'free_customer_service', billable: false, day: '2026-01-01', messages: 1 },
					expect.objectContaining({ customerId: BEN, category: 'marketing', billable: true, day: '2026-01-02', messages: 1 }),
				]),
			);
			// The range is [from, to): the second day alone.
			expect(await store.usageCounts({ from: Date.UTC(2026, 0, 2), to: Date.UTC(2026, 0, 3) })).toEqual([expect.objectContaining({ customerId: BEN })]);
		});

		it('keeps a status that arrived before the send was recorded and fills in its conversation later; filters by number', async () => {
			const store = current();
			// Meta's sent status can beat the send's own commit: no conversation known yet.
			await store.ingest(webhookOf({ statuses: [status('wamid.early', 'sent', { recipientId: `+${ANA}`, timestamp: T0 + 1000, pricing: marketing })] }), lifecycle(T0 + 1000));
			const early = await sent(store, 'wamid.early', ANA, T0);
			await store.ingest(webhookOf({ statuses: [status('wamid.early', 'delivered', { recipientId: ANA, timestamp: T0 + 2000, pricing: marketing })] }), lifecycle(T0 + 2000));
			await sent(store, 'wamid.other-number', BEN, T0, OTHER_NUMBER);
			await store.ingest(
				webhookOf({ statuses: [status('wamid.other-number', 'sent', { phoneNumberId: OTHER_NUMBER, recipientId: BEN, timestamp: T0 + 1000, pricing: marketing })] }),
				lifecycle(T0 + 3000),
			);

			expect(await store.usageCounts({ from: T0 - HOUR, to: T0 + HOUR, phoneNumberId: BUSINESS.phoneNumberId })).toEqual([
				expect.objectContaining({ conversationId: early.conversation.id, customerId: ANA, messages: 1 }),
			]);
			expect(await store.usageCounts({ from: T0 - HOUR, to: T0 + HOUR })).toHaveLength(2);
		});

		it('prunes pricing with the messages of its number', async () => {
			const store = current();
			await sent(store, 'wamid.old', ANA, T0);
			await sent(store, 'wamid.new', ANA, T0 + 10 * DAY);
			await sent(store, 'wamid.kept-other-number', BEN, T0, OTHER_NUMBER);
			await store.ingest(
				webhookOf({
					statuses: [
						status('wamid.old', 'sent', { recipientId: ANA, timestamp: T0 + 1000, pricing: marketing }),
						status('wamid.new', 'sent', { recipientId: ANA, timestamp: T0 + 10 * DAY + 1000, pricing: marketing }),
						status('wamid.kept-other-number', 'sent', { phoneNumberId: OTHER_NUMBER, recipientId: BEN, timestamp: T0 + 1000, pricing: marketing }),
					],
				}),
				lifecycle(T0 + 10 * DAY + 2000),
			);
			const result = await store.prune({ messagesBefore: T0 + 5 * DAY, phoneNumberId: BUSINESS.phoneNumberId, batchSize: 1, pauseMs: 0 });
			expect(result.pricing).toBe(1);
			const left = await store.usageCounts({ from: 0, to: T0 + 20 * DAY });
			expect(left.map((count) => [count.phoneNumberId, count.day]).sort()).toEqual([
				[BUSINESS.phoneNumberId, '2026-01-11'],
				[OTHER_NUMBER, '2026-01-01'],
			]);
		});

		it('marks a failed message with its error and opts the customer out of marketing on 131050, once', async () => {
			const store = current();
			await sent(store, 'wamid.promo', ANA, T0);
			const failure = status('wamid.promo', 'failed', {
				recipientId: ANA,
				timestamp: T0 + 5000,
				errors: [{ code: 131050, title: 'Unable to deliver the message.', message: 'Unable to deliver the message.', details: 'This recipient has chosen to stop receiving marketing messages.' }],
			});
			await store.ingest(webhookOf({ statuses: [failure] }), lifecycle(T0 + 6000));
			expect(await store.getMessage('wamid.promo')).toMatchObject({
				status: 'failed',
				error: { code: 131050, title: 'Unable to deliver the message.', details: 'This recipient has chosen to stop receiving marketing messages.' },
			});
			expect(await store.getContact(BUSINESS.phoneNumberId, ANA)).toMatchObject({ optedOut: true, optedOutAt: T0 + 5000 });
			// Opted in again (a START), a redelivery of the old failure changes nothing.
			await store.setOptOut(BUSINESS.phoneNumberId, ANA, false, T0 + 7000);
			await store.ingest(webhookOf({ statuses: [failure] }), lifecycle(T0 + 8000));
			expect(await store.getContact(BUSINESS.phoneNumberId, ANA)).toMatchObject({ optedOut: false });
			// Other failures leave marketing alone.
			await sent(store, 'wamid.cap', BEN, T0);
			await store.ingest(
				webhookOf({ statuses: [status('wamid.cap', 'failed', { recipientId: BEN, timestamp: T0 + 9000, errors: [{ code: 131049, title: 'Held back', message: null, details: null }] })] }),
				lifecycle(T0 + 9000),
			);
			expect((await store.getContact(BUSINESS.phoneNumberId, BEN))?.optedOut ?? false).toBe(false);
		});

		it('leaves a message out of usage once Meta reports it failed, though its sent status was priced', async () => {
			const store = current();
			await sent(store, 'wamid.will-fail', ANA, T0);
			await sent(store, 'wamid.delivered', BEN, T0);
			await store.ingest(
				webhookOf({
					statuses: [
						status('wamid.will-fail', 'sent', { recipientId: ANA, timestamp: T0 + 1000, pricing: marketing }),
						status('wamid.delivered', 'sent', { recipientId: BEN, timestamp: T0 + 1000, pricing: marketing }),
					],
				}),
				lifecycle(T0 + 1000),
			);
			expect(await store.usageCounts({ from: T0, to: T0 + HOUR })).toHaveLength(2);
			await store.ingest(
				webhookOf({ statuses: [status('wamid.will-fail', 'failed', { recipientId: ANA, timestamp: T0 + 2000, errors: [{ code: 131049, title: 'Held back', message: null, details: null }] })] }),
				lifecycle(T0 + 2000),
			);
			expect(await store.usageCounts({ from: T0, to: T0 + HOUR })).toEqual([expect.objectContaining({ customerId: BEN, messages: 1 })]);
		});
	});
}
