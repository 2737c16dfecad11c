/**
 * X-Hub-Signature-256: `sha256=<hex>` where hex is HMAC-SHA256 of the raw request body keyed with the
 * Meta app secret. Meta signs the exact bytes it sends (with escapes such as `\u00e9` left as they are),
 * so the check runs over those bytes, never over re-serialized JSON.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookError } from '../errors';

/** Header name as Node lower-cases it in `req.headers`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PREFIX = 'sha256=';
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const SIGNATURE_HTTP_STATUS = 401;
const SECRET_HINT = "Check that the App Secret in the credential matches the Meta app's (App settings > Basic).";
const MISSING_HINT =
	'Meta signs every delivery: make sure this URL is only called by Meta and that no proxy in between drops the X-Hub-Signature-256 header.';

/** The header value Meta would send for this body: `sha256=<hex>`. Used by tests and the simulator. */
export function signPayload(rawBody: Buffer | string, appSecret: string): string {
	return SIGNATURE_PREFIX + hmac(rawBody, appSecret).toString('hex');
}

/**
 * Throws WebhookError SIGNATURE_MISSING / SIGNATURE_INVALID (401) unless `signatureHeader` is the
 * correct signature of `rawBody`. Pass the body as the Buffer received: a string is encoded as UTF-8,
 * which only matches if it was decoded from the same bytes without any change.
 */
export function verifySignature(
	rawBody: Buffer | string,
	signatureHeader: string | readonly string[] | undefined | null,
	appSecret: string,
): void {
	if (appSecret === '') {
		throw new WebhookError(
			'SIGNATURE_INVALID',
			'The webhook signature cannot be checked because no App Secret is configured.',
			"Enter the Meta app's App Secret (App settings > Basic) in the WhatsApp credential.",
			SIGNATURE_HTTP_STATUS,
		);
	}
	const header = singleHeader(signatureHeader);
	if (header === undefined) {
		throw new WebhookError(
			'SIGNATURE_MISSING',
			'The request has no X-Hub-Signature-256 header, so it cannot be proven to come from Meta.',
			MISSING_HINT,
			SIGNATURE_HTTP_STATUS,
		);
	}
	const received = header === null ? null : decodeSignature(header);
	if (received === null) {
		throw invalidSignature('The X-Hub-Signature-256 header is not of the form sha256=<64 hex digits>.');
	}
	const expected = hmac(rawBody, appSecret);
	// Both are 32 bytes after the format check; the length test keeps timingSafeEqual from ever throwing.
	if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
		throw invalidSignature(
			'The X-Hub-Signature-256 header does not match the request body signed with the App Secret.',
		);
	}
}

function hmac(rawBody: Buffer | string, appSecret: string): Buffer {
	return createHmac('sha256', appSecret).update(rawBody).digest();
}

/**
 * The header's one value; undefined when absent or blank, null when repeated with several values
 * (a request carrying two signatures is not one Meta sent).
 */
function singleHeader(value: string | readonly string[] | undefined | null): string | null | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string' && value.length > 1) return null;
	const header = typeof value === 'string' ? value : value[0];
	const trimmed = header?.trim() ?? '';
	return trimmed === '' ? undefined : trimmed;
}

/** `sha256=<64 hex>` → 32 bytes, or null when the header is not of that form. */
function decodeSignature(header: string): Buffer | null {
	if (header.slice(0, SIGNATURE_PREFIX.length).toLowerCase() !== SIGNATURE_PREFIX) return null;
	const hex = header.slice(SIGNATURE_PREFIX.length);
	return SHA256_HEX.test(hex) ? Buffer.from(hex, 'hex') : null;
}

function invalidSignature(message: string): WebhookError {
	return new WebhookError('SIGNATURE_INVALID', message, SECRET_HINT, SIGNATURE_HTTP_STATUS);
}
