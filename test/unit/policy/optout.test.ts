import {
	assertNotOptedOut,
	classifyOptKeyword,
	DEFAULT_OPT_IN_KEYWORDS,
	DEFAULT_OPT_OUT_KEYWORDS,
} from '../../../core/policy';
import { expectPolicyError } from './expect-policy-error';

describe('classifyOptKeyword', () => {
	it.each([
		'STOP',
		'stop',
		'Stop',
		'  stop  ',
		'STOP!',
		'stop.',
		'Stop!!! 🛑',
		'🛑 stop',
		'"stop"',
		'stop 🙏🏽',
		'STOPALL',
		'stop all',
		'UNSUBSCRIBE',
		'Unsubscribe.',
		'cancel',
		'END',
		'quit',
		'Opt out',
		'opt-out',
		'OPTOUT',
		'opt_out',
		'Arrêt',
		'ARRÊT',
		'arrêter',
		'Désabonner',
		'Parar',
		'baja',
		'¡Baja!',
		'Dar de baja',
		'cancelar',
		'Sair',
		'STOPP',
		'Abmelden',
		'ＳＴＯＰ', // full-width letters
	])('%j is an opt-out', (text) => {
		expect(classifyOptKeyword(text)).toBe('opt_out');
	});

	it.each(['START', 'start', 'Start!', 'subscribe', 'UNSTOP', 'unstop 🙂', 'opt in', 'Opt-In'])('%j is an opt-in', (text) => {
		expect(classifyOptKeyword(text)).toBe('opt_in');
	});

	it.each([
		"please don't stop sending",
		'stop sending me this',
		'I want to unsubscribe',
		'stopped',
		'nonstop',
		'STOP 2',
		'start-up',
		'stopp it',
		'',
		'   ',
		'🛑',
		'!!!',
		'Can I cancel my order?',
	])('%j is not a keyword (whole message only)', (text) => {
		expect(classifyOptKeyword(text)).toBeNull();
	});

	it('uses the given lists instead of the defaults', () => {
		const options = { optOut: ['ALTO', 'No más'], optIn: ['VOLVER'] };
		expect(classifyOptKeyword('alto', options)).toBe('opt_out');
		expect(classifyOptKeyword('no mas!', options)).toBe('opt_out');
		expect(classifyOptKeyword('volver', options)).toBe('opt_in');
		expect(classifyOptKeyword('stop', options)).toBeNull();
		expect(classifyOptKeyword('start', options)).toBeNull();
		// Extending rather than replacing.
		expect(classifyOptKeyword('alto', { optOut: [...DEFAULT_OPT_OUT_KEYWORDS, 'ALTO'] })).toBe('opt_out');
		expect(classifyOptKeyword('stop', { optOut: [...DEFAULT_OPT_OUT_KEYWORDS, 'ALTO'] })).toBe('opt_out');
		// Dropping CANCEL for a flow where customers cancel orders.
		const withoutCancel = DEFAULT_OPT_OUT_KEYWORDS.filter((k) => k !== 'CANCEL');
		expect(classifyOptKeyword('cancel', { optOut: withoutCancel })).toBeNull();
	});

	it('lets opt-out win when a word is in both lists', () => {
		expect(classifyOptKeyword('stop', { optOut: ['STOP'], optIn: ['STOP'] })).toBe('opt_out');
	});

	it('has the documented defaults', () => {
		for (const keyword of ['STOP', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'STOPALL', 'OPT OUT', 'OPTOUT', 'PARAR', 'BAJA', 'ARRET', 'STOPP']) {
			expect(DEFAULT_OPT_OUT_KEYWORDS).toContain(keyword);
		}
		expect(DEFAULT_OPT_IN_KEYWORDS).toEqual(expect.arrayContaining(['START', 'SUBSCRIBE', 'UNSTOP']));
	});
});

describe('assertNotOptedOut', () => {
	const optedOut = { optedOut: true, optedOutAt: Date.UTC(2026, 10, 2, 8, 0, 0) };

	it('refuses marketing templates to an opted-out contact', () => {
		const error = expectPolicyError(() => assertNotOptedOut(optedOut, 'MARKETING', '+16505551234'), 'CONTACT_OPTED_OUT');
		expect(error.message).toContain('"+16505551234"');
		expect(error.message).toContain('2026-11-02');
		expect(error.hint).toMatch(/utility and authentication/);
		expect(error.details).toEqual({ category: 'MARKETING', optedOutAt: optedOut.optedOutAt });
		expectPolicyError(() => assertNotOptedOut({ optedOut: true }, 'marketing'), 'CONTACT_OPTED_OUT');
	});

	it('still allows utility and authentication templates, as Meta does', () => {
		expect(() => assertNotOptedOut(optedOut, 'UTILITY')).not.toThrow();
		expect(() => assertNotOptedOut(optedOut, 'AUTHENTICATION')).not.toThrow();
		expect(() => assertNotOptedOut(optedOut, 'utility')).not.toThrow();
	});

	it('allows everything to a contact who did not opt out', () => {
		expect(() => assertNotOptedOut({ optedOut: false }, 'MARKETING')).not.toThrow();
	});
});
