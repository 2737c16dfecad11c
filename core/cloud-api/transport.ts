/**
 * The HTTP seam of the Cloud API client. n8n nodes pass an adapter over n8n's own request helper (so the
 * instance's proxy and TLS settings apply); plain Node uses `fetchTransport`. A transport never throws
 * for an HTTP status: every answer, 4xx/5xx included, comes back as a response for the client to map.
 */

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	url: string;
	headers: Record<string, string>;
	body?: string | Buffer;
	/** 'json': parse the body as JSON (falling back to the raw text); 'buffer': return the bytes. */
	responseType: 'json' | 'buffer';
	/** Upper bound for a 'buffer' body; the transport should stop reading beyond it. */
	maxResponseBytes?: number;
	timeoutMs?: number;
}

export interface HttpResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string>;
	/** Parsed JSON (or text when not JSON) for 'json', a Buffer for 'buffer'. */
	body: unknown;
}

export interface HttpTransport {
	request(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * Why a request produced no HTTP response. `connect` means the request never reached the server, so
 * even a message send can be repeated safely; after `request` or `timeout` it may have been processed.
 */
export type TransportFailurePhase = 'connect' | 'request' | 'timeout';

export class TransportError extends Error {
	readonly phase: TransportFailurePhase;

	constructor(message: string, phase: TransportFailurePhase, cause?: unknown) {
		super(message, cause === undefined ? undefined : { cause });
		this.name = 'TransportError';
		this.phase = phase;
	}
}

/** The body was larger than `maxResponseBytes`; reading stopped there. */
export class ResponseTooLargeError extends Error {
	readonly limitBytes: number;

	constructor(limitBytes: number) {
		super(`The response is larger than ${limitBytes} bytes.`);
		this.name = 'ResponseTooLargeError';
		this.limitBytes = limitBytes;
	}
}

/** Socket-level codes raised before any byte of the request left this machine. */
const CONNECT_PHASE_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'UND_ERR_CONNECT_TIMEOUT',
]);

interface ErrorLike {
	name?: unknown;
	message?: unknown;
	code?: unknown;
	cause?: unknown;
}

// Duck-typed on purpose: errors raised by Node internals may come from another realm (jest's vm
// sandbox, n8n's task runner), where `instanceof Error` is false.
function asErrorLike(value: unknown): ErrorLike | undefined {
	return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

function errorCode(error: unknown): string | undefined {
	let current = asErrorLike(error);
	for (let depth = 0; current !== undefined && depth < 4; depth++) {
		if (typeof current.code === 'string') return current.code;
		current = asErrorLike(current.cause);
	}
	return undefined;
}

/** Classifies a low-level failure (fetch, node:http or an n8n helper error) into a TransportError. */
export function toTransportError(error: unknown): TransportError {
	if (error instanceof TransportError) return error;
	const errorLike = asErrorLike(error);
	const name = typeof errorLike?.name === 'string' ? errorLike.name : '';
	const code = errorCode(error);
	if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
		return new TransportError('The request timed out.', 'timeout', error);
	}
	const phase: TransportFailurePhase = code !== undefined && CONNECT_PHASE_CODES.has(code) ? 'connect' : 'request';
	const detail = code ?? (typeof errorLike?.message === 'string' ? errorLike.message : String(error));
	return new TransportError(`The connection failed (${detail}).`, phase, error);
}

async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
	const declared = Number(response.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > maxBytes) {
		await response.body?.cancel();
		throw new ResponseTooLargeError(maxBytes);
	}
	if (response.body === null) return Buffer.alloc(0);
	const chunks: Buffer[] = [];
	let total = 0;
	const reader = response.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > maxBytes) {
			await reader.cancel();
			throw new ResponseTooLargeError(maxBytes);
		}
		chunks.push(Buffer.from(value));
	}
	return Buffer.concat(chunks, total);
}

function parseJsonOrText(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/**
 * The default transport: Node's global fetch. Redirects are not followed, so the Authorization (or
 * D360-API-KEY) header never goes to another host: a 3xx comes back as an answer for the client to map.
 */
export const fetchTransport: HttpTransport = {
	async request(request) {
		let response: Response;
		try {
			response = await fetch(request.url, {
				method: request.method,
				headers: request.headers,
				body: request.body,
				redirect: 'manual',
				signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
			});
		} catch (error) {
			throw toTransportError(error);
		}
		const headers: Record<string, string> = {};
		response.headers.forEach((value, name) => {
			headers[name.toLowerCase()] = value;
		});
		try {
			if (request.responseType === 'buffer') {
				const body = await readLimited(response, request.maxResponseBytes ?? Number.POSITIVE_INFINITY);
				return { status: response.status, headers, body };
			}
			return { status: response.status, headers, body: parseJsonOrText(await response.text()) };
		} catch (error) {
			if (error instanceof ResponseTooLargeError) throw error;
			throw toTransportError(error);
		}
	},
};
