/**
 * The one path every Cloud API call takes: (sends only) wait for the number's send slot → request →
 * map a failure to CloudApiError → retry the retryable ones → validate the answer with zod. The access
 * token is scrubbed from every message built here. A message send is repeated only when Meta throttled
 * it or the connection was never made; any failure that may have let it through is reported with
 * `mayHaveBeenSent` instead, so our retries never deliver a message twice.
 */
import type { z } from 'zod/v4';
import { authHeaders, type ResolvedCloudApiConfig } from './config';
import { CloudApiError, errorFromResponse, MAY_HAVE_BEEN_SENT_HINT, scrubSecrets } from './errors';
import { withRetry } from './retry';
import { waitForSendSlot } from './throttle';
import { ResponseTooLargeError, toTransportError, type HttpMethod, type HttpResponse } from './transport';

export interface CallSpec {
	method: HttpMethod;
	url: string;
	query?: Record<string, string | number | undefined>;
	body?: { contentType: string; data: string | Buffer };
	responseType: 'json' | 'buffer';
	maxResponseBytes?: number;
	/** Message sends are paced per number and never repeated when they may already have been processed. */
	isSend?: boolean;
}

export function jsonBody(value: unknown): { contentType: string; data: string } {
	return { contentType: 'application/json', data: JSON.stringify(value) };
}

/** multipart/form-data for POST /{phone-number-id}/media: messaging_product, type, file. */
export function multipartBody(boundary: string, data: Buffer, mimeType: string, filename: string): Buffer {
	const safeName = filename.replace(/["\r\n]/g, '_');
	const field = (name: string, value: string): string =>
		`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	return Buffer.concat([
		Buffer.from(field('messaging_product', 'whatsapp') + field('type', mimeType)),
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${mimeType}\r\n\r\n`),
		data,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	]);
}

export function mediaTooLarge(size: number | null, limit: number): CloudApiError {
	return new CloudApiError({
		code: 'MEDIA_TOO_LARGE',
		message:
			size === null
				? `The media is larger than the ${limit}-byte limit.`
				: `The media has ${size} bytes, more than the ${limit}-byte limit.`,
		hint: 'Raise the maximum media size of the node, or skip downloading this media.',
		retryable: false,
	});
}

export async function executeCall(config: ResolvedCloudApiConfig, throttleKey: string, spec: CallSpec): Promise<HttpResponse> {
	const url = new URL(spec.url);
	for (const [name, value] of Object.entries(spec.query ?? {})) {
		if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
	}
	const headers: Record<string, string> = {
		...authHeaders(config),
		accept: spec.responseType === 'json' ? 'application/json' : '*/*',
	};
	if (spec.body) headers['content-type'] = spec.body.contentType;
	const isSend = spec.isSend === true;

	return withRetry(
		async () => {
			if (isSend) {
				await waitForSendSlot(config.throttleRegistry, throttleKey, config.maxMessagesPerSecond, config.now, config.sleep);
			}
			let response: HttpResponse;
			try {
				response = await config.transport.request({
					method: spec.method,
					url: url.toString(),
					headers,
					body: spec.body?.data,
					responseType: spec.responseType,
					maxResponseBytes: spec.maxResponseBytes,
					timeoutMs: config.timeoutMs,
				});
			} catch (error) {
				if (error instanceof ResponseTooLargeError) throw mediaTooLarge(null, error.limitBytes);
				const failure = toTransportError(error);
				// Only a connection that was never made proves a send did not leave this machine.
				const mayHaveBeenSent = isSend && failure.phase !== 'connect';
				throw new CloudApiError({
					code: 'NETWORK_ERROR',
					message: scrubSecrets(`Could not reach the WhatsApp API at ${url.host}: ${failure.message}`, [config.accessToken]),
					hint: mayHaveBeenSent
						? `${MAY_HAVE_BEEN_SENT_HINT} If this keeps happening, check n8n's connection to the API.`
						: 'Check the internet connection and proxy settings of n8n, and the API base URL in the credential.',
					retryable: !mayHaveBeenSent,
					mayHaveBeenSent,
				});
			}
			if (response.status < 200 || response.status >= 300) {
				throw errorFromResponse(response, [config.accessToken], config.now(), { isSend, url: url.toString() });
			}
			return response;
		},
		{ ...config.retry, sleep: config.sleep, random: config.random },
	);
}

/**
 * Validates an answer; a shape mismatch usually means the base URL or version points elsewhere. The
 * answer was a success, so a send (`isSend`) may have gone out all the same.
 */
export function parseResponse<S extends z.ZodType>(
	schema: S,
	response: HttpResponse,
	what: string,
	secrets: readonly string[],
	isSend = false,
): z.output<S> {
	const result = schema.safeParse(response.body);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
	const hint = 'Check the API base URL and version in the credential; they must point at the WhatsApp Cloud API.';
	throw new CloudApiError({
		code: 'INVALID_RESPONSE',
		message: scrubSecrets(`The answer to "${what}" has an unexpected shape${where}: ${issue?.message ?? 'invalid'}.`, secrets),
		hint: isSend ? `${MAY_HAVE_BEEN_SENT_HINT} ${hint}` : hint,
		retryable: false,
		mayHaveBeenSent: isSend,
		httpStatus: response.status,
	});
}
