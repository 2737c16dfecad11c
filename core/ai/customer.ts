import type { CountryCode } from 'libphonenumber-js';

import { normalizeRecipient } from '../policy/phone';
import { AiError } from './errors';

export interface CustomerIdentity {
	/** The store's key: the wa_id (digits) for a phone number, else the identifier as given. */
	customerId: string;
	/** E.164 when the identifier is a phone number: the conversation is a WhatsApp one. */
	phone: string | null;
}

const MAX_ID_LENGTH = 256;

/**
 * A customer identifier as the flow has it: a phone number (in any common format) links to the
 * WhatsApp conversation with that number; anything else (email, CRM id) keys a conversation of its own.
 */
export function resolveCustomer(identifier: string, defaultCountry?: CountryCode): CustomerIdentity {
	const trimmed = typeof identifier === 'string' ? identifier.trim() : '';
	if (trimmed === '') {
		throw new AiError('AI_INPUT_INVALID', 'The customer identifier is empty.', 'Map the customer phone number (or another id such as an email) into Customer.');
	}
	try {
		const { e164, waId } = normalizeRecipient(trimmed, defaultCountry);
		return { customerId: waId, phone: e164 };
	} catch {
		if (trimmed.length > MAX_ID_LENGTH) {
			throw new AiError('AI_INPUT_INVALID', `The customer identifier is longer than ${MAX_ID_LENGTH} characters.`, 'Use a short, stable id such as a phone number, an email or a CRM id.');
		}
		// Emails differ only in case between systems; one customer should keep one conversation.
		return { customerId: trimmed.includes('@') ? trimmed.toLowerCase() : trimmed, phone: null };
	}
}
