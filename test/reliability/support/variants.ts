/**
 * Changes to Meta's samples whose verdict is known in advance. Harmless ones (what real deliveries
 * vary in: any text, timestamps as numbers, unknown fields, a missing `contacts`, future message
 * types, key order, escaping) must be accepted with every message kept; breaking ones (the envelope,
 * a message id or timestamp, the business number id, the sender, the JSON itself) must be refused.
 */
import fc from 'fast-check';

import { changedAt, escapeLikeMeta, REMOVE, type Path } from './json-paths';
import { hostileString } from './mutations';
import { itemsOf, type Json, type JsonObject, type Sample } from './samples';

export interface AcceptedVariant {
	body: Buffer;
	/** The message ids the parse must return, in order. */
	wamids: string[];
	statuses: number;
	/** Texts set on text messages, by wamid ('' reads back as null). */
	texts: Map<string, string>;
}

type Harmless =
	| { kind: 'text'; item: number; text: string }
	| { kind: 'timestampForm'; item: number }
	| { kind: 'unknownField'; item: number; key: string; value: Json }
	| { kind: 'envelopeField'; key: string; value: Json }
	| { kind: 'dropContacts' }
	| { kind: 'futureType'; item: number; type: string }
	| { kind: 'reverseKeys'; item: number };

const extraKey = fc.constantFrom('x_a', 'x_new_field', 'x_flags', 'x_nested_thing');

const harmless: fc.Arbitrary<Harmless> = fc.oneof(
	fc.record({ kind: fc.constant('text' as const), item: fc.nat(), text: hostileString }),
	fc.record({ kind: fc.constant('timestampForm' as const), item: fc.nat() }),
	fc.record({ kind: fc.constant('unknownField' as const), item: fc.nat(), key: extraKey, value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> }),
	fc.record({ kind: fc.constant('envelopeField' as const), key: extraKey, value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> }),
	fc.record({ kind: fc.constant('dropContacts' as const) }),
	fc.record({ kind: fc.constant('futureType' as const), item: fc.nat(), type: fc.constantFrom('future_a', 'future_payment', 'future_') }),
	fc.record({ kind: fc.constant('reverseKeys' as const), item: fc.nat() }),
);

function allItems(body: JsonObject): Array<{ path: Path; item: JsonObject }> {
	return [...itemsOf(body, 'messages'), ...itemsOf(body, 'statuses')];
}

function applyHarmless(body: JsonObject, change: Harmless, texts: Map<string, string>): JsonObject {
	const items = allItems(body);
	const pick = (index: number) => items[index % items.length];
	const messages = itemsOf(body, 'messages');
	// System-level error deliveries carry neither messages nor statuses: only the envelope can change.
	if (items.length === 0 && change.kind !== 'envelopeField') return body;
	switch (change.kind) {
		case 'text': {
			const text = messages.filter(({ item }) => item.type === 'text');
			if (text.length === 0) return body;
			const { path, item } = text[change.item % text.length];
			texts.set(String(item.id), change.text);
			return changedAt(body, [...path, 'text'], () => ({ body: change.text })) as JsonObject;
		}
		case 'timestampForm': {
			const { path, item } = pick(change.item);
			return changedAt(body, [...path, 'timestamp'], () => (typeof item.timestamp === 'string' ? Number(item.timestamp) : String(item.timestamp))) as JsonObject;
		}
		case 'unknownField': {
			const { path } = pick(change.item);
			return changedAt(body, [...path, change.key], () => change.value) as JsonObject;
		}
		case 'envelopeField':
			return { ...body, [change.key]: change.value };
		case 'dropContacts':
			// Only harmless while every message names its sender itself.
			if (!messages.every(({ item }) => typeof item.from === 'string')) return body;
			return messages.reduce<JsonObject>((current, { path }) => changedAt(current, [...path.slice(0, -2), 'contacts'], () => REMOVE) as JsonObject, body);
		case 'futureType': {
			if (messages.length === 0) return body;
			const { path, item } = messages[change.item % messages.length];
			texts.delete(String(item.id));
			return changedAt(body, [...path, 'type'], () => change.type) as JsonObject;
		}
		case 'reverseKeys': {
			const { path, item } = pick(change.item);
			return changedAt(body, path, () => Object.fromEntries(Object.entries(item).reverse())) as JsonObject;
		}
	}
}

