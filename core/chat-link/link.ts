/**
 * WhatsApp's click-to-chat link: `https://wa.me/<number>?text=<prefilled>` opens a chat with the number,
 * the text already typed in. The number goes in international format without '+', spaces or dashes.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { ChatLinkError, PolicyError } from '../errors';
import { normalizeRecipient } from '../policy/phone';

export const WA_ME_URL = 'https://wa.me/';

export interface ChatLink {
	/** "https://wa.me/16505551234?text=Hi%20there" */
	link: string;
	/** "16505551234" */
	number: string;
	/** The prefilled text as given; empty: none. */
	text: string;
}

const FORMAT_HINT = 'Give the number in international format with the country code, e.g. +1 650-555-1234.';

/**
 * A number the user typed, as wa.me wants it. Checked against libphonenumber's full metadata: a typo
 * in a printed QR code is only noticed when customers scan it.
 */
export function chatNumber(input: string, label = 'Phone Number', field = 'phoneNumber'): string {
	if (input.trim() === '') throw new ChatLinkError('CHAT_LINK_NUMBER_INVALID', field, `${label}: the number is empty`, FORMAT_HINT);
	try {
		return normalizeRecipient(input).waId;
	} catch (error) {
		if (error instanceof PolicyError) throw new ChatLinkError('CHAT_LINK_NUMBER_INVALID', field, `${label}: ${error.message}`, error.hint);
		throw error;
	}
}

/**
 * The number Meta reports for a phone number id (display_phone_number, e.g. "+1 555-078-3881"). Meta
 * registered it, so only its shape is checked: Meta's test numbers (+1 555…) are not valid numbers to
 * libphonenumber, yet they work on wa.me.
 */
export function reportedChatNumber(displayPhoneNumber: string | null, phoneNumberId: string): string {
	const digits = (displayPhoneNumber ?? '').replace(/\D/g, '');
	if (digits !== '' && parsePhoneNumberFromString(`+${digits}`)?.isPossible() === true) return digits;
	throw new ChatLinkError(
		'CHAT_LINK_NUMBER_UNKNOWN',
		'phoneNumber',
		displayPhoneNumber === null || displayPhoneNumber === ''
			? `The API reports no display phone number for phone number ID ${phoneNumberId}`
			: `The API reports "${displayPhoneNumber}" for phone number ID ${phoneNumberId}, which is not a phone number in international format`,
		`Set the Phone Number option to the business's WhatsApp number. ${FORMAT_HINT}`,
	);
}

/** The wa.me link for a number in wa.me form (digits with country code) and an optional prefilled text. */
export function buildChatLink(number: string, text = ''): ChatLink {
	if (!/^[1-9]\d{6,14}$/.test(number)) {
		throw new ChatLinkError('CHAT_LINK_NUMBER_INVALID', 'phoneNumber', `"${number}" is not a number in wa.me form`, FORMAT_HINT);
	}
	let query = '';
	try {
		query = text === '' ? '' : `?text=${encodeURIComponent(text)}`;
	} catch {
		// encodeURIComponent refuses half of a surrogate pair (text cut inside an emoji).
		throw new ChatLinkError('CHAT_LINK_OPTION_INVALID', 'text', 'Prefilled Text: the text holds a broken character (half an emoji?)', 'Retype the text, or remove the character at its end.');
	}
	return { link: `${WA_ME_URL}${number}${query}`, number, text };
}
