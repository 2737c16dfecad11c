import { isSameWaId, normalizeRecipient, type CountryCode } from '../../../core/policy';
import { expectPolicyError } from './expect-policy-error';

describe('normalizeRecipient', () => {
	it.each([
		['+1 650-555-1234', undefined, '+16505551234'],
		['+16505551234', undefined, '+16505551234'],
		['16505551234', undefined, '+16505551234'],
		['  +1 (650) 555-1234\n', undefined, '+16505551234'],
		['+1.650.555.1234', undefined, '+16505551234'],
		['+1\u00a0650\u2013555\u20131234', undefined, '+16505551234'], // no-break space, en dashes (pasted)
		['00 44 20 7946 0958', undefined, '+442079460958'],
		['0044 20 7946 0958', undefined, '+442079460958'],
		['+44 7911 123456', undefined, '+447911123456'],
		['+49 1512 3456789', undefined, '+4915123456789'],
		['+91 98765 43210', undefined, '+919876543210'],
		['+55 11 91234-5678', undefined, '+5511912345678'],
		['+86 138 0013 8000', undefined, '+8613800138000'],
		['+81 90-1234-5678', undefined, '+819012345678'],
		['+33 6 12 34 56 78', undefined, '+33612345678'],
		['+234 803 123 4567', undefined, '+2348031234567'],
		['+52 55 1234 5678', undefined, '+525512345678'],
	])('accepts %j (default country %s)', (input, country, e164) => {
		expect(normalizeRecipient(input, country as CountryCode | undefined)).toEqual({ e164, waId: e164.slice(1) });
	});

	it.each([
		['(650) 555-1234', 'US', '+16505551234'],
		['16505551234', 'US', '+16505551234'],
		['011 44 20 7946 0958', 'US', '+442079460958'],
		['020 7946 0958', 'GB', '+442079460958'],
		['00 44 20 7946 0958', 'GB', '+442079460958'],
		['07911 123456', 'GB', '+447911123456'],
		['0151 23456789', 'DE', '+4915123456789'],
		['98765 43210', 'IN', '+919876543210'],
		// Digits with a foreign country code still work when the default country reading fails.
		['447911123456', 'US', '+447911123456'],
		['+44 7911 123456', 'US', '+447911123456'],
	])('reads %j as a national number of %s first', (input, country, e164) => {
		expect(normalizeRecipient(input, country as CountryCode).e164).toBe(e164);
	});

	it("maps the legacy wa_id forms Meta still reports to today's numbers", () => {
		// Brazil: 8-digit mobile without the added 9.
		expect(normalizeRecipient('551191234567')).toEqual({ e164: '+5511991234567', waId: '5511991234567' });
		// Mexico: mobile with the old "1" after the country code.
		expect(normalizeRecipient('5215512345678')).toEqual({ e164: '+525512345678', waId: '525512345678' });
		// A Brazilian landline (8 digits starting 2-5) is valid as it is and left alone.
		expect(normalizeRecipient('+55 11 3456-7890').e164).toBe('+551134567890');
	});

	it.each([
		['', 'empty'],
		['   ', 'empty'],
		['+1 800 FLOWERS', 'characters'],
		['abc', 'characters'],
		['whatsapp:+16505551234', 'characters'],
		['+44 20 7946 0958 ext. 12', 'characters'],
		['+1 650 555 1234 +1', 'characters'],
		['tel:+16505551234', 'characters'],
		['+1 650', 'too_short'],
		['+44 20', 'too_short'],
		['12', 'too_short'],
		['+1 650 555 1234 5678 9012', 'too_long'],
		['+1 999 555 1234', 'invalid'], // 999 is not a North American area code
		['+44 20 7946 095', 'invalid'],
		['+999 1234 5678', 'unknown_country'],
	])('rejects %j (%s)', (input, reason) => {
		const error = expectPolicyError(() => normalizeRecipient(input), 'INVALID_PHONE_NUMBER');
		expect(error.details.reason).toBe(reason);
		expect(error.hint).toContain('+16505551234');
		expect(error.details.expectedFormat).toContain('E.164');
	});

	it('names the value in the message, cut short and without control characters', () => {
		const error = expectPolicyError(() => normalizeRecipient('+1 800 FLOWERS'), 'INVALID_PHONE_NUMBER');
		expect(error.message).toContain('"+1 800 FLOWERS"');

		const long = `call me \u001b[31m${'9'.repeat(200)}`;
		const longError = expectPolicyError(() => normalizeRecipient(long), 'INVALID_PHONE_NUMBER');
		expect(longError.message).not.toContain('\u001b');
		expect(longError.message).toContain('…');
		expect(longError.message.length).toBeLessThan(200);
	});

	it('refuses a (national) number without country code when no default country is given', () => {
		expectPolicyError(() => normalizeRecipient('(650) 555-1234'), 'INVALID_PHONE_NUMBER');
		expectPolicyError(() => normalizeRecipient('020 7946 0958'), 'INVALID_PHONE_NUMBER');
	});

	it('rejects an unknown default country clearly', () => {
		const error = expectPolicyError(() => normalizeRecipient('6505551234', 'XX' as CountryCode), 'INVALID_PHONE_NUMBER');
		expect(error.details.reason).toBe('default_country');
	});

	it('is fast enough to run per item (strict "max" metadata)', () => {
		const started = process.hrtime.bigint();
		for (let i = 0; i < 2000; i++) normalizeRecipient('+1 650-555-1234');
		const perCallMs = Number(process.hrtime.bigint() - started) / 1e6 / 2000;
		expect(perCallMs).toBeLessThan(1);
	});
});

describe('isSameWaId', () => {
	it.each([
		['+1 (650) 555-1234', '16505551234'],
		['+16505551234', '16505551234'],
		['551191234567', '+55 11 99123-4567'],
		['5215512345678', '+52 55 1234 5678'],
		['00 44 20 7946 0958', '442079460958'],
	])('%j and %j are the same user', (a, b) => {
		expect(isSameWaId(a, b)).toBe(true);
		expect(isSameWaId(b, a)).toBe(true);
	});

	it.each([
		['+16505551234', '+16505551235'],
		['+442079460958', '+12079460958'],
		['', ''],
		['abc', 'def'],
	])('%j and %j are not', (a, b) => {
		expect(isSameWaId(a, b)).toBe(false);
	});

	it('compares unparseable ids by their digits', () => {
		expect(isSameWaId('123', ' 123 ')).toBe(true);
	});
});
