/**
 * Meta's error answers, in the exact shape of the documented samples
 * ({error:{message,type,code,error_subcode?,error_data:{messaging_product,details},fbtrace_id}}).
 * The catalog holds the HTTP status, title and default details per code; a caller may override any.
 */
import { randomBytes } from 'node:crypto';

export interface MetaErrorSpec {
	code: number;
	httpStatus?: number;
	/** Full `message`; defaults to "(#code) Title" as Meta writes it. */
	message?: string;
	type?: string;
	subcode?: number;
	details?: string;
	/** Sent as a Retry-After header (seconds). */
	retryAfterSeconds?: number;
	/** Graph API's error_user_title / error_user_msg (template creation errors carry them). */
	userTitle?: string;
	userMessage?: string;
}

export interface MetaErrorBody {
	error: {
		message: string;
		type: string;
		code: number;
		error_subcode?: number;
		is_transient?: boolean;
		error_user_title?: string;
		error_user_msg?: string;
		error_data?: { messaging_product: 'whatsapp'; details: string };
		fbtrace_id: string;
	};
}

export interface MetaErrorReply {
	httpStatus: number;
	headers: Record<string, string>;
	body: MetaErrorBody;
}

interface CatalogEntry {
	httpStatus: number;
	title: string;
	details?: string;
	subcode?: number;
	/** Graph auth errors carry no error_data and no "(#code)" prefix. */
	bare?: boolean;
}

export const META_ERROR_CATALOG: Readonly<Record<number, CatalogEntry>> = {
	1: { httpStatus: 500, title: 'An unknown error occurred', details: 'Invalid request or possible server error.' },
	2: { httpStatus: 503, title: 'Service temporarily unavailable', details: 'Temporary due to downtime or due to being overloaded.' },
	4: { httpStatus: 400, title: 'Application request limit reached', details: 'The app has reached its API call rate limit.' },
	100: { httpStatus: 400, title: 'Invalid parameter' },
	190: { httpStatus: 401, title: 'Invalid OAuth access token - Cannot parse access token', bare: true },
	368: { httpStatus: 403, title: 'Temporarily blocked for policies violations', details: 'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.' },
	2500: { httpStatus: 400, title: 'Unknown path components', bare: true },
	80007: { httpStatus: 400, title: 'Rate limit issues', details: 'The WhatsApp Business Account has reached its rate limit.' },
	130429: { httpStatus: 400, title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.', subcode: 2494055 },
	// Failures Meta reports later, in a failed status webhook (support/error-codes).
	130472: { httpStatus: 400, title: "User's number is part of an experiment", details: 'Message was not sent as part of an experiment.' },
	131049: { httpStatus: 400, title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
	131050: { httpStatus: 400, title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.', details: 'This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.' },
	131000: { httpStatus: 500, title: 'Something went wrong', details: 'Message failed to send due to an unknown error.' },
	131008: { httpStatus: 400, title: 'Required parameter is missing' },
	131009: { httpStatus: 400, title: 'Parameter value is not valid' },
	131026: { httpStatus: 400, title: 'Message undeliverable', details: 'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted the new Terms of Service; the recipient is using an old WhatsApp version.' },
	131031: { httpStatus: 403, title: 'Account has been locked', details: 'The WhatsApp Business Account is restricted or disabled for violating a platform policy, or the data could not be verified.' },
	131047: { httpStatus: 400, title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
	131051: { httpStatus: 400, title: 'Unsupported message type', details: 'Message type is not currently supported.' },
	131056: { httpStatus: 400, title: '(Business Account, Consumer Account) pair rate limit hit', details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.' },
	131062: { httpStatus: 400, title: 'Business-scoped User ID recipients are not supported for this message', details: 'Authentication templates (one-tap, zero-tap and copy-code) need a phone number recipient.' },
	132000: { httpStatus: 400, title: 'Number of parameters does not match the expected number of params' },
	132001: { httpStatus: 404, title: 'Template does not exist', details: 'The template does not exist in the specified language or the template has not been approved.' },
	132012: { httpStatus: 400, title: 'Parameter format does not match format in the created template' },
	132015: { httpStatus: 400, title: 'Template is Paused', details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
	132016: { httpStatus: 400, title: 'Template is Disabled', details: 'Template has been paused too many times due to low quality and is now permanently disabled.' },
};

export function fbtraceId(): string {
	return `A${randomBytes(16).toString('base64url').slice(0, 22)}`;
}

/** Title of a code as the webhook `errors[].title` and the API message use it. */
export function metaErrorTitle(code: number): string {
	return META_ERROR_CATALOG[code]?.title ?? 'Unknown error';
}

/** The error_data.details Meta gives with the code; the title when the catalog has none. */
export function metaErrorDetails(code: number): string {
	return META_ERROR_CATALOG[code]?.details ?? metaErrorTitle(code);
}

export function metaErrorReply(spec: MetaErrorSpec): MetaErrorReply {
	const entry = META_ERROR_CATALOG[spec.code];
	const title = entry?.title ?? 'Unknown error';
	const message = spec.message ?? (entry?.bare ? title : `(#${spec.code}) ${title}`);
	const details = spec.details ?? entry?.details;
	const body: MetaErrorBody = {
		error: { message, type: spec.type ?? 'OAuthException', code: spec.code, fbtrace_id: fbtraceId() },
	};
	const subcode = spec.subcode ?? entry?.subcode;
	if (subcode !== undefined) body.error.error_subcode = subcode;
	if (spec.userTitle !== undefined || spec.userMessage !== undefined) body.error.is_transient = false;
	if (spec.userTitle !== undefined) body.error.error_user_title = spec.userTitle;
	if (spec.userMessage !== undefined) body.error.error_user_msg = spec.userMessage;
	if (details !== undefined && !entry?.bare) body.error.error_data = { messaging_product: 'whatsapp', details };
	const headers: Record<string, string> = {};
	if (spec.retryAfterSeconds !== undefined) headers['retry-after'] = String(spec.retryAfterSeconds);
	return { httpStatus: spec.httpStatus ?? entry?.httpStatus ?? 400, headers, body };
}

/** Thrown inside route handlers; the server turns it into the Meta error answer. */
export class MetaErrorSignal extends Error {
	readonly spec: MetaErrorSpec;

	constructor(spec: MetaErrorSpec) {
		super(`Meta error ${spec.code}`);
		this.spec = spec;
	}
}

export function fail(code: number, details?: string, extra: Omit<MetaErrorSpec, 'code' | 'details'> = {}): never {
	throw new MetaErrorSignal({ code, details, ...extra });
}
