/**
 * Webhooks generated from nothing but Meta's format: any number of entries and changes, other
 * fields beside `messages`, every message type (and future ones) with type-shaped bodies of random
 * content, statuses with any status string, timestamps in both forms, senders by number or by
 * business-scoped id. All of them are valid, so all must be accepted with nothing dropped.
 */
import fc from 'fast-check';

import { hostileString } from './mutations';
import type { Json, JsonObject } from './samples';

export interface GeneratedWebhook {
	body: JsonObject;
	messages: number;
	statuses: number;
	accountEvents: number;
}

// Cheap generators throughout (no regex-driven strings): generation, not parsing, dominated the run time.
const digits = fc.integer({ min: 1_000_000, max: Number.MAX_SAFE_INTEGER }).map(String);
const extraKey = fc.constantFrom('x_a', 'x_new_field', 'x_flags', 'x_', 'x_nested_thing');
const futureType = fc.constantFrom('future_a', 'future_payment', 'future_call_permission', 'future_');
const timestamp: fc.Arbitrary<Json> = fc.oneof(
	fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }).map(String),
	fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
);
const optionalText = fc.option(hostileString, { nil: undefined });
const media = fc.record({ id: fc.string({ minLength: 1, maxLength: 20 }), mime_type: optionalText, sha256: optionalText, caption: optionalText }, { requiredKeys: ['id'] });
const unknownFields = fc.dictionary(extraKey, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxKeys: 2 });

/** A message body shaped for its type (or a future type with a body of its own). */
const typedBody: fc.Arbitrary<{ type: string; fields: JsonObject }> = fc.oneof(
	fc.record({ body: hostileString }).map((text) => ({ type: 'text', fields: { text } })),
	fc.tuple(fc.constantFrom('image', 'audio', 'video', 'document', 'sticker'), media).map(([type, value]) => ({ type, fields: { [type]: JSON.parse(JSON.stringify(value)) as Json } })),
	fc
		.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }), name: optionalText })
		.map((location) => ({ type: 'location', fields: { location: JSON.parse(JSON.stringify(location)) as Json } })),
	fc.record({ id: hostileString, title: hostileString }).map((reply) => ({ type: 'interactive', fields: { interactive: { type: 'button_reply', button_reply: reply } } })),
	fc.record({ text: hostileString, payload: hostileString }).map((button) => ({ type: 'button', fields: { button } })),
	fc.record({ message_id: fc.string({ maxLength: 30 }), emoji: hostileString }).map((reaction) => ({ type: 'reaction', fields: { reaction } })),
	fc.array(fc.record({ name: fc.record({ formatted_name: hostileString }) }), { maxLength: 3 }).map((contacts) => ({ type: 'contacts', fields: { contacts } })),
	fc.tuple(futureType, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>).map(([type, value]) => ({ type, fields: { [type]: value } })),
);

const sender = fc.oneof(
	digits.map((from): JsonObject => ({ from })),
	fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((id): JsonObject => ({ from_user_id: `US.${id}` })),
);

let serial = 0;
const message: fc.Arbitrary<JsonObject> = fc.tuple(sender, timestamp, typedBody, unknownFields, fc.string({ maxLength: 12 })).map(([from, time, typed, extra, id]) => {
	serial++;
	return { ...extra, ...from, id: `wamid.gen-${serial}-${id}`, timestamp: time, type: typed.type, ...typed.fields };
});

const status: fc.Arbitrary<JsonObject> = fc
	.tuple(fc.constantFrom('sent', 'delivered', 'read', 'failed', 'deleted', 'warning', 'future'), timestamp, digits, fc.string({ maxLength: 12 }))
	.map(([value, time, recipient, id]) => ({ id: `wamid.status-${id}`, status: value, timestamp: time, recipient_id: recipient }));

const messagesChange = fc
	.record({
		phone: digits,
		messages: fc.array(message, { maxLength: 4 }),
		statuses: fc.array(status, { maxLength: 3 }),
		profile: fc.option(hostileString, { nil: undefined }),
	})
	.map(({ phone, messages, statuses, profile }) => {
		const value: JsonObject = { messaging_product: 'whatsapp', metadata: { display_phone_number: phone, phone_number_id: phone } };
		if (profile !== undefined && messages.length > 0) value.contacts = [{ profile: { name: profile }, wa_id: String(messages[0].from ?? '') }];
		if (messages.length > 0) value.messages = messages;
		if (statuses.length > 0) value.statuses = statuses;
		return { change: { field: 'messages', value } as JsonObject, messages: messages.length, statuses: statuses.length, accountEvents: 0 };
	});

/** Changes of other fields (account updates, template reviews, future fields): one account event each, whatever their value. */
const otherChange = fc
	.tuple(fc.constantFrom('account_update', 'message_template_status_update', 'phone_number_quality_update', 'future_field'), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>)
	.map(([field, value]) => ({ change: { field, value } as JsonObject, messages: 0, statuses: 0, accountEvents: 1 }));

export const generatedWebhook: fc.Arbitrary<GeneratedWebhook> = fc
	.array(fc.tuple(digits, fc.array(fc.oneof({ weight: 4, arbitrary: messagesChange }, { weight: 1, arbitrary: otherChange }), { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 })
	.map((entries) => {
		const all = entries.flatMap(([, changes]) => changes);
		return {
			body: { object: 'whatsapp_business_account', entry: entries.map(([id, changes]) => ({ id, changes: changes.map(({ change }) => change) })) },
			messages: all.reduce((sum, change) => sum + change.messages, 0),
			statuses: all.reduce((sum, change) => sum + change.statuses, 0),
			accountEvents: all.reduce((sum, change) => sum + change.accountEvents, 0),
		};
	});
