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
	/** A send whose outcome is unknown: Meta may have accepted the message (see CloudApiError). */
	mayHaveBeenSent?: boolean;
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
	/**
	 * True when a message send failed in a way that does not rule out delivery (a timeout, a connection
	 * broken after the request went out, a 5xx, Meta codes 1, 2, 131000): it is never repeated
	 * automatically (`retryable` is false) and should not be sent again before checking the chat.
	 */
	readonly mayHaveBeenSent: boolean;

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
		this.mayHaveBeenSent = options.mayHaveBeenSent ?? false;
	}
}

/**
 * Meta's throttling errors (its error-code reference, "Throttling errors"): the request was refused
 * before anything was processed, so even a message send may be repeated after a pause.
 */
export const THROTTLING_META_CODES: ReadonlySet<number> = new Set([130429, 131056, 80007, 4]);
/**
 * Meta's "unknown error", "service unavailable" and "something went wrong": a read may be repeated,
 * but a message send may already have been accepted, so it is not.
 */
export const TRANSIENT_META_CODES: ReadonlySet<number> = new Set([131000, 1, 2]);
/** Meta's codes whose documented fix is "wait and try again" (for a send, only the throttling ones). */
export const RETRYABLE_META_CODES: ReadonlySet<number> = new Set([...THROTTLING_META_CODES, ...TRANSIENT_META_CODES]);

/** Hint of every send whose outcome is unknown; the cause's own hint follows it. */
export const MAY_HAVE_BEEN_SENT_HINT =
	"The message may have been sent, so it was not sent again automatically: check the chat (or the message's status) before sending it again.";

const GENERIC_HINT = 'Look the code up in Meta\'s WhatsApp Cloud API error-code list; the details above say what Meta objected to.';

/** One sentence each, for the codes no-code users actually meet. */
const HINTS: Record<number, string> = {
	0: 'Meta could not authenticate the token: create a new access token and update the WhatsApp credential.',
	1: 'Meta had an unknown error: if it persists, check the WhatsApp Business Platform status page.',
	2: 'Meta\'s service is temporarily unavailable: if it persists, check the WhatsApp Business Platform status page.',
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
	131000: 'Something went wrong on Meta\'s side: if it persists, check the WhatsApp Business Platform status page.',
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

/** The one-sentence fix for a Meta error code; null for codes without their own hint. */
export function metaErrorHint(code: number): string | null {
	return HINTS[code] ?? null;
}

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

/**
 * How a failed answer bears on a message send: throttling (429, Meta's throttling codes) is a refusal
 * before anything was processed, and any other 4xx is Meta saying no; a redirect, a 5xx or Meta's
 * unknown-error codes do not tell whether the message was accepted.
 */
function sendOutcome(status: number, metaCode: number | null): 'throttled' | 'refused' | 'unknown' {
	if (status === 429 || (metaCode !== null && THROTTLING_META_CODES.has(metaCode))) return 'throttled';
	if (status < 400 || status >= 500 || (metaCode !== null && TRANSIENT_META_CODES.has(metaCode))) return 'unknown';
	return 'refused';
}

function redirectTarget(location: string | undefined, requestUrl: string | undefined): string {
	if (location === undefined) return '';
	try {
		return ` to ${new URL(location, requestUrl).host}`;
	} catch {
		return '';
	}
}

/**
 * Turns a non-2xx answer into a CloudApiError. For a message send (`isSend`), only throttling is
 * retryable, and an answer that does not rule out delivery sets `mayHaveBeenSent`.
 */
export function errorFromResponse(
	response: FailedResponse,
	secrets: readonly string[],
	nowMs: number,
	request: { isSend?: boolean; url?: string } = {},
): CloudApiError {
	const scrub = (text: string): string => scrubSecrets(text, secrets);
	const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
	const body = bodyAsJson(response.body);
	const status = response.status;
	const meta = metaErrorEnvelopeSchema.safeParse(body);
	const outcome = sendOutcome(status, meta.success ? meta.data.error.code : null);
	const isSend = request.isSend === true;
	const mayHaveBeenSent = isSend && outcome === 'unknown';
	const withSendHint = (hint: string): string => (mayHaveBeenSent ? `${MAY_HAVE_BEEN_SENT_HINT} ${hint}` : hint);

	if (meta.success) {
		const error = meta.data.error;
		const metaCode = error.code;
		const title = scrub(stripCodePrefix(error.message ?? error.error_user_title ?? 'Unknown error'));
		const details = error.error_data?.details ?? error.error_user_msg;
		const scrubbedDetails = details === undefined ? null : scrub(details);
		return new CloudApiError({
			code: `META_${metaCode}`,
			message: `WhatsApp API error ${metaCode}: ${title}${scrubbedDetails ? ` (${scrubbedDetails})` : ''}`,
			hint: withSendHint(HINTS[metaCode] ?? (status >= 500 ? HINTS[131000] : GENERIC_HINT)),
			retryable: isSend ? outcome === 'throttled' : RETRYABLE_META_CODES.has(metaCode),
			mayHaveBeenSent,
			metaCode,
			subcode: error.error_subcode ?? null,
			errorType: error.type ?? null,
			httpStatus: status,
			fbtraceId: error.fbtrace_id ?? null,
			details: scrubbedDetails,
			retryAfterMs,
		});
	}

	if (status >= 300 && status < 400) {
		return new CloudApiError({
			code: `HTTP_${status}`,
			message: `The WhatsApp API answered HTTP ${status}, a redirect${redirectTarget(response.headers.location, request.url)}. Redirects are not followed, so the credentials never go to another host.`,
			hint: withSendHint("Check the API base URL in the credential: it must be the API's own address, not one that redirects."),
			retryable: false,
			mayHaveBeenSent,
			httpStatus: status,
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
	const unauthorized = status === 401 || status === 403;
	return new CloudApiError({
		code: `HTTP_${status}`,
		message: `The WhatsApp API answered HTTP ${status}${text}`,
		hint: withSendHint(
			unauthorized
				? 'The API rejected the credentials: check the access token (or 360dialog API key) in the WhatsApp credential.'
				: status === 429
					? 'The API limits the rate of calls; they are retried automatically. Spread the calls out if this keeps happening.'
					: status >= 500
						? "The API is overloaded or unavailable: if it persists, check the provider's status page."
						: GENERIC_HINT,
		),
		retryable: isSend ? outcome === 'throttled' : status === 429 || status >= 500,
		mayHaveBeenSent,
		httpStatus: status,
		details: serverText ? scrub(serverText) : null,
		retryAfterMs,
	});
}
