/**
 * Meta webhook body → ParsedWebhook: every entry × change × message / status / error.
 *
 * All or nothing: one malformed item (a message without an id, a status with a broken timestamp...)
 * rejects the whole delivery with 400. Meta then retries it, and nothing of it is half-stored; keeping
 * the valid part would mean answering 200 for a delivery whose rest is silently lost.
 */
import type { BusinessEndpoint, ParsedWebhook } from './types';
import { envelopeSchema, messagesValueSchema, type MessagesValuePayload } from './schema';
import { normalizeMessage } from './normalize-message';
import { normalizeStatus } from './normalize-status';
import { toMetaErrors } from './normalize-common';
import { invalidPayload, payloadErrorFromZod } from './payload-error';
import { toAccountEvents } from './account-events';

/** The only change field that carries messages and statuses; the others are account events. */
const MESSAGES_FIELD = 'messages';

/** Meta's deepest documented payloads nest about ten levels; far deeper is not a webhook. */
const MAX_NESTING_DEPTH = 64;

/**
 * Rejects bodies nested deeper than any Meta payload before anything recurses over them: a signed
 * body 10,000 levels deep would otherwise parse and then overflow the stack when stored (a 500 that
 * Meta would retry forever instead of a 400).
 */
function assertNestingDepth(text: string): void {
	let depth = 0;
	let inString = false;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (inString) {
			if (code === 0x5c) index++; // backslash: skip the escaped character
			else if (code === 0x22) inString = false;
		} else if (code === 0x22) inString = true;
		else if (code === 0x7b || code === 0x5b) {
			if (++depth > MAX_NESTING_DEPTH) throw invalidPayload(`the body nests deeper than ${MAX_NESTING_DEPTH} levels`);
		} else if (code === 0x7d || code === 0x5d) depth--;
	}
}

/** Parses a raw request body (the exact bytes Meta sent, or their text). */
export function parseWebhookBody(rawBody: Buffer | string): ParsedWebhook {
	const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
	assertNestingDepth(text);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch (error) {
		// The parser's own message can quote the body (customer data); only the position is kept.
		const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
		throw invalidPayload(
			text.trim() === ''
				? 'the body is empty'
				: `the body is not valid JSON${position === undefined ? '' : ` (at position ${position})`}`,
			error,
		);
	}
	return parseWebhook(body);
}

/** Parses an already-decoded JSON body. Throws WebhookError PAYLOAD_INVALID (400) naming the bad path. */
export function parseWebhook(body: unknown): ParsedWebhook {
	const envelope = envelopeSchema.safeParse(body);
	if (!envelope.success) throw payloadErrorFromZod(envelope.error, body);

	const parsed: ParsedWebhook = { messages: [], statuses: [], errors: [], accountEvents: [] };
	envelope.data.entry.forEach((entry, entryIndex) => {
		entry.changes.forEach((change, changeIndex) => {
			if (change.field !== MESSAGES_FIELD) {
				parsed.accountEvents.push(...toAccountEvents(change.field, change.value, entry));
				return;
			}
			const valuePath = ['entry', entryIndex, 'changes', changeIndex, 'value'];
			const value = messagesValueSchema.safeParse(change.value);
			if (!value.success) throw payloadErrorFromZod(value.error, change.value, valuePath);
			collectChange(value.data, entry.id, valuePath, parsed);
		});
	});
	return parsed;
}

function collectChange(
	value: MessagesValuePayload,
	businessAccountId: string,
	valuePath: ReadonlyArray<string | number>,
	parsed: ParsedWebhook,
): void {
	const endpoint: BusinessEndpoint = {
		businessAccountId,
		phoneNumberId: value.metadata.phone_number_id,
		displayPhoneNumber: value.metadata.display_phone_number ?? null,
	};
	value.messages?.forEach((message, index) => {
		const path = [...valuePath, 'messages', index];
		parsed.messages.push(normalizeMessage(message, endpoint, value.contacts, path));
	});
	value.statuses?.forEach((status) => parsed.statuses.push(normalizeStatus(status, endpoint)));
	if (value.errors !== undefined && value.errors.length > 0) {
		parsed.errors.push({ ...endpoint, errors: toMetaErrors(value.errors) });
	}
}
