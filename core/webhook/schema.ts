/**
 * Zod schemas for Meta's WhatsApp Business Account webhook (object `whatsapp_business_account`).
 *
 * Lenient where Meta is: every object is loose (unknown fields pass through, so `raw` stays complete),
 * most content fields are optional, timestamps may be strings or numbers. Strict where it matters: the
 * envelope shape, arrays being arrays, ids being strings, and a field having the right type whenever it
 * is present. Schemas are built once at module load; parsing never re-creates them.
 */
import { z } from 'zod/v4';

const optionalString = z.string().optional();
const optionalBoolean = z.boolean().optional();

/** Meta sends Unix seconds as a string; some relays send numbers. Both are accepted. */
export const timestampSchema = z.union([z.string().regex(/^\d+(\.\d+)?$/), z.number().nonnegative()], {
	error: 'expected a Unix timestamp (digits as a string or a number)',
});

/** Error codes are numbers in Meta's payloads; a numeric string is tolerated. */
export const metaErrorSchema = z.looseObject({
	code: z.union([z.number(), z.string().regex(/^-?\d+$/)], { error: 'expected a numeric error code' }),
	title: optionalString,
	message: optionalString,
	error_data: z.looseObject({ details: optionalString }).optional(),
});

const metaErrorsSchema = z.array(metaErrorSchema).optional();

export const mediaSchema = z.looseObject({
	id: z.string(),
	mime_type: optionalString,
	sha256: optionalString,
	caption: optionalString,
	filename: optionalString,
	/** audio only: true for a voice note recorded in WhatsApp. */
	voice: optionalBoolean,
	/** sticker only. */
	animated: optionalBoolean,
	url: optionalString,
});

const coordinateSchema = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)], {
	error: 'expected a coordinate (number)',
});

const locationSchema = z.looseObject({
	latitude: coordinateSchema.optional(),
	longitude: coordinateSchema.optional(),
	name: optionalString,
	address: optionalString,
	url: optionalString,
});

const sharedContactSchema = z.looseObject({
	name: z
		.looseObject({ formatted_name: optionalString, first_name: optionalString, last_name: optionalString })
		.optional(),
});

const replyChoiceSchema = z.looseObject({ id: optionalString, title: optionalString, description: optionalString });

const interactiveSchema = z.looseObject({
	type: optionalString,
	button_reply: replyChoiceSchema.optional(),
	list_reply: replyChoiceSchema.optional(),
	/** WhatsApp Flow completion: `response_json` is a JSON string with the flow's answers. */
	nfm_reply: z.looseObject({ name: optionalString, body: optionalString, response_json: optionalString }).optional(),
});

const contextSchema = z.looseObject({
	from: optionalString,
	id: optionalString,
	forwarded: optionalBoolean,
	frequently_forwarded: optionalBoolean,
	referred_product: z.looseObject({ catalog_id: z.string(), product_retailer_id: z.string() }).optional(),
});

export const inboundMessageSchema = z.looseObject({
	id: z.string(),
	/** Absent for users who hide their number behind a username; `from_user_id` (BSUID) is then sent. */
	from: optionalString,
	from_user_id: optionalString,
	timestamp: timestampSchema,
	type: optionalString,
	text: z.looseObject({ body: optionalString }).optional(),
	image: mediaSchema.optional(),
	audio: mediaSchema.optional(),
	video: mediaSchema.optional(),
	document: mediaSchema.optional(),
	sticker: mediaSchema.optional(),
	location: locationSchema.optional(),
	contacts: z.array(sharedContactSchema).optional(),
	interactive: interactiveSchema.optional(),
	button: z.looseObject({ text: optionalString, payload: optionalString }).optional(),
	reaction: z.looseObject({ message_id: optionalString, emoji: optionalString }).optional(),
	order: z
		.looseObject({ catalog_id: optionalString, text: optionalString, product_items: z.array(z.unknown()).optional() })
		.optional(),
	system: z.looseObject({ body: optionalString, type: optionalString }).optional(),
	context: contextSchema.optional(),
	referral: z.looseObject({}).optional(),
	errors: metaErrorsSchema,
});

export const statusSchema = z.looseObject({
	id: z.string(),
	status: z.string(),
	timestamp: timestampSchema,
	recipient_id: optionalString,
	/** Business-scoped user id of the recipient (2026 onwards). */
	recipient_user_id: optionalString,
	errors: metaErrorsSchema,
	conversation: z
		.looseObject({
			id: optionalString,
			expiration_timestamp: timestampSchema.optional(),
			origin: z.looseObject({ type: optionalString }).optional(),
		})
		.optional(),
	pricing: z
		.looseObject({ billable: optionalBoolean, category: optionalString, pricing_model: optionalString, type: optionalString })
		.optional(),
});

/** The sender profile Meta lists beside incoming messages (`value.contacts`). */
export const senderContactSchema = z.looseObject({
	wa_id: optionalString,
	/** Business-scoped user id (BSUID), e.g. `US.13491208655302741918`. */
	user_id: optionalString,
	profile: z.looseObject({ name: optionalString, username: optionalString }).optional(),
});

/** `value` of a change whose field is `messages`. */
export const messagesValueSchema = z.looseObject({
	metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: optionalString }),
	contacts: z.array(senderContactSchema).optional(),
	messages: z.array(inboundMessageSchema).optional(),
	statuses: z.array(statusSchema).optional(),
	errors: metaErrorsSchema,
});

/**
 * The envelope. A change's `value` is left unchecked here: only `messages` changes are validated
 * (with messagesValueSchema), other fields are counted and skipped without inspecting their shape.
 */
export const envelopeSchema = z.looseObject({
	object: z.literal('whatsapp_business_account'),
	entry: z.array(
		z.looseObject({
			id: z.string(),
			changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
		}),
	),
});

export type MetaErrorPayload = z.infer<typeof metaErrorSchema>;
export type MediaPayload = z.infer<typeof mediaSchema>;
export type InboundMessagePayload = z.infer<typeof inboundMessageSchema>;
export type StatusPayload = z.infer<typeof statusSchema>;
export type SenderContactPayload = z.infer<typeof senderContactSchema>;
export type MessagesValuePayload = z.infer<typeof messagesValueSchema>;
