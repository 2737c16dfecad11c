/**
 * Maps every failed Cloud API call to one typed error. Meta's codes become stable strings (`META_131047`)
 * a flow can branch on; the hint tells a no-code user what to change. Text echoed from a response (Meta
 * sometimes repeats the URL, and paging links carry `access_token=`) is scrubbed of the token first.
 */
import { WhatsAppConversationsError } from '../errors';
import { metaErrorEnvelopeSchema, dialog360ErrorSchema } from './schemas';

export type CloudApiErrorCode =
	| `META_${number}`
	| `HTTP_${number}`
	| 'NETWORK_ERROR'
	| 'INVALID_RESPONSE'
	| 'INVALID_REQUEST'
	| 'MEDIA_TOO_LARGE'
	| 'MEDIA_URL_UNTRUSTED'
	| 'CONFIG_INVALID'
	| 'UNSUPPORTED_BY_PROVIDER';

export interface CloudApiErrorOptions {
	code: CloudApiErrorCode;
	message: string;
	hint: string;
	retryable: boolean;
	metaCode?: number | null;
	subcode?: number | null;
	errorType?: string | null;
	httpStatus?: number | null;
	fbtraceId?: string | null;
	details?: string | null;
	/** Server-requested wait before a retry (Retry-After), when it sent one. */
	retryAfterMs?: number | null;
	cause?: unknown;
}

export class CloudApiError extends WhatsAppConversationsError {
	readonly code: CloudApiErrorCode;
	/** Meta's numeric error code, when the answer carried one. */
	readonly metaCode: number | null;
	readonly subcode: number | null;
	/** Meta's error `type` (OAuthException, ...). */
	readonly errorType: string | null;
	readonly httpStatus: number | null;
	/** Quote this id to Meta support; it identifies the failed request on their side. */
	readonly fbtraceId: string | null;
	/** error_data.details: Meta's own explanation, often the most specific part. */
	readonly details: string | null;
	readonly retryAfterMs: number | null;

	constructor(options: CloudApiErrorOptions) {
		super(options.message, { hint: options.hint, retryable: options.retryable, cause: options.cause });
		this.code = options.code;
		this.metaCode = options.metaCode ?? null;
		this.subcode = options.subcode ?? null;
		this.errorType = options.errorType ?? null;
		this.httpStatus = options.httpStatus ?? null;
		this.fbtraceId = options.fbtraceId ?? null;
		this.details = options.details ?? null;
		this.retryAfterMs = options.retryAfterMs ?? null;
	}
}

/** Meta's codes whose documented fix is "wait and try again". */
export const RETRYABLE_META_CODES: ReadonlySet<number> = new Set([130429, 131056, 131000, 1, 2, 4, 80007]);

const GENERIC_HINT = 'Look the code up in Meta\'s WhatsApp Cloud API error-code list; the details above say what Meta objected to.';

/** One sentence each, for the codes no-code users actually meet. */
const HINTS: Record<number, string> = {
	0: 'Meta could not authenticate the token: create a new access token and update the WhatsApp credential.',
	1: 'Meta had an unknown error; it is retried automatically. If it persists, check the WhatsApp Business Platform status page.',
	2: 'Meta\'s service is temporarily unavailable; it is retried automatically.',
	3: 'The app lacks a capability for this call: check the app\'s WhatsApp product setup and the token\'s permissions.',
	4: 'The app made too many API calls; it is retried automatically. Spread the calls out if this keeps happening.',
	10: 'The token lacks a permission: give it whatsapp_business_messaging and whatsapp_business_management.',
	33: 'The phone number id no longer exists: check the Phone number ID in the credential.',
	100: 'Meta rejected a field of the request (see the details): check the values mapped into this node.',
	190: 'The access token is expired or invalid: create a new one (a System User token does not expire) and update the WhatsApp credential.',
	200: 'The token lacks a permission: give it whatsapp_business_messaging and whatsapp_business_management.',
	368: 'Meta restricted this WhatsApp account for a policy violation: check Business Support Home in Meta Business Suite.',
	80007: 'The WhatsApp Business Account hit its API rate limit; it is retried automatically. Spread the calls out.',
	130429: 'This number sends more messages per second than Meta allows; it is retried automatically. Lower the send rate if it persists.',
	130472: 'Meta held this message back because the recipient is part of a Meta experiment; nothing to fix.',
	131000: 'Something went wrong on Meta\'s side; it is retried automatically.',
	131005: 'Access denied: check that the token belongs to the WhatsApp Business Account of this number.',
	131008: 'A required field is missing (see the details): fill it in the node.',
	131009: 'A value is not allowed (see the details): check the values mapped into this node.',
	131021: 'The recipient is the sending number itself: send to a different number.',
	131026: 'WhatsApp could not deliver to this recipient: check the number is on WhatsApp and that the person uses an up-to-date app and accepted the latest terms.',
	131031: 'Meta locked this WhatsApp account (policy or verification issue): check Business Support Home in Meta Business Suite.',
	131042: 'There is a payment problem on the WhatsApp Business Account: check its payment method in Meta Business Suite.',
	131047: 'The customer has not written in the last 24 hours, so only an approved template can be sent: use WhatsApp Send Template.',
	131048: 'Too many of this number\'s messages were blocked or reported as spam: slow down and check the quality rating in WhatsApp Manager.',
	131049: 'Meta did not deliver this marketing message to protect the user from too many messages: try again later or send a utility template.',
	131050: 'The recipient stopped marketing messages from your business: do not send them marketing templates.',
	131051: 'This message type is not supported: send text, media, interactive or a template.',
	131052: 'Meta could not download the media: check that the link is public and points to the file itself.',
	131053: 'Meta could not process the media: check its type and size against WhatsApp\'s limits.',
	131056: 'Too many messages to this one recipient in a short time; it is retried automatically. Leave a few seconds between messages to the same person.',
	131062: 'This message cannot go to a business-scoped user ID (authentication templates need a phone number): send it to the customer\'s phone number.',
	132000: 'The number of variables does not match the template\'s placeholders: map exactly one value per placeholder.',
	132001: 'The template does not exist in this language or is not approved: check its name and language in WhatsApp Manager.',
	132005: 'The text after filling the variables is too long: shorten the values mapped into the template.',
	132007: 'The template content breaks a WhatsApp policy: edit the template in WhatsApp Manager.',
	132012: 'A variable has the wrong format for this template (for example text where the header expects an image): match the template\'s header type.',
	132015: 'The template is paused because of low quality: edit it in WhatsApp Manager or use another one.',
	132016: 'The template was disabled because of low quality: create a new template.',
	133010: 'The phone number is not registered on the Cloud API: register it in WhatsApp Manager.',
};

