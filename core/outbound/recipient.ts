import type { CountryCode } from 'libphonenumber-js';

import { parseCustomerId } from '../policy/customer';
import type { ConversationStore } from '../conversation/store';

/** Who a send goes to, in every form the send, the store and the output need. */
export interface Recipient {
	/** The store's key for the customer: the wa_id digits for a phone number, else the business-scoped user id. */
	customerId: string;
	/** What goes to Meta: E.164 in `to`, or the business-scoped user id in `recipient`. */
	address: string;
	/** E.164, when the customer is named by phone number. */
	e164: string | null;
	/** Meta's wa_id (digits), when the customer is named by phone number. */
	waId: string | null;
	/** The business-scoped user id, when the customer is named by one. */
	userId: string | null;
}

/**
 * A recipient as a flow gives it: a phone number in any common format, a business-scoped user id
 * (customers who use a WhatsApp username), or a trigger's customerId (one of the two). Throws
 * PolicyError INVALID_RECIPIENT (or INVALID_PHONE_NUMBER for digits that are no phone number).
 */
export function toRecipient(input: string, defaultCountry?: CountryCode): Recipient {
	const customer = parseCustomerId(input, defaultCountry);
	if (customer.kind === 'bsuid') {
		return { customerId: customer.key, address: customer.key, e164: null, waId: null, userId: customer.key };
	}
	return { customerId: customer.key, address: customer.e164, e164: customer.e164, waId: customer.key, userId: null };
}

/**
 * The recipient with the customer's store key: a business-scoped user id that Meta reported together
 * with a phone number is that number's customer (ConversationStore.resolveCustomerId), so the output
 * names the same customer as the trigger did. The message still goes to the id the flow gave.
 */
export async function resolveRecipient(store: Pick<ConversationStore, 'resolveCustomerId'>, phoneNumberId: string, recipient: Recipient): Promise<Recipient> {
	if (recipient.userId === null) return recipient;
	const key = await store.resolveCustomerId(phoneNumberId, recipient.userId);
	return key === recipient.customerId ? recipient : { ...recipient, customerId: key, waId: key, e164: `+${key}` };
}