export function acceptedVariant(samples: readonly Sample[]): fc.Arbitrary<AcceptedVariant> {
	return fc
		.tuple(fc.constantFrom(...samples), fc.array(harmless, { minLength: 1, maxLength: 5 }), fc.boolean())
		.map(([sample, changes, escape]) => {
			const texts = new Map<string, string>();
			const body = changes.reduce((current, change) => applyHarmless(current, change, texts), sample.body);
			const json = JSON.stringify(body);
			return {
				body: Buffer.from(escape ? escapeLikeMeta(json) : json),
				wamids: itemsOf(body, 'messages').map(({ item }) => String(item.id)),
				statuses: itemsOf(body, 'statuses').length,
				texts,
			};
		});
}

const notAString: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(fc.integer(), fc.boolean(), fc.constant(null), fc.constant({}), fc.constant([]));
/** Timestamps the schema refuses: text that is not digits, negative numbers, other types. */
const badTimestamp: fc.Arbitrary<Json> = fc.oneof(
	hostileString.filter((text) => !/^\d+(\.\d+)?$/.test(text)),
	fc.integer({ max: -1 }),
	fc.boolean(),
	fc.constant(null),
	fc.constant({}),
);

/** One breaking change to a sample, chosen among those that apply to it. */
export function refusedVariant(samples: readonly Sample[]): fc.Arbitrary<Buffer> {
	return fc.constantFrom(...samples).chain((sample) => {
		const body = sample.body;
		const messages = itemsOf(body, 'messages');
		const statuses = itemsOf(body, 'statuses');
		const encode = (value: Json) => Buffer.from(JSON.stringify(value));
		const options: Array<fc.Arbitrary<Buffer>> = [
			fc.oneof(hostileString.filter((text) => text !== 'whatsapp_business_account'), notAString).map((object) => encode({ ...body, object })),
			fc.oneof(notAString.filter((value) => !Array.isArray(value)), hostileString).map((entry) => encode({ ...body, entry })),
			fc.oneof(notAString, fc.constant(undefined)).map((id) => encode(changedAt(body, ['entry', 0, 'id'], () => (id === undefined ? REMOVE : id)))),
			fc.integer({ min: 1, max: Math.max(1, JSON.stringify(body).length - 1) }).map((length) => Buffer.from(JSON.stringify(body).slice(0, length))),
			fc.oneof(fc.integer(), hostileString, fc.constant(null), fc.array(fc.integer())).map(encode),
		];
		if (messages.length > 0) {
			const message = fc.nat().map((index) => messages[index % messages.length]);
			options.push(
				fc.tuple(message, fc.oneof(notAString, fc.constant(undefined))).map(([{ path }, id]) => encode(changedAt(body, [...path, 'id'], () => (id === undefined ? REMOVE : id)))),
				fc.tuple(message, badTimestamp).map(([{ path }, timestamp]) => encode(changedAt(body, [...path, 'timestamp'], () => timestamp))),
				// No sender anywhere: no from, no from_user_id and no profile beside it.
				message.map(({ path }) => {
					const withoutFrom = changedAt(body, [...path, 'from'], () => REMOVE);
					return encode(changedAt(withoutFrom, [...path.slice(0, -2), 'contacts'], () => REMOVE));
				}),
				fc.tuple(message, fc.oneof(notAString, fc.constant(undefined))).map(([{ path }, id]) =>
					encode(changedAt(body, [...path.slice(0, -2), 'metadata', 'phone_number_id'], () => (id === undefined ? REMOVE : id))),
				),
			);
		}
		if (statuses.length > 0) {
			const status = fc.nat().map((index) => statuses[index % statuses.length]);
			options.push(fc.tuple(status, notAString).map(([{ path }, value]) => encode(changedAt(body, [...path, 'status'], () => value))));
		}
		return fc.oneof(...options);
	});
}
