/** One validated Meta status object → the normalized StatusUpdate. */
import type { BusinessEndpoint, StatusUpdate } from './types';
import type { StatusPayload } from './schema';
import { toEpochMs, toMetaErrors } from './normalize-common';

export function normalizeStatus(status: StatusPayload, endpoint: BusinessEndpoint): StatusUpdate {
	return {
		...endpoint,
		wamid: status.id,
		status: status.status,
		timestamp: toEpochMs(status.timestamp),
		// A message sent to a BSUID may report no phone number; the BSUID then identifies the recipient.
		recipientId: status.recipient_id ?? status.recipient_user_id ?? null,
		recipientWaId: status.recipient_id ?? null,
		recipientUserId: status.recipient_user_id ?? null,
		errors: toMetaErrors(status.errors),
		conversation: toConversation(status.conversation),
		pricing: toPricing(status.pricing),
		raw: status,
	};
}

function toConversation(conversation: StatusPayload['conversation']): StatusUpdate['conversation'] {
	// Billing conversations are gone from v24 payloads in some cases; without an id there is nothing to keep.
	if (conversation?.id === undefined) return null;
	const expiresAt = conversation.expiration_timestamp;
	return {
		id: conversation.id,
		originType: conversation.origin?.type ?? null,
		expiresAt: expiresAt === undefined ? null : toEpochMs(expiresAt),
	};
}

function toPricing(pricing: StatusPayload['pricing']): StatusUpdate['pricing'] {
	if (pricing === undefined) return null;
	return {
		billable: pricing.billable ?? null,
		category: pricing.category ?? null,
		pricingModel: pricing.pricing_model ?? null,
		type: pricing.type ?? null,
	};
}
