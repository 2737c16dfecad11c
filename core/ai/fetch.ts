/**
 * A `fetch` the openai SDK can use on top of any "send these bytes, give me the bytes back" function.
 * n8n nodes pass n8n's own request helper, so the instance's proxy and TLS settings apply to model
 * calls just as they do to the Cloud API; plain Node keeps the global fetch.
 */

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RawHttpRequest {
	method: string;
	url: string;
	/** Header names in lower case. */
	headers: Record<string, string>;
	body?: Buffer;
	signal?: AbortSignal;
}

export interface RawHttpResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

export type RawHttpRequester = (request: RawHttpRequest) => Promise<RawHttpResponse>;

/** Statuses whose response may not carry a body (the Response constructor throws otherwise). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * Wraps a requester as fetch. The body is read through `Request`, so whatever the SDK sends (a JSON
 * string, or FormData for audio uploads, with its multipart boundary) arrives as plain bytes.
 */
export function fetchOverRequester(requester: RawHttpRequester): FetchLike {
	return async (input, init) => {
		const request = new Request(input, init);
		const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
		const headers: Record<string, string> = {};
		request.headers.forEach((value, name) => {
			headers[name.toLowerCase()] = value;
		});
		const response = await requester({
			method: request.method,
			url: request.url,
			headers,
			body,
			signal: init?.signal ?? undefined,
		});
		const responseHeaders = new Headers();
		for (const [name, value] of Object.entries(response.headers)) {
			// A header value fetch's Headers refuses (odd proxies) is not worth failing the call for.
			try {
				responseHeaders.set(name, value);
			} catch {
				continue;
			}
		}
		return new Response(NULL_BODY_STATUSES.has(response.status) ? null : new Uint8Array(response.body), {
			status: response.status,
			headers: responseHeaders,
		});
	};
}

/**
 * Servers that need no key (a local Ollama) would still get "Authorization: Bearer " from the SDK;
 * this drops that empty header so such servers see a plain request.
 */
export function withoutEmptyAuthorization(fetchImpl: FetchLike): FetchLike {
	return (input, init) => {
		const headers = new Headers(init?.headers);
		if ((headers.get('authorization') ?? '').trim().toLowerCase() === 'bearer') headers.delete('authorization');
		return fetchImpl(input, { ...init, headers });
	};
}
