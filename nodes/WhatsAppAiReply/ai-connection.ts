import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestMethods, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { AiConnection, fetchOverRequester, type RawHttpRequester } from '../../core';

export const AI_CREDENTIAL = 'openAiCompatibleApi';

const METHODS: readonly IHttpRequestMethods[] = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];

function lowerCaseHeaders(headers: IDataObject | undefined): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (value !== undefined && value !== null) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}

/**
 * Bytes in, bytes out over n8n's request helper, so model calls use the instance's proxy and TLS
 * settings. Every status comes back as a response; the SDK maps them to errors.
 */
export function n8nRequester(httpRequest: (options: IHttpRequestOptions) => Promise<unknown>, timeoutMs: number): RawHttpRequester {
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

export interface AiConnectionOptions {
	timeoutMs: number;
	maxRetries: number;
}

/** What is needed of an n8n context: execute, trigger and webhook functions all have it. */
export interface AiCredentialHost {
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
	helpers: { httpRequest(options: IHttpRequestOptions): Promise<unknown> };
}

/**
 * The OpenAI-compatible credential as a connection whose requests go through n8n's helper. The
 * triggers (voice transcription, end-of-conversation extraction) can call it with their own context.
 */
export async function aiConnection(context: AiCredentialHost, options: AiConnectionOptions = { timeoutMs: 120_000, maxRetries: 2 }): Promise<AiConnection> {
	const data = await context.getCredentials(AI_CREDENTIAL);
	const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string).trim() : '');
	return new AiConnection({
		baseUrl: text('baseUrl') || undefined,
		apiKey: text('apiKey'),
		organization: text('organization'),
		timeoutMs: options.timeoutMs,
		retry: { maxRetries: options.maxRetries },
		fetch: fetchOverRequester(n8nRequester((request) => context.helpers.httpRequest(request), options.timeoutMs)),
	});
}
