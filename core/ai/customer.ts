import type { CountryCode } from 'libphonenumber-js';

import { PolicyError } from '../errors';
import { resolveRecipient, toRecipient, type Recipient } from '../outbound/recipient';
import type { ConversationStore } from '../conversation/store';
import { AiError } from './errors';

export interface CustomerIdentity {
	/** The store's key: the wa_id (digits) for a phone number, the business-scoped user id, else the identifier as given. */
	customerId: string;
	/** E.164 when the identifier is a phone number. */
	phone: string | null;
	/** Where WhatsApp reaches the customer (E.164 or business-scoped user id); null for other channels. */
	whatsApp: string | null;
}

const MAX_ID_LENGTH = 256;

/** The identifier trimmed, or AI_INPUT_INVALID when there is none. */
function present(identifier: string): string {
	const trimmed = typeof identifier === 'string' ? identifier.trim() : '';
	if (trimmed === '') {
		throw new AiError('AI_INPUT_INVALID', 'The customer identifier is empty.', 'Map the customer phone number (or another id such as an email) into Customer.');
	}
	return trimmed;
}

/** A phone number or business-scoped user id as a WhatsApp recipient; null for another channel's id. */
function whatsAppRecipient(trimmed: string, defaultCountry: CountryCode | undefined): Recipient | null {
	try {
		return toRecipient(trimmed, defaultCountry);
	} catch (error) {
		if (!(error instanceof PolicyError)) throw error;
		return null;
	}
}

function whatsAppIdentity(recipient: Recipient): CustomerIdentity {
	return { customerId: recipient.customerId, phone: recipient.e164, whatsApp: recipient.address };
}

function otherChannelIdentity(trimmed: string): CustomerIdentity {
	if (trimmed.length > MAX_ID_LENGTH) {
		throw new AiError('AI_INPUT_INVALID', `The customer identifier is longer than ${MAX_ID_LENGTH} characters.`, 'Use a short, stable id such as a phone number, an email or a CRM id.');
	}
	// Emails differ only in case between systems; one customer should keep one conversation.
	return { customerId: trimmed.includes('@') ? trimmed.toLowerCase() : trimmed, phone: null, whatsApp: null };
}

/**
 * A customer identifier as the flow has it: a phone number (in any common format) or a business-scoped
 * user id (a customer who uses a WhatsApp username) links to that WhatsApp conversation; anything else
 * (email, CRM id) keys a conversation of its own.
 */
export function resolveCustomer(identifier: string, defaultCountry?: CountryCode): CustomerIdentity {
	const trimmed = present(identifier);
	const recipient = whatsAppRecipient(trimmed, defaultCountry);
	return recipient === null ? otherChannelIdentity(trimmed) : whatsAppIdentity(recipient);
}

/**
 * resolveCustomer with the store's key: a business-scoped user id Meta reported together with a phone
 * number names that number's customer, as the trigger's items do.
 */
export async function resolveStoredCustomer(
	store: Pick<ConversationStore, 'resolveCustomerId'>,
	phoneNumberId: string,
	identifier: string,
	defaultCountry?: CountryCode,
): Promise<CustomerIdentity> {
	const trimmed = present(identifier);
	const recipient = whatsAppRecipient(trimmed, defaultCountry);
	return recipient === null ? otherChannelIdentity(trimmed) : whatsAppIdentity(await resolveRecipient(store, phoneNumberId, recipient));
}
