import { assertWindowOpen, CUSTOMER_SERVICE_WINDOW_MS, windowState } from '../../../core/policy';
import { expectPolicyError } from './expect-policy-error';

const last = Date.UTC(2026, 10, 20, 9, 30, 0);

describe('windowState', () => {
	it('is 24 hours', () => {
		expect(CUSTOMER_SERVICE_WINDOW_MS).toBe(86_400_000);
	});

	it('is closed for a contact who never wrote', () => {
		expect(windowState(null, last)).toEqual({ open: false, expiresAt: null, remainingMs: 0 });
		expect(windowState(Number.NaN, last)).toEqual({ open: false, expiresAt: null, remainingMs: 0 });
	});

	it('is open for the whole 24 hours after the last inbound message', () => {
		expect(windowState(last, last)).toEqual({ open: true, expiresAt: last + CUSTOMER_SERVICE_WINDOW_MS, remainingMs: CUSTOMER_SERVICE_WINDOW_MS });
		expect(windowState(last, last + CUSTOMER_SERVICE_WINDOW_MS - 1)).toEqual({
			open: true,
			expiresAt: last + CUSTOMER_SERVICE_WINDOW_MS,
			remainingMs: 1,
		});
	});

	it('is closed at exactly 24 hours and after', () => {
		expect(windowState(last, last + CUSTOMER_SERVICE_WINDOW_MS)).toEqual({
			open: false,
			expiresAt: last + CUSTOMER_SERVICE_WINDOW_MS,
			remainingMs: 0,
		});
		expect(windowState(last, last + 3 * CUSTOMER_SERVICE_WINDOW_MS).open).toBe(false);
	});

	it('never promises more than 24 hours when the last message is slightly in the future (clock skew)', () => {
		expect(windowState(last + 5000, last).remainingMs).toBe(CUSTOMER_SERVICE_WINDOW_MS);
	});
});

describe('assertWindowOpen', () => {
	it('passes when open', () => {
		expect(() => assertWindowOpen(windowState(last, last + 1000), '+16505551234')).not.toThrow();
	});

	it('throws WINDOW_CLOSED with the closing time and the template hint', () => {
		const error = expectPolicyError(
			() => assertWindowOpen(windowState(last, last + CUSTOMER_SERVICE_WINDOW_MS), '+16505551234'),
			'WINDOW_CLOSED',
		);
		expect(error.message).toContain('"+16505551234"');
		expect(error.message).toContain('2026-11-21 09:30 UTC');
		expect(error.hint).toMatch(/approved message template/);
		expect(error.retryable).toBe(false);
		expect(error.details).toEqual({
			recipient: '+16505551234',
			expiresAt: last + CUSTOMER_SERVICE_WINDOW_MS,
			closedAt: '2026-11-21T09:30:00.000Z',
			metaErrorCode: 131047,
		});
	});

	it('says when the contact never wrote', () => {
		const error = expectPolicyError(() => assertWindowOpen(windowState(null, last), '+16505551234'), 'WINDOW_CLOSED');
		expect(error.message).toMatch(/has not written/);
		expect(error.details).toMatchObject({ expiresAt: null, closedAt: null });
	});
});
