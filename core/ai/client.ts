import OpenAI from 'openai';

import { toAiError } from './error-mapping';
import { AiError } from './errors';
import { withoutEmptyAuthorization, type FetchLike } from './fetch';
import { DEFAULT_AI_RETRY, withAiRetry, type AiRetryPolicy } from './retry';

export const DEFAULT_AI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_AI_TIMEOUT_MS = 120_000;

/** What the OpenAI-compatible credential gives, plus the knobs tests and nodes inject. */
export interface AiConnectionConfig {
	/** API root ending before /chat/completions, e.g. https://api.openai.com/v1. */
	baseUrl?: string;
	/** Empty for servers that need none (a local Ollama). */
	apiKey?: string;
	organization?: string;
	/** Defaults to the global fetch; n8n nodes pass one over n8n's request helper (proxy settings). */
	fetch?: FetchLike;
	/** One attempt's limit. */
	timeoutMs?: number;
	retry?: Partial<AiRetryPolicy>;
}

/** Azure OpenAI takes its key in an `api-key` header rather than as a bearer token. */
function isAzureHost(host: string): boolean {
	return /\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/i.test(host);
}

function normalizedBaseUrl(raw: string | undefined): URL {
	const value = raw?.trim() || DEFAULT_AI_BASE_URL;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new AiError('AI_CONFIG_INVALID', `The model server Base URL "${value}" is not a valid URL.`, `Use a full URL such as ${DEFAULT_AI_BASE_URL}.`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new AiError('AI_CONFIG_INVALID', `The model server Base URL must use http or https, not ${url.protocol}`, `Use a full URL such as ${DEFAULT_AI_BASE_URL}.`);
	}
	return url;
}

/**
 * One configured OpenAI-compatible server: the SDK instance and how calls to it are retried and
 * their errors named. Every model call of the package goes through `call`.
 */
export class AiConnection {
	readonly baseUrl: string;
	private readonly sdk: OpenAI;
	private readonly apiKey: string;
	private readonly retry: AiRetryPolicy;

	constructor(config: AiConnectionConfig) {
		const url = normalizedBaseUrl(config.baseUrl);
		this.baseUrl = url.toString().replace(/\/+$/, '');
		this.apiKey = config.apiKey?.trim() ?? '';
		this.retry = { ...DEFAULT_AI_RETRY, ...config.retry };
		const organization = config.organization?.trim();
		this.sdk = new OpenAI({
			baseURL: this.baseUrl,
			// Passed explicitly (even empty) so the SDK never falls back to OPENAI_* environment variables.
			apiKey: this.apiKey,
			organization: organization ? organization : null,
			project: null,
			webhookSecret: null,
			defaultHeaders: isAzureHost(url.host) && this.apiKey !== '' ? { 'api-key': this.apiKey } : undefined,
			fetch: withoutEmptyAuthorization(config.fetch ?? ((input, init) => fetch(input, init))),
			timeout: config.timeoutMs ?? DEFAULT_AI_TIMEOUT_MS,
			// Retries are ours (withAiRetry): only retryable errors, and a 429 for exhausted quota is not one.
			maxRetries: 0,
			logLevel: 'off',
		});
	}

	/** Runs one SDK call with the retry policy; failures come out as AiError without the key. */
	call<T>(work: (sdk: OpenAI) => Promise<T>): Promise<T> {
		return withAiRetry(() => work(this.sdk), (error) => toAiError(error, this.apiKey, this.baseUrl), this.retry);
	}
}
