/**
 * What a status webhook tells beyond the message's status, applied in the ingest's transaction:
 * Meta's pricing of the message (kept per wamid for usage) and a customer's marketing opt-out that
 * Meta reports as a failed delivery (131050).
 */
import { MARKETING_STOPPED_ERROR_CODE } from '../cloud-api/delivery-failure';
import type { StatusUpdate } from '../webhook/types';
import type { StoreWriter } from './engine';

/**
 * Opts a contact out of (or back into) marketing templates, creating the contact when the customer
 * never wrote; the wa_id and name Meta reported with it are kept, an opt-out keeps its first time.
 * Used for Meta's 131050 failures and its user_preferences webhooks.
 */
export async function putMarketingPreference(
	tx: StoreWriter,
	customer: { phoneNumberId: string; customerId: string; waId: string | null; name?: string | null },
	optedOut: boolean,
	at: number,
	now: number,
): Promise<void> {
	const previous = await tx.getContact(customer.phoneNumberId, customer.customerId);
	const waId = customer.waId ?? previous?.waId ?? null;
	const name = customer.name ?? previous?.name ?? null;
	if (previous && previous.optedOut === optedOut && previous.waId === waId && previous.name === name) return;
	await tx.putContact(
		{
			phoneNumberId: customer.phoneNumberId,
			customerId: customer.customerId,
			waId,
			name,
			lastInboundAt: previous?.lastInboundAt ?? null,
			optedOut,
			optedOutAt: optedOut ? (previous?.optedOut ? previous.optedOutAt : at) : null,
		},
		now,
	);
}

/**
 * Runs for each new (not redelivered) status. `customerId` resolves the recipient to the customer's
 * key, only when needed (a BSUID costs a read).
 */
export async function recordDeliveryFacts(
	tx: StoreWriter,
	status: StatusUpdate,
	facts: { conversationId: string | null; customerId: () => Promise<string | null> },
	now: number,
): Promise<void> {
	const { pricing } = status;
	if (pricing) {
		await tx.putMessagePricing({
			wamid: status.wamid,
			phoneNumberId: status.phoneNumberId,
			conversationId: facts.conversationId,
			customerId: await facts.customerId(),
			category: pricing.category,
			pricingModel: pricing.pricingModel,
			pricingType: pricing.type ?? null,
			billable: pricing.billable,
			timestamp: status.timestamp,
		});
	}
	// Meta: "This recipient has chosen to stop receiving marketing messages on WhatsApp from your
	// business." Marketing templates to them are refused from here on, as after a STOP.
	if (status.status === 'failed' && status.errors.some((error) => error.code === MARKETING_STOPPED_ERROR_CODE)) {
		const customerId = await facts.customerId();
		if (customerId !== null) {
			await putMarketingPreference(
				tx,
				{ phoneNumberId: status.phoneNumberId, customerId, waId: status.recipientWaId ?? null },
				true,
				status.timestamp,
				now,
			);
		}
	}
}
