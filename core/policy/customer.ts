/**
 * One customer, one key. A WhatsApp user reaches a business under a phone number (Meta's `wa_id`,
 * sometimes in a legacy form), under a business-scoped user id (BSUID, for users who hide their number
 * behind a username), or both. Every place that stores or looks up a customer uses the key computed
 * here, so a customer who wrote from "551191234567" (Brazil, before the mobile 9) and is answered at
 * "+55 11 99123-4567" is one contact with one window, one opt-out and one conversation.
 *
 * The key:
 * - a phone number → its normalized wa_id digits ("5511991234567"): legacy forms repaired, separators
 *   and "+" dropped; digits libphonenumber cannot place stay as they are (Meta said so, after all);
 * - a BSUID → as Meta gives it ("US.13491208655302741918"), country letters upper-cased.
 * A customer known by both is keyed by the phone number; the store links the BSUID to it (see
 * ConversationStore.resolveCustomerId).
 */
import type { CountryCode } from 'libphonenumber-js';

import { PolicyError } from '../errors';
import { normalizeRecipient } from './phone';
import { quoteValue } from './text';

/**
 * A business-scoped user id as Meta documents it: the user's ISO 3166 alpha-2 country, a period, and
 * an alphanumeric id ("US.13491208655302741918"); a parent BSUID (shared by a business portfolio's
 * children) has "ENT." after the country. Up to 128 characters after the prefix; letters in the
 * prefix in either case (people retype ids).
 */
export const BSUID_PATTERN = /^([a-z]{2})\.((?:ent\.)?)([a-z0-9]{1,128})$/i;

/** A customer id as a flow gave it, read as the store keys it. */
export type CustomerId =
	| {
			kind: 'phone';
			/** The store's key: the normalized wa_id digits ("5511991234567"). */
			key: string;
			/** "+5511991234567": what goes in a send's `to`. */
			e164: string;
			/** The value as given, trimmed: what to show back to the user. */
			reported: string;
	  }
	| {
			kind: 'bsuid';
			/** The store's key, and what goes in a send's `recipient`: the BSUID. */
			key: string;
			e164: null;
			reported: string;
	  };

const ACCEPTED_FORMS =
	"Give the customer's phone number in international format (+16505551234; spaces and dashes are fine) or their business-scoped user ID (US.13491208655302741918), e.g. a trigger's customerId.";

/** Whether the value has the shape of a business-scoped user id (surrounding spaces allowed). */
export function isBsuid(value: string): boolean {
	return typeof value === 'string' && BSUID_PATTERN.test(value.trim());
}

/** The BSUID with its country (and ENT.) upper-cased; the id itself is kept byte for byte. */
function canonicalBsuid(trimmed: string): string | null {
	const match = BSUID_PATTERN.exec(trimmed);
	if (match === null) return null;
	const [, country, parent, id] = match;
	return `${country.toUpperCase()}.${parent.toUpperCase()}${id}`;
}

/**
 * Reads a recipient or customer id a user, a flow or a trigger gave: a phone number in any common
 * format (E.164, formatted, wa_id digits, legacy wa_id), or a BSUID. Throws PolicyError
 * INVALID_RECIPIENT for anything else (letters that are no BSUID, "whatsapp:" prefixes...) and
 * INVALID_PHONE_NUMBER (with its reason) for digits that are no phone number.
 */
export function parseCustomerId(input: string, defaultCountry?: CountryCode): CustomerId {
	const reported = typeof input === 'string' ? input.trim() : '';
	const bsuid = canonicalBsuid(reported);
	if (bsuid !== null) return { kind: 'bsuid', key: bsuid, e164: null, reported };
	if (/[^\d\s\-\u2010-\u2015.()/+]/u.test(reported)) {
		throw new PolicyError(
			'INVALID_RECIPIENT',
			`The recipient ${quoteValue(reported)} is neither a phone number nor a business-scoped user ID.`,
			ACCEPTED_FORMS,
			{ value: quoteValue(reported).slice(1, -1), expectedFormat: 'E.164 (+16505551234) or a BSUID (US.13491208655302741918)' },
		);
	}
	const { e164, waId } = normalizeRecipient(reported, defaultCountry);
	return { kind: 'phone', key: waId, e164, reported };
}

/**
 * The store's key for an id Meta reported or the store holds; never throws. Like parseCustomerId,
 * but digits that are no valid number keep their digits (a wa_id from Meta is the user's id even
 * when libphonenumber does not know the range yet), and any other text is kept as given (trimmed),
 * so ids of other channels still name one customer.
 */
export function customerKey(id: string): string {
	if (typeof id !== 'string') return '';
	const known = recentKeys.get(id);
	if (known !== undefined) return known;
	const key = computeKey(id);
	if (recentKeys.size >= RECENT_KEYS) recentKeys.delete(recentKeys.keys().next().value as string);
	recentKeys.set(id, key);
	return key;
}

/**
 * Parsing a number costs 30 to 60 µs, as much as storing the message, and one inbound message asks for
 * its customer's key up to three times (parser, link, store): recent answers are kept, oldest dropped
 * first (the function is pure). Sized for the customers a busy number hears from in turn (32,768 ids,
 * about 4 MB); with more writing in rotation, each message pays one parse.
 */
const recentKeys = new Map<string, string>();
const RECENT_KEYS = 32_768;

function computeKey(id: string): string {
	const trimmed = id.trim();
	const bsuid = canonicalBsuid(trimmed);
	if (bsuid !== null) return bsuid;
	if (!/^\+?[\d\s\-\u2010-\u2015.()/]+$/u.test(trimmed) || !/\d/.test(trimmed)) return trimmed;
	try {
		return normalizeRecipient(trimmed).waId;
	} catch {
		return trimmed.replace(/\D/g, '');
	}
}
