import { customerKey, isBsuid, parseCustomerId } from '../../../core/policy/customer';
import { expectPolicyError } from './expect-policy-error';

describe('parseCustomerId', () => {
	it.each([
		['+55 11 99123-4567', '5511991234567', '+5511991234567'],
		// Brazil before the mobile 9, as Meta still reports some users.
		['551191234567', '5511991234567', '+5511991234567'],
		['+55 11 9123-4567', '5511991234567', '+5511991234567'],
		// Mexico with the old "1" after 52.
		['5215512345678', '525512345678', '+525512345678'],
		['+52 55 1234 5678', '525512345678', '+525512345678'],
		['16505551234', '16505551234', '+16505551234'],
		['  +1 (650) 555-1234 ', '16505551234', '+16505551234'],
	])('reads the phone number %s as key %s', (input, key, e164) => {
		expect(parseCustomerId(input)).toEqual({ kind: 'phone', key, e164, reported: input.trim() });
	});

	it('reads national numbers with a default country', () => {
		expect(parseCustomerId('(650) 555-1234', 'US')).toMatchObject({ kind: 'phone', key: '16505551234' });
	});

	it.each([
		['US.13491208655302741918', 'US.13491208655302741918'],
		[' BR.ENT.aBc123 ', 'BR.ENT.aBc123'],
		// People retype ids: the country is upper-cased, the id itself kept byte for byte.
		['us.13491208655302741918', 'US.13491208655302741918'],
		['mx.ent.Zz9', 'MX.ENT.Zz9'],
	])('reads the business-scoped user id %s as key %s', (input, key) => {
		expect(parseCustomerId(input)).toEqual({ kind: 'bsuid', key, e164: null, reported: input.trim() });
	});

	it.each(['not-a-number', 'whatsapp:+16505551234', 'USA.1349', 'US.', 'US.1349-1208', `US.${'1'.repeat(129)}`, '+1 800 FLOWERS'])(
		'refuses %s with INVALID_RECIPIENT naming both accepted forms',
		(input) => {
			const error = expectPolicyError(() => parseCustomerId(input), 'INVALID_RECIPIENT');
			expect(error.message).toContain('neither a phone number nor a business-scoped user ID');
			expect(error.hint).toMatch(/\+16505551234.*US\.13491208655302741918/);
		},
	);

	it('refuses digits that are no phone number with INVALID_PHONE_NUMBER and its reason', () => {
		expect(expectPolicyError(() => parseCustomerId('12345'), 'INVALID_PHONE_NUMBER').details).toMatchObject({ reason: 'too_short' });
		expectPolicyError(() => parseCustomerId(''), 'INVALID_PHONE_NUMBER');
	});
});

describe('customerKey', () => {
	it('gives every form of one number the same key', () => {
		const forms = ['551191234567', '5511991234567', '+55 11 99123-4567', '+55 (11) 9123-4567'];
		expect(new Set(forms.map(customerKey))).toEqual(new Set(['5511991234567']));
		expect(customerKey('5215512345678')).toBe(customerKey('525512345678'));
	});

	it('keeps digits it cannot place, and other ids as given, without throwing', () => {
		// No such number (999 is no US area code), but Meta's wa_id is the user's id all the same.
		expect(customerKey('19995551234')).toBe('19995551234');
		expect(customerKey('+1 999 555-1234')).toBe('19995551234');
		expect(customerKey(' crm-42 ')).toBe('crm-42');
		expect(customerKey('')).toBe('');
	});

	it('keys a BSUID as given, with its country upper-cased', () => {
		expect(customerKey('US.13491208655302741918')).toBe('US.13491208655302741918');
		expect(customerKey('us.ENT.aB1')).toBe('US.ENT.aB1');
	});

	it('is idempotent', () => {
		for (const id of ['551191234567', 'US.1', '19995551234', 'crm-42', '+52 1 55 1234 5678']) {
			expect(customerKey(customerKey(id))).toBe(customerKey(id));
		}
	});
});

describe('isBsuid', () => {
	it('recognises the documented shape only', () => {
		expect(isBsuid('US.13491208655302741918')).toBe(true);
		expect(isBsuid('US.ENT.13491208655302741918')).toBe(true);
		expect(isBsuid('13491208655302741918')).toBe(false);
		expect(isBsuid('U.1')).toBe(false);
	});
});
