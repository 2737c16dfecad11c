/**
 * Zod schemas for the Cloud API's answers. Loose objects (Meta adds fields between versions); strict
 * only on what the client reads. Built once at module load.
 */
import { z } from 'zod/v4';

const optionalString = z.string().optional();
/** Graph ids and sizes come as strings in some answers and numbers in others. */
const numberLike = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

export const metaErrorEnvelopeSchema = z.looseObject({
	error: z.looseObject({
		message: optionalString,
		type: optionalString,
		code: z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]),
		error_subcode: z.number().int().optional(),
		error_user_title: optionalString,
		error_user_msg: optionalString,
		error_data: z.looseObject({ messaging_product: optionalString, details: optionalString }).optional(),
		fbtrace_id: optionalString,
	}),
});

/** 360dialog's own error envelope (not Meta's), e.g. for an unknown API key. */
export const dialog360ErrorSchema = z.looseObject({
	meta: z.looseObject({
		success: z.boolean().optional(),
		http_code: z.number().optional(),
		developer_message: z.string(),
	}),
});

export const sendMessageResponseSchema = z.looseObject({
	messaging_product: z.literal('whatsapp'),
	/** wa_id for a send to a phone number, user_id (the BSUID) for a send to a business-scoped user id. */
	contacts: z.array(z.looseObject({ input: z.string(), wa_id: optionalString, user_id: optionalString })).optional(),
	messages: z
		.array(
			z.looseObject({
				id: z.string().min(1),
				/** Templates only, since v24 inside messages[]: accepted, held_for_quality_assessment, paused. */
				message_status: optionalString,
			}),
		)
		.min(1),
});
export type SendMessageResponse = z.infer<typeof sendMessageResponseSchema>;

export const successResponseSchema = z.looseObject({ success: z.boolean() });

const templateComponentSchema = z.looseObject({
	type: z.string(),
	format: optionalString,
	text: optionalString,
	buttons: z
		.array(
			z.looseObject({
				type: z.string(),
				text: optionalString,
				url: optionalString,
				phone_number: optionalString,
				example: z.union([z.array(z.string()), z.string()]).optional(),
			}),
		)
		.optional(),
	example: z.record(z.string(), z.unknown()).optional(),
});

export const templateSchema = z.looseObject({
	id: optionalString,
	name: z.string(),
	language: z.string(),
	status: z.string(),
	category: z.string(),
	parameter_format: optionalString,
	components: z.array(templateComponentSchema).default([]),
	/** Present when Meta changed the template's category. */
	previous_category: optionalString,
});

/** POST /{waba-id}/message_templates answers the new template's id, status and category. */
export const createTemplateResponseSchema = z.looseObject({ id: z.string(), status: z.string(), category: z.string() });

export const pagingSchema = z.looseObject({
	cursors: z.looseObject({ before: optionalString, after: optionalString }).optional(),
	next: optionalString,
	previous: optionalString,
});

export const templatesPageSchema = z.looseObject({
	data: z.array(templateSchema),
	paging: pagingSchema.optional(),
});

/** 360dialog: GET /v1/configs/templates (offset paging; status observed in lower case). */
export const dialog360TemplatesPageSchema = z.looseObject({
	waba_templates: z.array(templateSchema),
	count: z.number().optional(),
	total: z.number().optional(),
	offset: z.number().optional(),
	limit: z.number().optional(),
});

export const mediaInfoSchema = z.looseObject({
	messaging_product: optionalString,
	id: z.string(),
	url: z.string().url(),
	mime_type: z.string(),
	sha256: optionalString,
	file_size: numberLike.optional(),
});

export const phoneNumberSchema = z.looseObject({
	id: z.string(),
	display_phone_number: optionalString,
	verified_name: optionalString,
	quality_rating: optionalString,
	code_verification_status: optionalString,
	platform_type: optionalString,
	messaging_limit_tier: optionalString,
	name_status: optionalString,
	throughput: z.looseObject({ level: optionalString }).optional(),
});

export const phoneNumbersPageSchema = z.looseObject({
	data: z.array(phoneNumberSchema),
	paging: pagingSchema.optional(),
});

export const uploadMediaResponseSchema = z.looseObject({ id: z.string() });
