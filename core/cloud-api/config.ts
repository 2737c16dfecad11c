/**
 * Client configuration: what the credential provides plus the knobs tests inject (transport, clock,
 * sleep, randomness, throttle registry). `resolveConfig` fills every default once so the rest of the
 * client reads plain values.
 */
import { CloudApiError } from './errors';
import { processThrottleRegistry, type ThrottleRegistry } from './throttle';
import { fetchTransport, type HttpTransport } from './transport';

export type CloudApiProvider = 'meta' | '360dialog';

/** The newest Graph API version when this was written (released 2026-02-18); the credential can override it. */
export const DEFAULT_API_VERSION = 'v25.0';
export const DEFAULT_META_BASE_URL = 'https://graph.facebook.com';
/** 360dialog's Cloud API proxy; it injects the phone number id itself, so paths carry none. */
export const DEFAULT_360DIALOG_BASE_URL = 'https://waba-v2.360dialog.io';
/** Meta's default per-number throughput. */
export const DEFAULT_MAX_MESSAGES_PER_SECOND = 80;
/** Cloud API accepts media up to 100 MB. */
export const DEFAULT_MAX_MEDIA_BYTES = 100 * 1024 * 1024;
/** Host Meta's media URLs point at; 360dialog serves the same paths on its own host. */
export const META_MEDIA_HOST = 'lookaside.fbsbx.com';

export interface RetryOptions {
	/** Total attempts including the first one. */
	maxAttempts?: number;
	/** First back-off; doubles with every further attempt. */
	baseDelayMs?: number;
	/** Cap for one back-off, Retry-After included. */
	maxDelayMs?: number;
}

export interface CloudApiConfig {
	provider?: CloudApiProvider;
	/** Graph API host (Meta) or the 360dialog host; no trailing path. */
	baseUrl?: string;
	/** Graph API version such as "v25.0"; ignored by 360dialog, whose paths carry none. */
	apiVersion?: string;
	/** Meta: a (System User) access token; 360dialog: the D360 API key. */
	accessToken: string;
	/** Required for Meta sends; 360dialog derives it from the API key. */
	phoneNumberId?: string;
	/** WhatsApp Business Account id, needed to list templates and phone numbers on Meta. */
	businessAccountId?: string;
	maxMessagesPerSecond?: number;
	retry?: RetryOptions;
	maxMediaBytes?: number;
	/** Extra hosts allowed to receive the token when downloading media (besides Meta's and the API host). */
	trustedMediaHosts?: string[];
	timeoutMs?: number;
	transport?: HttpTransport;
	/** Milliseconds since the epoch; injectable so tests control time. */
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	/** Uniform in [0, 1); used for back-off jitter. */
	random?: () => number;
	/** Shared pacing state; defaults to one registry for the whole process. */
	throttleRegistry?: ThrottleRegistry;
}

export interface ResolvedCloudApiConfig {
	provider: CloudApiProvider;
	baseUrl: string;
	apiVersion: string;
	accessToken: string;
	phoneNumberId: string | null;
	businessAccountId: string | null;
	maxMessagesPerSecond: number;
	retry: Required<RetryOptions>;
	maxMediaBytes: number;
	trustedMediaHosts: ReadonlySet<string>;
	timeoutMs: number;
	transport: HttpTransport;
	now: () => number;
	sleep: (ms: number) => Promise<void>;
	random: () => number;
	throttleRegistry: ThrottleRegistry;
}

function configError(message: string, hint: string): CloudApiError {
	return new CloudApiError({ code: 'CONFIG_INVALID', message, hint, retryable: false });
}

function positive(value: number | undefined, fallback: number, name: string): number {
	if (value === undefined) return fallback;
	if (!Number.isFinite(value) || value <= 0) {
		throw configError(`${name} must be a positive number, got ${value}.`, `Set ${name} to a number above 0.`);
	}
	return value;
}

