/** Small builders for synthetic Meta webhook payloads, shaped like Meta's documented examples. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WebhookError } from '../../../core/errors';

export const FIXTURES_DIR = path.resolve(__dirname, '../../fixtures/meta-samples');

export const WABA_ID = '102290129340398';
export const PHONE_NUMBER_ID = '106540352242922';
export const CUSTOMER = '16505551234';

export type Json = Record<string, unknown>;

export function readFixture(name: string): Buffer {
	return fs.readFileSync(path.join(FIXTURES_DIR, name));
}

export function messagesValue(parts: {
	messages?: Json[];
	statuses?: Json[];
	contacts?: Json[];
	errors?: Json[];
}): Json {
	return {
		messaging_product: 'whatsapp',
		metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
		...parts,
	};
}

export function change(value: unknown, field = 'messages'): Json {
	return { value, field };
}

export function webhook(entries: Array<{ id?: string; changes: Json[] }>): Json {
	return {
		object: 'whatsapp_business_account',
		entry: entries.map((entry) => ({ id: entry.id ?? WABA_ID, changes: entry.changes })),
	};
}

/** One entry, one `messages` change carrying these messages, with the customer's profile beside them. */
export function singleMessageWebhook(...messages: Json[]): Json {
	return webhook([
		{
			changes: [
				change(
					messagesValue({ contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: CUSTOMER }], messages }),
				),
			],
		},
	]);
}

let counter = 0;
/** An inbound message from CUSTOMER with a fresh wamid; `fields` add or override. */
export function inbound(type: string, fields: Json = {}): Json {
	counter++;
	return { from: CUSTOMER, id: `wamid.TEST${counter}`, timestamp: '1750000000', type, ...fields };
}

/** A copy of `object` without `key` (to build payloads missing a field). */
export function without(object: Json, key: string): Json {
	const copy = { ...object };
	delete copy[key];
	return copy;
}

/** Runs `action`, expecting a WebhookError, and returns it for further assertions. */
export function webhookErrorOf(action: () => unknown): WebhookError {
	try {
		action();
	} catch (error) {
		if (error instanceof WebhookError) return error;
		throw error;
	}
	throw new Error('expected a WebhookError, nothing was thrown');
}
