/**
 * A business number's health as the Graph API reports it: the phone number node's quality, status,
 * name status, throughput and messaging limit, and the WhatsApp Business Account's review state.
 *
 * Since October 2025 the messaging limit belongs to the business portfolio; Meta documents the phone
 * number field `whatsapp_business_manager_messaging_limit` for it and deprecated `messaging_limit_tier`
 * (the number's own limit before). The client asks for the current field and, only when an answer
 * lacks it (an older API version, a proxy), for the old one in a second read, so that Meta retiring
 * the old field can never break the health read itself.
 */
import { z } from 'zod/v4';

const optionalString = z.string().optional();

/** The fields read from the phone number node; the old limit field is read separately (see above). */
export const NUMBER_HEALTH_FIELDS = [
	'id',
	'display_phone_number',
	'verified_name',
	'quality_rating',
	'status',
	'name_status',
	'code_verification_status',
	'throughput',
	'whatsapp_business_manager_messaging_limit',
].join(',');

export const LEGACY_LIMIT_FIELD = 'messaging_limit_tier';
export const CURRENT_LIMIT_FIELD = 'whatsapp_business_manager_messaging_limit';

export const BUSINESS_ACCOUNT_FIELDS = 'id,name,account_review_status';

// A limit arrives as a tier name ("TIER_2K"); accepting numbers too costs nothing if Meta changes it.
const limitValue = z.union([z.string(), z.number()]).optional();

export const numberHealthSchema = z.looseObject({
	id: z.string(),
	display_phone_number: optionalString,
	verified_name: optionalString,
	quality_rating: optionalString,
	status: optionalString,
	name_status: optionalString,
	code_verification_status: optionalString,
	throughput: z.looseObject({ level: optionalString }).optional(),
	whatsapp_business_manager_messaging_limit: limitValue,
	messaging_limit_tier: limitValue,
});

export const businessAccountSchema = z.looseObject({
	id: z.string(),
	name: optionalString,
	account_review_status: optionalString,
});

/** Which phone number field carried the messaging limit. */
export type MessagingLimitField = typeof CURRENT_LIMIT_FIELD | typeof LEGACY_LIMIT_FIELD;

export interface NumberHealth {
	phoneNumberId: string;
	displayPhoneNumber: string | null;
	verifiedName: string | null;
	/** GREEN, YELLOW, RED or UNKNOWN. */
	qualityRating: string | null;
	/** CONNECTED, FLAGGED, RESTRICTED, PENDING, OFFLINE, … */
	status: string | null;
	/** APPROVED, PENDING_REVIEW, DECLINED, … (the display name's review). */
	nameStatus: string | null;
	codeVerificationStatus: string | null;
	/** STANDARD, HIGH or NOT_APPLICABLE. */
	throughputLevel: string | null;
	/** The messaging limit exactly as Meta reported it ("TIER_2K"), or null when neither field was there. */
	messagingLimit: string | null;
	messagingLimitField: MessagingLimitField | null;
}

export interface BusinessAccountInfo {
	id: string;
	name: string | null;
	/** APPROVED, PENDING, REJECTED, … */
	accountReviewStatus: string | null;
}

function limitText(value: string | number | undefined): string | null {
	return value === undefined || value === '' ? null : String(value);
}

export function toNumberHealth(phone: z.output<typeof numberHealthSchema>): NumberHealth {
	const current = limitText(phone.whatsapp_business_manager_messaging_limit);
	const legacy = limitText(phone.messaging_limit_tier);
	return {
		phoneNumberId: phone.id,
		displayPhoneNumber: phone.display_phone_number ?? null,
		verifiedName: phone.verified_name ?? null,
		qualityRating: phone.quality_rating ?? null,
		status: phone.status ?? null,
		nameStatus: phone.name_status ?? null,
		codeVerificationStatus: phone.code_verification_status ?? null,
		throughputLevel: phone.throughput?.level ?? null,
		messagingLimit: current ?? legacy,
		messagingLimitField: current !== null ? CURRENT_LIMIT_FIELD : legacy !== null ? LEGACY_LIMIT_FIELD : null,
	};
}

export function toBusinessAccountInfo(account: z.output<typeof businessAccountSchema>): BusinessAccountInfo {
	return { id: account.id, name: account.name ?? null, accountReviewStatus: account.account_review_status ?? null };
}
