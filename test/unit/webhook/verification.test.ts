import { answerVerificationChallenge } from '../../../core/webhook';
import { webhookErrorOf } from './webhook-builders';

const VERIFY_TOKEN = 'my-verify-token-42';

function query(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444', ...overrides };
}

function refusal(params: Record<string, unknown>, token = VERIFY_TOKEN) {
	const error = webhookErrorOf(() => answerVerificationChallenge(params, token));
	expect(error.message).not.toContain(VERIFY_TOKEN);
	expect(error.hint).not.toContain(VERIFY_TOKEN);
	return error;
}

describe('answerVerificationChallenge', () => {
	it("returns Meta's challenge when mode and token are right", () => {
		expect(answerVerificationChallenge(query(), VERIFY_TOKEN)).toBe('1158201444');
	});

	it('reads parameters nested under hub (query parsers that expand dots)', () => {
		const nested = { hub: { mode: 'subscribe', verify_token: VERIFY_TOKEN, challenge: 'abc-123' } };
		expect(answerVerificationChallenge(nested, VERIFY_TOKEN)).toBe('abc-123');
	});

	it.each([
		['a wrong token', 'not-the-token'],
		['a token that is a prefix of the right one', VERIFY_TOKEN.slice(0, 5)],
		['a longer token', `${VERIFY_TOKEN}x`],
	])('refuses %s with 403 VERIFY_TOKEN_MISMATCH', (_label, token) => {
		const error = refusal(query({ 'hub.verify_token': token }));
		expect(error.code).toBe('VERIFY_TOKEN_MISMATCH');
		expect(error.httpStatus).toBe(403);
		expect(error.hint).toMatch(/Verify Token/);
	});

	it('refuses when no verify token is configured', () => {
		const error = refusal(query(), '');
		expect(error.code).toBe('VERIFY_TOKEN_MISMATCH');
		expect(error.httpStatus).toBe(403);
		expect(error.hint).toMatch(/Enter a Verify Token/);
	});

	it.each([
		['no mode', { 'hub.mode': undefined }],
		['another mode', { 'hub.mode': 'unsubscribe' }],
		['no challenge', { 'hub.challenge': undefined }],
		['an empty challenge', { 'hub.challenge': '' }],
		['a challenge with markup', { 'hub.challenge': '<script>alert(1)</script>' }],
		['a challenge with spaces', { 'hub.challenge': 'a b' }],
		['a repeated challenge', { 'hub.challenge': ['1', '2'] }],
		['no token', { 'hub.verify_token': undefined }],
		['a repeated token', { 'hub.verify_token': [VERIFY_TOKEN, VERIFY_TOKEN] }],
	])('refuses a request with %s as 400 VERIFY_REQUEST_INVALID', (_label, overrides) => {
		const error = refusal(query(overrides));
		expect(error.code).toBe('VERIFY_REQUEST_INVALID');
		expect(error.httpStatus).toBe(400);
	});

	it('refuses an empty query', () => {
		expect(refusal({}).code).toBe('VERIFY_REQUEST_INVALID');
	});
});
