/**
 * Webhook side of the simulator: builds Meta-format `messages` notifications (inbound messages and
 * statuses, as in the shared samples), serialises them the way Meta signs them (non-ASCII escaped as
 * \uXXXX), signs the exact bytes with X-Hub-Signature-256 and POSTs them to the configured target.
 */
import { createHmac } from 'node:crypto';
import type { SimPhoneNumber } from './seed';
import type { JsonRecord } from './validate';

export type TimestampFormat = 'string' | 'number';

export interface WebhookTarget {
	/** Where notifications are POSTed; nothing is delivered while unset. */
	url?: string;
	/** The Meta app secret used for X-Hub-Signature-256. */
	appSecret: string;
	/** Unix seconds as strings (Meta's documented form) or numbers (seen in some deliveries). */
	timestampFormat: TimestampFormat;
	/** Escape non-ASCII as \uXXXX before signing, as Meta does (default true). */
	escapeNonAscii: boolean;
	/** Also escape "/" as "\/" (PHP-style JSON); off by default. */
	escapeSlashes: boolean;
}

export interface WebhookDelivery {
	kind: 'inbound' | 'status' | 'account' | 'raw';
	payload: unknown;
	/** The exact bytes POSTed and signed. */
	rawBody: Buffer;
	signature: string;
	/** HTTP status the target answered; null when it could not be reached. */
	status: number | null;
	responseBody: string;
	error: string | null;
	/** Simulator clock time of the delivery. */
	at: number;
	/** 1 for the first delivery of these bytes, 2+ for redeliveries. */
	attempt: number;
}

/** JSON as Meta sends it: every UTF-16 unit above 0x7F written as a lower-case \uXXXX escape. */
export function serializeLikeMeta(payload: unknown, options: { escapeNonAscii: boolean; escapeSlashes: boolean }): string {
	let json = JSON.stringify(payload);
	if (options.escapeNonAscii) {
		json = json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
	}
	if (options.escapeSlashes) json = json.replace(/\//g, '\\/');
	return json;
}

export function signPayload(rawBody: Buffer, appSecret: string): string {
	return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function formatTimestamp(ms: number, format: TimestampFormat): string | number {
	const seconds = Math.floor(ms / 1000);
	return format === 'number' ? seconds : String(seconds);
}

/** An account-level notification (every field but `messages`): the account's entry with Meta's trigger time. */
export function accountNotification(businessAccountId: string, field: string, value: JsonRecord, at: number): JsonRecord {
	return {
		object: 'whatsapp_business_account',
		entry: [{ id: businessAccountId, time: Math.floor(at / 1000), changes: [{ value, field }] }],
	};
}

/** The envelope every `messages` field notification shares. */
export function messagesNotification(businessAccountId: string, phone: SimPhoneNumber, value: JsonRecord): JsonRecord {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: businessAccountId,
				changes: [
					{
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: phone.display_phone_number, phone_number_id: phone.id },
							...value,
						},
						field: 'messages',
					},
				],
			},
		],
	};
}

export async function postWebhook(
	target: WebhookTarget,
	kind: WebhookDelivery['kind'],
	payload: unknown,
	at: number,
	options: { rawBody?: Buffer; signature?: string; attempt?: number } = {},
): Promise<WebhookDelivery> {
	const rawBody = options.rawBody ?? Buffer.from(serializeLikeMeta(payload, target), 'utf8');
	const signature = options.signature ?? signPayload(rawBody, target.appSecret);
	const delivery: WebhookDelivery = {
		kind,
		payload,
		rawBody,
		signature,
		status: null,
		responseBody: '',
		error: null,
		at,
		attempt: options.attempt ?? 1,
	};
	if (target.url === undefined) {
		delivery.error = 'no webhook target configured';
		return delivery;
	}
	try {
		const response = await fetch(target.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-hub-signature-256': signature,
				'user-agent': 'facebookexternalua',
			},
			body: rawBody,
			signal: AbortSignal.timeout(10_000),
		});
		delivery.status = response.status;
		delivery.responseBody = await response.text();
	} catch (error) {
		delivery.error = error instanceof Error ? error.message : String(error);
	}
	return delivery;
}
