/**
 * Recipient phone numbers: whatever a user or a CRM typed, turned into E.164 and Meta's `wa_id` form,
 * or a clear INVALID_PHONE_NUMBER before anything is sent.
 *
 * Validation uses libphonenumber-js's "max" metadata: the default "min" metadata only checks a number's
 * length, so "+1 999 555 1234" (no such area code) would pass and fail later at Meta as an undeliverable
 * message. Parsing with max metadata costs about 15 µs a number, nothing next to an API call.
 */
import {
	isSupportedCountry,
	parsePhoneNumberFromString,
	validatePhoneNumberLength,
	type CountryCode,
	type PhoneNumber,
} from 'libphonenumber-js/max';
import { PolicyError } from '../errors';
import { quoteValue } from './text';

export type { CountryCode };

export interface NormalizedRecipient {
	/** "+16505551234" */
	e164: string;
	/** "16505551234": digits only, the form Meta uses for `wa_id` and accepts in `to`. */
	waId: string;
}

const FORMAT_HINT =
	'Use the international E.164 format with the country code, e.g. +16505551234 (spaces, dashes and parentheses are fine).';

/** Separators people type or paste between digit groups, including typographic dashes. */
const SEPARATORS = /[\s\-\u2010-\u2015.()/]/gu;

type InvalidReason =
	| 'empty'
	| 'characters'
	| 'too_short'
	| 'too_long'
	| 'unknown_country'
	| 'invalid'
	| 'default_country';

/**
 * Parses a recipient number. Accepted: "+1 650-555-1234", "(650) 555-1234" with a default country,
 * "16505551234" (digits with country code, as Meta's wa_id), "00 44 20 7946 0958" (international
 * prefix 00), and the country's own international prefix with `defaultCountry` (e.g. 011 for US).
 *
 * Digits without "+" are read as a national number of `defaultCountry` first (when given, because the
 * user said so) and otherwise as a number with country code.
 */
export function normalizeRecipient(input: string, defaultCountry?: CountryCode): NormalizedRecipient {
	const raw = typeof input === 'string' ? input : '';
	const trimmed = raw.trim();
	if (trimmed === '') throw invalid(raw, 'empty');
	if (defaultCountry !== undefined && !isSupportedCountry(defaultCountry)) {
		throw invalid(raw, 'default_country', defaultCountry);
	}

	const compact = trimmed.replace(SEPARATORS, '');
	// Letters, "ext.", "whatsapp:" prefixes, a "+" in the middle: not a number we can send to.
	if (!/^\+?\d+$/.test(compact)) throw invalid(raw, 'characters');

	const candidates = candidateReadings(compact, defaultCountry);
	for (const candidate of candidates) {
		const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
		if (parsed === undefined) continue;
		const valid = parsed.isValid() ? parsed : repairWhatsAppLegacyForm(parsed);
		if (valid !== undefined) return { e164: valid.number, waId: valid.number.slice(1) };
	}
	throw invalid(raw, reasonFor(candidates[0], defaultCountry));
}

/**
 * Whether two numbers (E.164, wa_id or formatted) are the same WhatsApp user. Compares normalized forms,
 * so "+1 (650) 555-1234" equals "16505551234", and the legacy wa_id forms Meta still reports equal their
 * current numbers (Brazil without the mobile 9, Mexico with the old "1"). Unparseable values are compared
 * by their digits; two empty values are never the same user.
 */
export function isSameWaId(a: string, b: string): boolean {
	const left = comparableId(a);
	return left !== '' && left === comparableId(b);
}

function comparableId(value: string): string {
	try {
		return normalizeRecipient(value).waId;
	} catch {
		return typeof value === 'string' ? value.replace(/\D/g, '') : '';
	}
}

/** The strings to try, most likely reading first. `compact` is "+digits" or "digits". */
function candidateReadings(compact: string, defaultCountry: CountryCode | undefined): string[] {
	if (compact.startsWith('+')) return [compact];
	const readings: string[] = [];
	// libphonenumber reads the default country's own international prefix (00, 011...) and trunk 0.
	if (defaultCountry !== undefined) readings.push(compact);
	// 00 is the international prefix in most of the world (ITU-T E.164 recommendation).
	if (compact.startsWith('00')) readings.push(`+${compact.slice(2)}`);
	readings.push(`+${compact}`);
	return [...new Set(readings)];
}

/**
 * WhatsApp keeps some users under the number form they registered with, and reports that form as
 * `wa_id`; libphonenumber (rightly) calls those forms invalid today. Mapped to the current number:
 * - Brazil added a 9 in front of 8-digit mobile numbers (2012–2016): 55 11 9123-4567 → 55 11 99123-4567;
 * - Mexico dropped the "1" after +52 for mobiles (2019): +52 1 55 1234 5678 → +52 55 1234 5678.
 */
function repairWhatsAppLegacyForm(parsed: PhoneNumber): PhoneNumber | undefined {
	const national = parsed.nationalNumber;
	let repaired: string | undefined;
	if (parsed.countryCallingCode === '55' && national.length === 10 && /^[1-9]{2}[6-9]/.test(national)) {
		repaired = `+55${national.slice(0, 2)}9${national.slice(2)}`;
	} else if (parsed.countryCallingCode === '52' && national.length === 11 && national.startsWith('1')) {
		repaired = `+52${national.slice(1)}`;
	}
	if (repaired === undefined) return undefined;
	const fixed = parsePhoneNumberFromString(repaired);
	return fixed?.isValid() ? fixed : undefined;
}

function reasonFor(candidate: string | undefined, defaultCountry: CountryCode | undefined): InvalidReason {
	if (candidate === undefined) return 'invalid';
	switch (validatePhoneNumberLength(candidate, defaultCountry)) {
		case 'TOO_SHORT':
			return 'too_short';
		case 'TOO_LONG':
			return 'too_long';
		case 'INVALID_COUNTRY':
			return 'unknown_country';
		default:
			// Length is plausible, but no such number exists (unassigned area code, wrong digit pattern).
			return 'invalid';
	}
}

function invalid(raw: string, reason: InvalidReason, defaultCountry?: string): PolicyError {
	const shown = quoteValue(raw);
	const messages: Record<InvalidReason, string> = {
		empty: 'The phone number is empty.',
		characters: `The phone number ${shown} contains characters other than digits, spaces, dashes, parentheses and a leading +.`,
		too_short: `The phone number ${shown} is too short.`,
		too_long: `The phone number ${shown} is too long.`,
		unknown_country: `The phone number ${shown} does not start with a known country code.`,
		invalid: `The phone number ${shown} is not a valid phone number.`,
		default_country: `The default country ${quoteValue(defaultCountry ?? '', 10)} is not a known two-letter country code.`,
	};
	const hints: Record<InvalidReason, string> = {
		empty: `Enter the recipient's number. ${FORMAT_HINT}`,
		characters: FORMAT_HINT,
		too_short: `Check that no digit is missing and that the country code is included. ${FORMAT_HINT}`,
		too_long: `Check for extra digits, or two numbers pasted together. ${FORMAT_HINT}`,
		unknown_country: `Start the number with + and the country code (1 for the US, 44 for the UK, 91 for India...). ${FORMAT_HINT}`,
		invalid: `Check the digits and the country code. ${FORMAT_HINT}`,
		default_country: 'Use an ISO 3166 two-letter country code such as US, GB or IN, or leave the default country empty.',
	};
	return new PolicyError('INVALID_PHONE_NUMBER', messages[reason], hints[reason], {
		reason,
		value: quoteValue(raw).slice(1, -1),
		expectedFormat: 'E.164, e.g. +16505551234',
	});
}
