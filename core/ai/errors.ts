import { WhatsAppConversationsError } from '../errors';

export type AiErrorCode =
	| 'AI_AUTH_FAILED'
	| 'AI_RATE_LIMITED'
	| 'AI_QUOTA_EXCEEDED'
	| 'AI_CONTEXT_TOO_LONG'
	| 'AI_MODEL_NOT_FOUND'
	| 'AI_BAD_REQUEST'
	| 'AI_UNAVAILABLE'
	| 'AI_TIMEOUT'
	| 'AI_BAD_RESPONSE'
	| 'AI_EMPTY_REPLY'
	| 'AI_CONFIG_INVALID'
	| 'AI_INPUT_INVALID';

/** Codes where trying again later can succeed; the client retries exactly these. */
const RETRYABLE: ReadonlySet<AiErrorCode> = new Set(['AI_RATE_LIMITED', 'AI_UNAVAILABLE', 'AI_TIMEOUT']);

/** The model server refused or failed a request; the message never contains the API key. */
export class AiError extends WhatsAppConversationsError {
	readonly code: AiErrorCode;
	/** The server's HTTP status, when it answered. */
	readonly httpStatus: number | null;
	/** How long the server asked us to wait before the next try (Retry-After), in ms. */
	readonly retryAfterMs: number | null;

	constructor(
		code: AiErrorCode,
		message: string,
		hint: string,
		options: { httpStatus?: number | null; retryAfterMs?: number | null; cause?: unknown } = {},
	) {
		super(message, { hint, retryable: RETRYABLE.has(code), cause: options.cause });
		this.code = code;
		this.httpStatus = options.httpStatus ?? null;
		this.retryAfterMs = options.retryAfterMs ?? null;
	}
}
