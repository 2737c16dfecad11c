/** Content checks of reactions, locations, contact cards, call-to-action buttons and location requests. */
import {
	assertContacts,
	assertCtaUrl,
	assertLocation,
	assertLocationRequest,
	assertReaction,
	isSingleEmoji,
} from '../../../core/policy/content';
import { expectPolicyError } from './expect-policy-error';

describe('reactions', () => {
	it('take one emoji as a person sees it, or none to remove the reaction', () => {
		for (const emoji of ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🇧🇷', '1️⃣', '']) expect(() => assertReaction('wamid.A', emoji)).not.toThrow();
	});

	it('refuse text, two emoji and a missing message id, naming the field', () => {
		expect(expectPolicyError(() => assertReaction('wamid.A', 'ok'), 'MESSAGE_INVALID').details.field).toBe('emoji');
		expect(expectPolicyError(() => assertReaction('wamid.A', '👍👍'), 'MESSAGE_INVALID').message).toContain('"👍👍"');
		expect(expectPolicyError(() => assertReaction(' ', '👍'), 'MESSAGE_INVALID').details.field).toBe('messageId');
		expect(isSingleEmoji('a')).toBe(false);
	});
});

describe('locations', () => {
	it('need coordinates in range', () => {
		expect(() => assertLocation(52.52, 13.405)).not.toThrow();
		expect(() => assertLocation(-90, 180)).not.toThrow();
		expect(expectPolicyError(() => assertLocation(91, 0), 'MESSAGE_INVALID').details.field).toBe('latitude');
		expect(expectPolicyError(() => assertLocation(0, -180.5), 'MESSAGE_INVALID').details.field).toBe('longitude');
		expect(expectPolicyError(() => assertLocation(Number.NaN, 0), 'MESSAGE_INVALID').hint).toContain('decimal degrees');
	});
});

describe('contact cards', () => {
	it('need a name each, and 1 to 257 cards', () => {
		expect(() => assertContacts([{ formattedName: 'Barbara Johnson' }])).not.toThrow();
		expect(expectPolicyError(() => assertContacts([{ formattedName: 'A' }, { formattedName: ' ' }]), 'MESSAGE_INVALID').details).toEqual({ field: 'formattedName', contact: 2 });
		expect(expectPolicyError(() => assertContacts([]), 'MESSAGE_INVALID').details.field).toBe('contacts');
		expect(() => assertContacts(Array.from({ length: 258 }, () => ({ formattedName: 'A' })))).toThrow('1 to 257');
	});
});

describe('call-to-action URL buttons', () => {
	const valid = { body: 'Tap below to see the dates.', buttonText: 'See dates', url: 'https://example.com/dates' };

	it("follow Meta's limits: body 1024, label 20, header and footer 60, a web address", () => {
		expect(() => assertCtaUrl({ ...valid, header: 'New dates', footer: 'Subject to change' })).not.toThrow();
		expect(expectPolicyError(() => assertCtaUrl({ ...valid, body: '' }), 'TEXT_EMPTY').details.field).toBe('body');
		expect(expectPolicyError(() => assertCtaUrl({ ...valid, body: 'x'.repeat(1025) }), 'TEXT_TOO_LONG').details).toMatchObject({ field: 'body', max: 1024 });
		expect(expectPolicyError(() => assertCtaUrl({ ...valid, buttonText: 'x'.repeat(21) }), 'TEXT_TOO_LONG').details).toMatchObject({ field: 'button label', max: 20 });
		expect(expectPolicyError(() => assertCtaUrl({ ...valid, footer: 'x'.repeat(61) }), 'TEXT_TOO_LONG').details.field).toBe('footer');
		expect(expectPolicyError(() => assertCtaUrl({ ...valid, url: 'example.com' }), 'MESSAGE_INVALID').details.field).toBe('url');
		expect(expectPolicyError(() => assertCtaUrl({ ...valid, url: 'ftp://example.com' }), 'MESSAGE_INVALID').hint).toContain('https://');
	});
});

describe('location requests', () => {
	it('need a body of at most 1024 characters', () => {
		expect(() => assertLocationRequest('Where should we deliver?')).not.toThrow();
		expectPolicyError(() => assertLocationRequest(' '), 'TEXT_EMPTY');
		expectPolicyError(() => assertLocationRequest('x'.repeat(1025)), 'TEXT_TOO_LONG');
	});
});
