/**
 * Who may post to the callback URL. Meta signs every delivery with the app secret
 * (X-Hub-Signature-256); providers that do not sign, such as 360dialog, can send a fixed secret header
 * the business chose instead. A delivery is accepted when it passes one configured check; with no check
 * configured nothing is accepted unless the caller explicitly allows unsigned deliveries.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { WebhookError } from '../errors';
import { verifySignature } from './signature';

/** A header the provider adds to every delivery, e.g. set with 360dialog's `POST /v1/configs/webhook` `headers`. */
export interface WebhookHeaderSecret {
	/** Header name, any case (HTTP header names are case-insensitive). */
	name: string;
	value: string;
}

export interface WebhookAuthOptions {
	/** The Meta app secret: a delivery with a valid X-Hub-Signature-256 is authenticated. */
	appSecret?: string | null;
	/** A delivery carrying exactly this header value is authenticated. */
	headerSecret?: WebhookHeaderSecret | null;
	/**
	 * `true` (and only `true`) accepts deliveries that pass no check, for testing; they are reported
	 * as unauthenticated. A delivery that passes a configured check is still authenticated.
	 */
	allowUnsigned?: boolean;
}

/** Request headers as Node gives them: lower-case names, a repeated header possibly as an array. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface WebhookAuthRequest {
	rawBody: Buffer | string;
	/** The X-Hub-Signature-256 header value(s). */
	signature: string | readonly string[] | undefined | null;
	/** All request headers; needed when a header secret is configured. */
	headers?: RequestHeaders;
}

const AUTH_HTTP_STATUS = 401;
/** RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Throws WebhookError AUTH_NOT_CONFIGURED (500) unless the options can authenticate a delivery or
 * explicitly allow unsigned ones. Answering 500 lets Meta retry once the configuration is fixed.
 */
export function assertWebhookAuthConfigured(options: WebhookAuthOptions): void {
	const { headerSecret } = options;
	if (headerSecret) {
		if (!HEADER_NAME.test(headerSecret.name)) {
			throw notConfigured('The webhook header secret has no valid header name.', 'Use a header name of letters, digits and dashes, e.g. X-Webhook-Secret.');
		}
		if (headerSecret.value === '') {
			throw notConfigured('The webhook header secret has a header name but no value.', 'Enter the value the provider sends in that header.');
		}
	}
	if (!options.appSecret && !headerSecret && options.allowUnsigned !== true) {
		throw notConfigured(
			'Webhook deliveries cannot be authenticated: no app secret and no header secret is configured.',
			"Configure Meta's app secret (App settings > Basic > App secret) or a header secret the provider sends; allowUnsigned: true accepts unchecked deliveries, for testing only.",
		);
	}
}

/**
 * Returns whether the delivery passed a configured check. Throws WebhookError (401) when it passed
 * none and unsigned deliveries are not allowed, or AUTH_NOT_CONFIGURED (500) when nothing is configured.
 */
export function authenticateWebhook(request: WebhookAuthRequest, options: WebhookAuthOptions): boolean {
	assertWebhookAuthConfigured(options);
	const { appSecret, headerSecret } = options;
	const failures: WebhookError[] = [];
	const attempt = (check: () => void): boolean => {
		try {
			check();
			return true;
		} catch (error) {
			if (!(error instanceof WebhookError)) throw error;
			failures.push(error);
			return false;
		}
	};
	if (appSecret && attempt(() => verifySignature(request.rawBody, request.signature, appSecret))) return true;
	if (headerSecret && attempt(() => verifyHeaderSecret(request.headers ?? {}, headerSecret))) return true;
	if (options.allowUnsigned === true) return false;
	// A proof that is present but wrong says more about the problem than one that is absent.
	throw failures.find((failure) => failure.code.endsWith('_INVALID')) ?? failures[0];
}

/** Throws HEADER_SECRET_MISSING / HEADER_SECRET_INVALID (401) unless the header carries exactly the secret once. */
export function verifyHeaderSecret(headers: RequestHeaders, secret: WebhookHeaderSecret): void {
	const value = headers[secret.name.toLowerCase()];
	if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
		throw new WebhookError(
			'HEADER_SECRET_MISSING',
			`The request has no ${secret.name} header, so it cannot be proven to come from the provider.`,
			`Set ${secret.name} as a custom header of the webhook at the provider, with the value from the credential.`,
			AUTH_HTTP_STATUS,
		);
	}
	// Node joins a repeated header into one string with ", " (or keeps an array): either way it is not the secret.
	const single = typeof value === 'string' ? value : value.length === 1 ? value[0] : null;
	if (single === null || !secretsEqual(single, secret.value)) {
		throw new WebhookError(
			'HEADER_SECRET_INVALID',
			`The ${secret.name} header does not carry the configured secret.`,
			`Make the header value set at the provider identical to the Webhook Header Secret in the credential.`,
			AUTH_HTTP_STATUS,
		);
	}
}

/** Hashing first gives equal-length inputs, so neither the content nor the length leaks through timing. */
function secretsEqual(received: string, configured: string): boolean {
	const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(received), digest(configured));
}

function notConfigured(message: string, hint: string): WebhookError {
	return new WebhookError('AUTH_NOT_CONFIGURED', message, hint, 500);
}
