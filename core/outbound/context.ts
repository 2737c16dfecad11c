import type { CloudApiClient } from '../cloud-api/client';
import type { MessagingTier } from '../policy/limits';
import type { MessagingLimitReading } from '../number-health/messaging-limit';
import type { ConversationStore } from '../conversation/store';
import type { TemplateCatalog } from '../template/catalog';

/** Everything a send needs: where the conversation lives, how to reach Meta, and the account's rules. */
export interface OutboundContext {
	store: ConversationStore;
	client: CloudApiClient;
	phoneNumberId: string;
	/** WhatsApp Business Account id; also the scope of the daily limit (Meta counts per portfolio). */
	businessAccountId: string;
	displayPhoneNumber?: string | null;
	tier: MessagingTier;
	/** With the Automatic tier: how `tier` was found (Meta now, the last known value, or the lowest tier). */
	limitReading?: MessagingLimitReading;
	inactivityTimeoutMs: number;
	templates: TemplateCatalog;
	/** Defaults to country-less parsing: numbers must carry their country code. */
	defaultCountry?: import('libphonenumber-js').CountryCode;
	clock?: () => number;
}

export function nowOf(context: OutboundContext): number {
	return (context.clock ?? Date.now)();
}

export interface SendHooks {
	/**
	 * Runs once every check passed, right before the request to Meta, with the recipient's store key:
	 * Send and Wait records its question here, so an answer that comes back before the send returns
	 * finds it. Its error stops the send.
	 */
	beforeSend?: (customerId: string) => Promise<void>;
}
