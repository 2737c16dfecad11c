/**
 * Turns a schema failure into a WebhookError PAYLOAD_INVALID whose message names the exact path
 * (`entry[0].changes[1].value.messages[0].id: expected string, got nothing`). Only types are reported,
 * never the values themselves: a webhook carries customer data that must not leak into logs.
 */
import type { z } from 'zod/v4';
import { WebhookError } from '../errors';

export type PayloadPath = ReadonlyArray<PropertyKey>;

const PAYLOAD_HINT =
	'Only Meta WhatsApp webhooks (object "whatsapp_business_account") can be posted to this URL; check the sender.';

export function invalidPayload(problem: string, cause?: unknown): WebhookError {
	const error = new WebhookError('PAYLOAD_INVALID', `Invalid WhatsApp webhook payload: ${problem}`, PAYLOAD_HINT, 400);
	if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
	return error;
}

export function formatPath(path: PayloadPath): string {
	let text = '';
	for (const segment of path) {
		if (typeof segment === 'number') text += `[${segment}]`;
		else text += text === '' ? String(segment) : `.${String(segment)}`;
	}
	return text === '' ? '(body)' : text;
}

/** Error for the first schema issue; `root` is the value that was parsed, `prefix` its path in the body. */
export function payloadErrorFromZod(error: z.ZodError, root: unknown, prefix: PayloadPath = []): WebhookError {
	const issue = error.issues[0];
	if (issue === undefined) return invalidPayload('the body does not match the webhook format');
	const path = [...prefix, ...issue.path];
	return invalidPayload(`${formatPath(path)}: ${describeIssue(issue, valueAt(root, issue.path))}`, error);
}

function describeIssue(issue: z.core.$ZodIssue, received: unknown): string {
	switch (issue.code) {
		case 'invalid_type':
			return `expected ${issue.expected}, got ${describeValue(received)}`;
		case 'invalid_value':
			return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}, got ${describeValue(received)}`;
		default:
			// Custom messages (timestamps, codes) are written in our own words already.
			return `${issue.message}, got ${typeof received === 'string' && received !== '' ? 'a string in another format' : describeValue(received)}`;
	}
}

function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function valueAt(root: unknown, path: PayloadPath): unknown {
	let current: unknown = root;
	for (const segment of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<PropertyKey, unknown>)[segment];
	}
	return current;
}
