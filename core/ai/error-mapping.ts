import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

import { AiError } from './errors';

/** Keys OpenAI-style servers echo back in messages ("Incorrect API key provided: sk-ab***yz"). */
const KEY_PATTERN = /\b(sk|rk|pk)-[A-Za-z0-9_*.-]{6,}/g;

/** Removes the API key, and anything shaped like one, from a message meant for people. */
export function scrubKey(text: string, apiKey: string): string {
	let scrubbed = text;
	if (apiKey.length >= 4) scrubbed = scrubbed.split(apiKey).join('[redacted]');
	return scrubbed.replace(KEY_PATTERN, '[redacted]');
}

/** Retry-After in ms from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | null {
	const millis = Number(headers?.get('retry-after-ms') ?? Number.NaN);
	if (Number.isFinite(millis) && millis >= 0) return millis;
	const value = headers?.get('retry-after');
	if (value === null || value === undefined || value.trim() === '') return null;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const CONTEXT_TOO_LONG = /context[_ ]length|maximum context|context window|too many tokens|reduce the length|prompt is too long/i;

function serverMessage(error: APIError): string {
	const body = error.error as { message?: unknown } | undefined;
	const text = typeof body?.message === 'string' ? body.message : error.message;
	return text.replace(/^\d{3}\s+/, '').trim();
}

function fromStatus(error: APIError, status: number, apiKey: string): AiError {
	const detail = scrubKey(serverMessage(error), apiKey);
	const options = { httpStatus: status, cause: error };
	const code = typeof error.code === 'string' ? error.code : '';
	if (status === 401 || status === 403) {
		return new AiError(
			'AI_AUTH_FAILED',
			`The model server refused the credentials (${status}): ${detail}`,
			'Check the API key (and organization) in the OpenAI-Compatible API credential, and that the key may use this model.',
			options,
		);
	}
	if (status === 429) {
		if (code === 'insufficient_quota') {
			return new AiError(
				'AI_QUOTA_EXCEEDED',
				`The model account has no quota left: ${detail}`,
				"Add credit or raise the spending limit in the model provider's billing settings.",
				options,
			);
		}
		return new AiError('AI_RATE_LIMITED', `The model server is rate limiting requests: ${detail}`, 'Wait a moment and run again, or lower how often the workflow calls the model.', {
			...options,
			retryAfterMs: retryAfterMs(error.headers),
		});
	}
	if (code === 'context_length_exceeded' || ((status === 400 || status === 413 || status === 422) && CONTEXT_TOO_LONG.test(detail))) {
		return new AiError(
			'AI_CONTEXT_TOO_LONG',
			`The conversation is too long for the model: ${detail}`,
			'Lower the History Token Budget or Max Tokens option, shorten the instructions, or pick a model with a larger context.',
			options,
		);
	}
	if (status === 404) {
		if (code === 'model_not_found' || /model/i.test(detail)) {
			return new AiError('AI_MODEL_NOT_FOUND', `The model server does not know this model: ${detail}`, 'Check the model name; the server lists its models at /models.', options);
		}
		return new AiError(
			'AI_CONFIG_INVALID',
			`The model server has no such endpoint (404): ${detail}`,
			'Check the Base URL in the credential: it ends before /chat/completions, e.g. https://api.openai.com/v1.',
			options,
		);
	}
	if (status === 408 || status === 409 || status >= 500) {
		return new AiError('AI_UNAVAILABLE', `The model server failed (${status}): ${detail}`, 'The server had a temporary problem; run again in a moment.', options);
	}
	return new AiError('AI_BAD_REQUEST', `The model server rejected the request (${status}): ${detail}`, 'Check the model name and the options (temperature, max tokens) against what this model accepts.', options);
}

/** Turns whatever the SDK threw into an AiError with a stable code and a message free of the key. */
export function toAiError(error: unknown, apiKey: string, baseUrl: string): AiError {
	if (error instanceof AiError) return error;
	if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
		return new AiError('AI_TIMEOUT', 'The model server did not answer in time.', 'Run again; if it keeps happening raise the Timeout option or use a faster model.', {
			cause: error,
		});
	}
	if (error instanceof APIConnectionError) {
		const cause = (error.cause as { code?: unknown; message?: unknown } | undefined) ?? {};
		const reason = typeof cause.code === 'string' ? cause.code : typeof cause.message === 'string' ? cause.message : 'connection error';
		return new AiError(
			'AI_UNAVAILABLE',
			`Could not reach the model server at ${safeHost(baseUrl)} (${scrubKey(reason, apiKey)}).`,
			'Check the Base URL in the credential and that n8n can reach it (network, proxy).',
			{ cause: error },
		);
	}
	if (error instanceof APIError && typeof error.status === 'number') return fromStatus(error, error.status, apiKey);
	const message = error instanceof Error ? error.message : String(error);
	return new AiError('AI_BAD_RESPONSE', `The model server's answer could not be read: ${scrubKey(message, apiKey)}`, 'Check that the Base URL points at an OpenAI-compatible API (often ending in /v1).', {
		cause: error,
	});
}

function safeHost(baseUrl: string): string {
	try {
		return new URL(baseUrl).host;
	} catch {
		return 'the configured URL';
	}
}
