import { createHmac } from 'node:crypto';
import { SIGNATURE_HEADER, parseWebhookBody, signPayload, verifySignature } from '../../../core/webhook';
import { readFixture, webhookErrorOf } from './webhook-builders';

const APP_SECRET = 'f3c1e2d4a5b6978812345678abcdef01';
const body = readFixture('meta_docs_text.json');

function refusal(rawBody: Buffer | string, header: string | string[] | undefined, secret = APP_SECRET) {
	const error = webhookErrorOf(() => verifySignature(rawBody, header, secret));
	expect(error.httpStatus).toBe(401);
	expect(error.message).not.toContain(secret);
	expect(error.hint).not.toContain(secret);
	return error;
}

describe('signPayload', () => {
	it("is Meta's format: sha256= and the hex HMAC-SHA256 of the bytes", () => {
		const expectedHex = createHmac('sha256', APP_SECRET).update(body).digest('hex');
		expect(signPayload(body, APP_SECRET)).toBe(`sha256=${expectedHex}`);
		expect(signPayload(body.toString('utf8'), APP_SECRET)).toBe(`sha256=${expectedHex}`);
	});

	it('names the header as Node lower-cases it', () => {
		expect(SIGNATURE_HEADER).toBe('x-hub-signature-256');
	});
});

describe('verifySignature', () => {
	it('accepts the signature of the exact body', () => {
		expect(() => verifySignature(body, signPayload(body, APP_SECRET), APP_SECRET)).not.toThrow();
	});

	it('accepts upper-case hex and a single-valued header array', () => {
		const signature = signPayload(body, APP_SECRET);
		expect(() => verifySignature(body, `sha256=${signature.slice(7).toUpperCase()}`, APP_SECRET)).not.toThrow();
		expect(() => verifySignature(body, [signature], APP_SECRET)).not.toThrow();
	});

	it('checks the bytes as sent: a unicode-escaped body signed as escaped bytes is accepted', () => {
		// Meta sends non-ASCII as \u escapes; re-serializing the parsed JSON would give other bytes.
		const escaped = Buffer.from('{"object":"whatsapp_business_account","entry":[],"note":"caf\\u00e9 \\ud83d\\udc4d"}');
		const signature = signPayload(escaped, APP_SECRET);
		expect(() => verifySignature(escaped, signature, APP_SECRET)).not.toThrow();
		const reserialized = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8'))));
		expect(reserialized.equals(escaped)).toBe(false);
		expect(refusal(reserialized, signature).code).toBe('SIGNATURE_INVALID');
		expect(parseWebhookBody(escaped).accountEvents).toEqual([]);
	});

	it('refuses a tampered body', () => {
		const signature = signPayload(body, APP_SECRET);
		const tampered = Buffer.from(body.toString('utf8').replace('another color', 'another colour'));
		expect(refusal(tampered, signature).code).toBe('SIGNATURE_INVALID');
	});

	it('refuses a signature made with another secret, hinting at the App Secret', () => {
		const error = refusal(body, signPayload(body, 'another-secret'));
		expect(error.code).toBe('SIGNATURE_INVALID');
		expect(error.hint).toMatch(/App Secret/);
		expect(error.message).not.toContain(signPayload(body, APP_SECRET).slice(7));
	});

	it.each([
		['absent', undefined],
		['empty', ''],
		['blank', '   '],
		['an empty array', []],
	])('reports a missing header (%s) as SIGNATURE_MISSING', (_label, header) => {
		expect(refusal(body, header).code).toBe('SIGNATURE_MISSING');
	});

	it('treats null as missing', () => {
		expect(webhookErrorOf(() => verifySignature(body, null, APP_SECRET)).code).toBe('SIGNATURE_MISSING');
	});

	it.each([
		['non-hex digits', `sha256=${'z'.repeat(64)}`],
		['too short', `sha256=${'a'.repeat(63)}`],
		['too long', `sha256=${'a'.repeat(66)}`],
		['no prefix', 'a'.repeat(64)],
		['another algorithm', `sha1=${'a'.repeat(40)}`],
		['prefix only', 'sha256='],
	])('refuses a malformed header (%s) as SIGNATURE_INVALID', (_label, header) => {
		expect(refusal(body, header).code).toBe('SIGNATURE_INVALID');
	});

	it('refuses a header sent twice, even if one value is right', () => {
		const signature = signPayload(body, APP_SECRET);
		expect(refusal(body, [signature, signature]).code).toBe('SIGNATURE_INVALID');
	});

	it('refuses everything when no App Secret is configured', () => {
		const error = webhookErrorOf(() => verifySignature(body, signPayload(body, ''), ''));
		expect(error.code).toBe('SIGNATURE_INVALID');
		expect(error.httpStatus).toBe(401);
		expect(error.hint).toMatch(/App Secret/);
	});
});