/** Replaces the secrets, and any access_token query parameter, in text that came back from a server. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
	let scrubbed = text.replace(/access_token=[^&\s"'<>]+/gi, 'access_token=[redacted]');
	for (const secret of secrets) {
		if (secret.length >= 4) scrubbed = scrubbed.split(secret).join('[redacted]');
	}
	return scrubbed;
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
	if (value === undefined || value.trim() === '') return null;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export interface FailedResponse {
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

function bodyAsJson(body: unknown): unknown {
	if (!Buffer.isBuffer(body) && typeof body !== 'string') return body;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Meta prefixes messages with "(#131047) "; the code is shown separately, so drop it. */
function stripCodePrefix(message: string): string {
	return message.replace(/^\(#\d+\)\s*/, '');
}

/** Turns a non-2xx answer into a CloudApiError. */
export function errorFromResponse(response: FailedResponse, secrets: readonly string[], nowMs: number): CloudApiError {
	const scrub = (text: string): string => scrubSecrets(text, secrets);
	const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
	const body = bodyAsJson(response.body);

	const meta = metaErrorEnvelopeSchema.safeParse(body);
	if (meta.success) {
		const error = meta.data.error;
		const metaCode = error.code;
		const title = scrub(stripCodePrefix(error.message ?? error.error_user_title ?? 'Unknown error'));
		const details = error.error_data?.details ?? error.error_user_msg;
		const scrubbedDetails = details === undefined ? null : scrub(details);
		return new CloudApiError({
			code: `META_${metaCode}`,
			message: `WhatsApp API error ${metaCode}: ${title}${scrubbedDetails ? ` (${scrubbedDetails})` : ''}`,
			hint: HINTS[metaCode] ?? (response.status >= 500 ? HINTS[131000] : GENERIC_HINT),
			retryable: RETRYABLE_META_CODES.has(metaCode),
			metaCode,
			subcode: error.error_subcode ?? null,
			errorType: error.type ?? null,
			httpStatus: response.status,
			fbtraceId: error.fbtrace_id ?? null,
			details: scrubbedDetails,
			retryAfterMs,
		});
	}

	// 360dialog answers its own failures (a bad API key, ...) in a `meta` envelope instead of Meta's.
	const dialog = dialog360ErrorSchema.safeParse(body);
	const serverText = dialog.success
		? dialog.data.meta.developer_message
		: typeof body === 'string'
			? body.slice(0, 300)
			: undefined;
	const text = serverText ? `: ${scrub(serverText)}` : '';
	const status = response.status;
	const unauthorized = status === 401 || status === 403;
	return new CloudApiError({
		code: `HTTP_${status}`,
		message: `The WhatsApp API answered HTTP ${status}${text}`,
		hint: unauthorized
			? 'The API rejected the credentials: check the access token (or 360dialog API key) in the WhatsApp credential.'
			: status === 429 || status >= 500
				? 'The API is overloaded or unavailable; it is retried automatically.'
				: GENERIC_HINT,
		retryable: status === 429 || status >= 500,
		httpStatus: status,
		details: serverText ? scrub(serverText) : null,
		retryAfterMs,
	});
}
