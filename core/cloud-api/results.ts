/**
 * What the client returns, in the package's own camelCase terms, and the mapping from Meta's answers.
 * Templates stay in Meta's shape (TemplateDefinition) because the template checks read them as such.
 */
import type { z } from 'zod/v4';
import type { TemplateDefinition } from '../template/definition';
import type { phoneNumberSchema } from './schemas';
import type { CloudApiProvider } from './config';

export interface SendResult {
	/** The message id Meta assigned; status webhooks refer to it. */
	wamid: string;
	/** contacts[0].wa_id; absent when Meta addresses the user by a business-scoped id only. */
	waId: string | null;
	/** contacts[0].user_id: the business-scoped user id, when the send named one. */
	userId: string | null;
	/** The recipient as it was sent. */
	input: string;
	/** Templates only: accepted, held_for_quality_assessment or paused. */
	messageStatus: string | null;
}

export interface ListTemplatesOptions {
	/** Only templates in this status, e.g. 'APPROVED'. */
	status?: string;
	/** MARKETING, UTILITY or AUTHENTICATION. */
	category?: string;
	/** Template name filter (Meta filters server-side; 360dialog here, by substring). */
	name?: string;
	language?: string;
	/** Page size. */
	limit?: number;
	/** Cursor from a previous page's `nextCursor`. */
	after?: string;
}

export interface TemplatePage {
	templates: TemplateDefinition[];
	/** Pass as `after` for the next page; null on the last page. */
	nextCursor: string | null;
}

/** Meta's answer to a template creation: new templates start PENDING (review) unless approved at once. */
export interface CreatedTemplate {
	id: string;
	status: string;
	category: string;
}

export interface MediaInfo {
	id: string;
	/** Short-lived download URL; fetching it needs the access token. */
	url: string;
	mimeType: string;
	sha256: string | null;
	fileSize: number | null;
}

export interface DownloadedMedia {
	data: Buffer;
	mimeType: string;
	fileSize: number;
	/** Hex SHA-256 of `data`, computed here. */
	sha256: string;
}

export interface PhoneNumberInfo {
	id: string;
	displayPhoneNumber: string | null;
	verifiedName: string | null;
	qualityRating: string | null;
	codeVerificationStatus: string | null;
	messagingLimitTier: string | null;
	throughputLevel: string | null;
	platformType: string | null;
}

export interface ConnectionCheck {
	provider: CloudApiProvider;
	/** The configured number as Meta reports it; null for 360dialog (it exposes no such endpoint). */
	phoneNumber: PhoneNumberInfo | null;
}

export function toTemplateDefinition(template: {
	id?: string;
	name: string;
	language: string;
	status: string;
	category: string;
	parameter_format?: string;
	components: TemplateDefinition['components'];
	previous_category?: string;
}): TemplateDefinition {
	const definition: TemplateDefinition = {
		name: template.name,
		language: template.language,
		// 360dialog reports statuses in lower case; Meta's (and the checks') are upper case.
		status: template.status.toUpperCase(),
		category: template.category.toUpperCase(),
		components: template.components,
	};
	if (template.id !== undefined) definition.id = template.id;
	if (template.parameter_format !== undefined) definition.parameter_format = template.parameter_format.toUpperCase();
	if (template.previous_category !== undefined && template.previous_category !== '') definition.previous_category = template.previous_category.toUpperCase();
	return definition;
}

export function toPhoneNumberInfo(phone: z.output<typeof phoneNumberSchema>): PhoneNumberInfo {
	return {
		id: phone.id,
		displayPhoneNumber: phone.display_phone_number ?? null,
		verifiedName: phone.verified_name ?? null,
		qualityRating: phone.quality_rating ?? null,
		codeVerificationStatus: phone.code_verification_status ?? null,
		messagingLimitTier: phone.messaging_limit_tier ?? null,
		throughputLevel: phone.throughput?.level ?? null,
		platformType: phone.platform_type ?? null,
	};
}
