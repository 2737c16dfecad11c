import { createHash, timingSafeEqual } from 'node:crypto';

import { WebhookError } from '../../../core/errors';
import {
	assertWebhookAuthConfigured,
	authenticateWebhook,
	signPayload,
	verifyHeaderSecret,
	type WebhookAuthOptions,
} from '../../../core/webhook';
import { readFixture, webhookErrorOf } from './webhook-builders';

// Observed, not replaced: every comparison still runs the real one.
jest.mock('node:crypto', () => {
	const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
	return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const APP_SECRET = 'auth-app-secret-5d1c';
const HEADER = { name: 'X-Webhook-Secret', value: 'hdr-secret-0b9e77c2a4f1' };
const body = readFixture('meta_docs_text.json');

function refusal(check: () => unknown, status = 401): WebhookError {
	const error = webhookErrorOf(check);
	expect(error.httpStatus).toBe(status);
	for (const secret of [APP_SECRET, HEADER.value]) {
		expect(error.message).not.toContain(secret);
		expect(error.hint).not.toContain(secret);
	}
	return error;
}

describe('authenticateWebhook: nothing unauthenticated gets in', () => {
	it.each<[string, WebhookAuthOptions]>([
		['no options at all', {}],
		['an empty app secret', { appSecret: '' }],
		['a null app secret and no header secret', { appSecret: null, headerSecret: null }],
		['allowUnsigned false', { appSecret: '', allowUnsigned: false }],
		['allowUnsigned as a string, not true', { allowUnsigned: 'true' as unknown as boolean }],
		['allowUnsigned as an empty string', { allowUnsigned: '' as unknown as boolean }],
	])('refuses every delivery with AUTH_NOT_CONFIGURED (500) given %s', (_label, options) => {
		const error = refusal(() => authenticateWebhook({ rawBody: body, signature: signPayload(body, APP_SECRET) }, options), 500);
		expect(error.code).toBe('AUTH_NOT_CONFIGURED');
		expect(error.hint).toMatch(/App settings > Basic > App secret/);
		expect(refusal(() => assertWebhookAuthConfigured(options), 500).code).toBe('AUTH_NOT_CONFIGURED');
	});

	it('refuses a half-configured header secret even when unsigned deliveries are allowed', () => {
		expect(refusal(() => assertWebhookAuthConfigured({ headerSecret: { name: 'X-Secret', value: '' }, allowUnsigned: true }), 500).message).toMatch(/no value/);
		expect(refusal(() => assertWebhookAuthConfigured({ headerSecret: { name: 'X Secret', value: 'v' } }), 500).message).toMatch(/header name/);
		expect(refusal(() => assertWebhookAuthConfigured({ headerSecret: { name: '', value: 'v' } }), 500).code).toBe('AUTH_NOT_CONFIGURED');
	});

	it('accepts a signed delivery as authenticated, and refuses an unsigned one', () => {
		const options = { appSecret: APP_SECRET };
		expect(authenticateWebhook({ rawBody: body, signature: signPayload(body, APP_SECRET) }, options)).toBe(true);
		expect(refusal(() => authenticateWebhook({ rawBody: body, signature: undefined }, options)).code).toBe('SIGNATURE_MISSING');
	});

	it('with allowUnsigned: true accepts anything, and says which deliveries were proven', () => {
		expect(authenticateWebhook({ rawBody: body, signature: undefined }, { allowUnsigned: true })).toBe(false);
		const options = { appSecret: APP_SECRET, allowUnsigned: true };
		expect(authenticateWebhook({ rawBody: body, signature: signPayload(body, APP_SECRET) }, options)).toBe(true);
		expect(authenticateWebhook({ rawBody: body, signature: signPayload(body, 'forged') }, options)).toBe(false);
		expect(authenticateWebhook({ rawBody: body, signature: undefined, headers: {} }, { headerSecret: HEADER, allowUnsigned: true })).toBe(false);
	});
});

describe('the webhook header secret (360dialog and other providers that do not sign)', () => {
	const options = { headerSecret: HEADER };
	const withHeaders = (headers: Record<string, string | string[]>) => ({ rawBody: body, signature: undefined, headers });

	it('accepts the exact value in the header, whatever case the configured name has', () => {
		expect(authenticateWebhook(withHeaders({ 'x-webhook-secret': HEADER.value }), options)).toBe(true);
		expect(authenticateWebhook(withHeaders({ 'x-webhook-secret': HEADER.value }), { headerSecret: { ...HEADER, name: 'x-WEBHOOK-secret' } })).toBe(true);
	});

	it.each<[string, Record<string, string | string[]>, string]>([
		['a missing header', {}, 'HEADER_SECRET_MISSING'],
		['an empty header', { 'x-webhook-secret': '' }, 'HEADER_SECRET_MISSING'],
		['the secret in another header', { 'x-other': HEADER.value }, 'HEADER_SECRET_MISSING'],
		['a wrong value', { 'x-webhook-secret': 'hdr-secret-0b9e77c2a4f2' }, 'HEADER_SECRET_INVALID'],
		['a prefix of the value', { 'x-webhook-secret': HEADER.value.slice(0, -1) }, 'HEADER_SECRET_INVALID'],
		['the value with more after it', { 'x-webhook-secret': `${HEADER.value}x` }, 'HEADER_SECRET_INVALID'],
		['the header twice, as Node joins it', { 'x-webhook-secret': `${HEADER.value}, ${HEADER.value}` }, 'HEADER_SECRET_INVALID'],
		['the header twice, as an array', { 'x-webhook-secret': [HEADER.value, HEADER.value] }, 'HEADER_SECRET_INVALID'],
		['the header twice, once wrong', { 'x-webhook-secret': ['nope', HEADER.value] }, 'HEADER_SECRET_INVALID'],
	])('refuses %s with 401', (_label, headers, code) => {
		const error = refusal(() => authenticateWebhook(withHeaders(headers), options));
		expect(error.code).toBe(code);
		expect(error.message).toContain(HEADER.name);
	});

	it('does not take an X-Hub-Signature-256 instead when only a header secret is configured', () => {
		const signed = { rawBody: body, signature: signPayload(body, HEADER.value), headers: {} };
		expect(refusal(() => authenticateWebhook(signed, options)).code).toBe('HEADER_SECRET_MISSING');
	});

	it('compares in constant time, over digests of equal length', () => {
		const spy = jest.mocked(timingSafeEqual);
		spy.mockClear();
		expect(() => verifyHeaderSecret({ 'x-webhook-secret': 'short' }, HEADER)).toThrow(WebhookError);
		expect(spy).toHaveBeenCalledTimes(1);
		const [given, expected] = spy.mock.calls[0] as [Buffer, Buffer];
		expect(given).toHaveLength(32);
		expect(expected).toHaveLength(32);
		expect(expected.equals(createHash('sha256').update(HEADER.value).digest())).toBe(true);
	});
});

describe('app secret and header secret together (a custom provider)', () => {
	const options = { appSecret: APP_SECRET, headerSecret: HEADER };

	it('accepts either proof', () => {
		expect(authenticateWebhook({ rawBody: body, signature: signPayload(body, APP_SECRET), headers: {} }, options)).toBe(true);
		expect(authenticateWebhook({ rawBody: body, signature: undefined, headers: { 'x-webhook-secret': HEADER.value } }, options)).toBe(true);
	});

	it('refuses a delivery with neither, naming the proof that was present but wrong', () => {
		const forged = { rawBody: body, signature: undefined, headers: { 'x-webhook-secret': 'guess' } };
		expect(refusal(() => authenticateWebhook(forged, options)).code).toBe('HEADER_SECRET_INVALID');
		const wrongSignature = { rawBody: body, signature: signPayload(body, 'guess'), headers: {} };
		expect(refusal(() => authenticateWebhook(wrongSignature, options)).code).toBe('SIGNATURE_INVALID');
		expect(refusal(() => authenticateWebhook({ rawBody: body, signature: undefined, headers: {} }, options)).code).toBe('SIGNATURE_MISSING');
	});
});