function optionalId(value: string | undefined): string | null {
	const trimmed = value?.trim();
	return trimmed ? trimmed : null;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function resolveConfig(config: CloudApiConfig): ResolvedCloudApiConfig {
	const provider = config.provider ?? 'meta';
	const accessToken = config.accessToken?.trim() ?? '';
	if (accessToken === '') {
		throw configError('The access token is empty.', 'Paste the access token (or 360dialog API key) into the WhatsApp credential.');
	}
	const rawBase = config.baseUrl?.trim() || (provider === 'meta' ? DEFAULT_META_BASE_URL : DEFAULT_360DIALOG_BASE_URL);
	let baseUrl: URL;
	try {
		baseUrl = new URL(rawBase);
	} catch {
		throw configError(`The API base URL "${rawBase}" is not a valid URL.`, 'Use a full URL such as https://graph.facebook.com.');
	}
	const apiVersion = config.apiVersion?.trim() || DEFAULT_API_VERSION;
	if (!/^v\d+\.\d+$/.test(apiVersion)) {
		throw configError(`The API version "${apiVersion}" is not valid.`, `Use the form ${DEFAULT_API_VERSION}.`);
	}
	const retry = config.retry ?? {};
	const maxAttempts = Math.floor(positive(retry.maxAttempts, 3, 'retry.maxAttempts'));
	return {
		provider,
		baseUrl: baseUrl.toString().replace(/\/+$/, ''),
		apiVersion,
		accessToken,
		phoneNumberId: optionalId(config.phoneNumberId),
		businessAccountId: optionalId(config.businessAccountId),
		maxMessagesPerSecond: positive(config.maxMessagesPerSecond, DEFAULT_MAX_MESSAGES_PER_SECOND, 'maxMessagesPerSecond'),
		retry: {
			maxAttempts,
			baseDelayMs: positive(retry.baseDelayMs, 500, 'retry.baseDelayMs'),
			maxDelayMs: positive(retry.maxDelayMs, 30_000, 'retry.maxDelayMs'),
		},
		maxMediaBytes: positive(config.maxMediaBytes, DEFAULT_MAX_MEDIA_BYTES, 'maxMediaBytes'),
		trustedMediaHosts: new Set([META_MEDIA_HOST, baseUrl.host, ...(config.trustedMediaHosts ?? [])]),
		timeoutMs: positive(config.timeoutMs, 30_000, 'timeoutMs'),
		transport: config.transport ?? fetchTransport,
		now: config.now ?? Date.now,
		sleep: config.sleep ?? defaultSleep,
		random: config.random ?? Math.random,
		throttleRegistry: config.throttleRegistry ?? processThrottleRegistry,
	};
}

/** The authentication header each provider expects. */
export function authHeaders(config: ResolvedCloudApiConfig): Record<string, string> {
	return config.provider === 'meta'
		? { authorization: `Bearer ${config.accessToken}` }
		: { 'D360-API-KEY': config.accessToken };
}

/**
 * Endpoint layout per provider. Meta: /{version}/{node}/{edge}. 360dialog: no version and no phone number
 * id (the API key selects the number), templates under /v1/configs/templates.
 */
export const endpoints = {
	messages(config: ResolvedCloudApiConfig): string {
		if (config.provider === '360dialog') return `${config.baseUrl}/messages`;
		return `${graphRoot(config)}/${encodeURIComponent(requirePhoneNumberId(config))}/messages`;
	},
	node(config: ResolvedCloudApiConfig, id: string): string {
		if (config.provider === '360dialog') return `${config.baseUrl}/${encodeURIComponent(id)}`;
		return `${graphRoot(config)}/${encodeURIComponent(id)}`;
	},
	templates(config: ResolvedCloudApiConfig): string {
		if (config.provider === '360dialog') return `${config.baseUrl}/v1/configs/templates`;
		return `${graphRoot(config)}/${encodeURIComponent(requireBusinessAccountId(config))}/message_templates`;
	},
	phoneNumbers(config: ResolvedCloudApiConfig): string {
		return `${graphRoot(config)}/${encodeURIComponent(requireBusinessAccountId(config))}/phone_numbers`;
	},
};

function graphRoot(config: ResolvedCloudApiConfig): string {
	return `${config.baseUrl}/${config.apiVersion}`;
}

export function requirePhoneNumberId(config: ResolvedCloudApiConfig): string {
	if (config.phoneNumberId === null) {
		throw configError('The phone number id is missing.', 'Copy the Phone number ID from the WhatsApp API Setup page into the credential.');
	}
	return config.phoneNumberId;
}

export function requireBusinessAccountId(config: ResolvedCloudApiConfig): string {
	if (config.businessAccountId === null) {
		throw configError(
			'The WhatsApp Business Account id is missing.',
			'Copy the WhatsApp Business Account ID from the WhatsApp API Setup page into the credential.',
		);
	}
	return config.businessAccountId;
}
