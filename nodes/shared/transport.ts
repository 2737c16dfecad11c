import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import {
	ResponseTooLargeError,
	toTransportError,
	type HttpRequest,
	type HttpResponse,
	type HttpTransport,
	type RawHttpRequester,
} from '../../core';

type HttpRequestHelper = (options: IHttpRequestOptions) => Promise<unknown>;

function lowerCaseHeaders(headers: IDataObject | undefined): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (value !== undefined && value !== null) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}

/**
 * The Cloud API client's HTTP seam over n8n's own request helper, so the instance's proxy, TLS and
 * timeout settings apply to every call a node makes. Redirects are not followed (n8n would follow them
 * with the Authorization or D360-API-KEY header, even to another host): a 3xx comes back as an answer.
 */
export function n8nTransport(httpRequest: HttpRequestHelper): HttpTransport {
	return {
		async request(request: HttpRequest): Promise<HttpResponse> {
			let response: IN8nHttpFullResponse;
			try {
				response = (await httpRequest({
					method: request.method,
					url: request.url,
					headers: request.headers,
					body: request.body,
					json: false,
					encoding: 'arraybuffer',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					timeout: request.timeoutMs,
				})) as IN8nHttpFullResponse;
			} catch (error) {
				throw toTransportError(error);
			}
			const raw = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body as ArrayBuffer);
			if (request.maxResponseBytes !== undefined && raw.length > request.maxResponseBytes) {
				throw new ResponseTooLargeError(request.maxResponseBytes);
			}
			let body: unknown = raw;
			if (request.responseType === 'json') {
				const textBody = raw.toString('utf8');
				try {
					body = textBody === '' ? null : JSON.parse(textBody);
				} catch {
					body = textBody;
				}
			}
			return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body };
		},
	};
}

const METHODS: readonly IHttpRequestMethods[] = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];

/**
 * The AI client's seam: bytes in, bytes out over n8n's request helper, so model calls use the
 * instance's proxy and TLS settings. Every status comes back as a response; the SDK maps them to errors.
 */
export function n8nRequester(httpRequest: HttpRequestHelper, timeoutMs: number): RawHttpRequester {
	return async (request) => {
		const method = METHODS.find((candidate) => candidate === request.method.toUpperCase()) ?? 'POST';
		const response = (await httpRequest({
			method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: request.signal,
			timeout: timeoutMs,
		})) as IN8nHttpFullResponse;
		const body = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body as ArrayBuffer);
		return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body };
	};
}
