import { assertTemplateSendable, type TemplateButtonInput, type TemplateDefinition, type TemplateSendRequest } from '../../../core/template';
import { expectPolicyError } from '../policy/expect-policy-error';
import { buttonsTemplate, coupon, listed, locationTemplate, orderConfirmation, reservation, statusOnly, template } from './templates';

const to = '+16505551234';

const couponRequest: TemplateSendRequest = {
	to,
	name: 'coupon_expiration_reminder_number_vars',
	languageCode: 'en',
	header: { type: 'text', text: 'Pablo' },
	body: ['SUMMER20', '10'],
};

/** NAMED, with a placeholder in its text header. */
const shipping = template({
	name: 'shipping_update',
	parameter_format: 'NAMED',
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Order {{order_id}} has shipped' },
		{ type: 'BODY', text: 'Hi {{first_name}}, it should arrive by {{delivery_date}}.' },
	],
});

const shippingRequest: TemplateSendRequest = {
	to,
	name: 'shipping_update',
	languageCode: 'en_US',
	header: { type: 'text', text: 'SKBUP2-4CPIG9', parameterName: 'order_id' },
	body: { first_name: 'Pablo', delivery_date: 'March 7th' },
};

const reservationRequest: TemplateSendRequest = {
	to,
	name: 'reservation_confirmation',
	languageCode: 'en_US',
	header: { type: 'image', link: 'https://example.com/table.jpg' },
	body: { number_of_guests: '4', day: 'Saturday', date: 'August 30th, 2025', time: '7:30 pm' },
};

describe('assertTemplateSendable: finding the template', () => {
	it('returns the matching template for a correct request', () => {
		expect(assertTemplateSendable(listed, couponRequest)).toBe(coupon);
		expect(assertTemplateSendable(listed, reservationRequest)).toBe(reservation);
		expect(assertTemplateSendable(coupon, couponRequest)).toBe(coupon);
		// Meta's own send example for the named template.
		expect(
			assertTemplateSendable([orderConfirmation], {
				to,
				name: 'order_confirmation',
				languageCode: 'en_US',
				body: { first_name: 'Jessica', order_number: 'SKBUP2-4CPIG9' },
			}),
		).toBe(orderConfirmation);
	});

	it('matches the language regardless of case and separator', () => {
		expect(assertTemplateSendable(listed, { ...reservationRequest, languageCode: 'en-us' })).toBe(reservation);
	});

	it('picks the version in the requested language', () => {
		const spanish: TemplateDefinition = { ...coupon, language: 'es', id: 'es-version' };
		expect(assertTemplateSendable([coupon, spanish], { ...couponRequest, languageCode: 'es' })).toBe(spanish);
	});

	it('throws TEMPLATE_NOT_FOUND with close names', () => {
		const typo = expectPolicyError(() => assertTemplateSendable(listed, { ...reservationRequest, name: 'reservation_confirmaton' }), 'TEMPLATE_NOT_FOUND');
		expect(typo.message).toContain('Did you mean "reservation_confirmation"?');
		expect(typo.details).toMatchObject({ name: 'reservation_confirmaton', suggestions: ['reservation_confirmation'] });

		const partial = expectPolicyError(
			() => assertTemplateSendable(statusOnly, { to, name: 'coupon_expiration_reminder', languageCode: 'en_US' }),
			'TEMPLATE_NOT_FOUND',
		);
		expect(partial.details.suggestions).toEqual(['coupon_expiration_reminder_named_vars', 'coupon_expiration_reminder_number_vars']);

		const unknown = expectPolicyError(() => assertTemplateSendable(listed, { to, name: 'hello_world', languageCode: 'en_US' }), 'TEMPLATE_NOT_FOUND');
		expect(unknown.message).not.toContain('Did you mean');
		expect(unknown.details.suggestions).toEqual([]);

		expectPolicyError(() => assertTemplateSendable(undefined, couponRequest), 'TEMPLATE_NOT_FOUND');
		expectPolicyError(() => assertTemplateSendable([], couponRequest), 'TEMPLATE_NOT_FOUND');
		expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, name: '  ' }), 'TEMPLATE_NOT_FOUND');
	});

	it('throws TEMPLATE_LANGUAGE_UNAVAILABLE listing the languages it has', () => {
		const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, languageCode: 'fr' }), 'TEMPLATE_LANGUAGE_UNAVAILABLE');
		expect(error.message).toContain('"fr"');
		expect(error.message).toContain('en (approved)');
		expect(error.details).toEqual({ name: 'coupon_expiration_reminder_number_vars', language: 'fr', available: ['en'] });
		// "en" and "en_US" are different languages at Meta.
		expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, languageCode: 'en_US' }), 'TEMPLATE_LANGUAGE_UNAVAILABLE');
	});

	it.each([
		['address_update', 'PENDING'],
		['reservation_confirmation_short_banner', 'REJECTED'],
	])('throws TEMPLATE_NOT_APPROVED for %s (%s)', (name, status) => {
		const error = expectPolicyError(() => assertTemplateSendable(statusOnly, { to, name, languageCode: 'en_US' }), 'TEMPLATE_NOT_APPROVED');
		expect(error.message).toContain(status);
		expect(error.details).toEqual({ name, language: 'en_US', status });
	});

	it("names a paused or disabled template's status and how Meta lifts it", () => {
		const paused = expectPolicyError(() => assertTemplateSendable({ ...coupon, status: 'PAUSED' }, couponRequest), 'TEMPLATE_NOT_APPROVED');
		expect(paused.message).toContain('is paused by Meta for low quality');
		expect(paused.hint).toContain('3 hours the first time, 6 hours the second');
		const disabled = expectPolicyError(() => assertTemplateSendable({ ...coupon, status: 'DISABLED' }, couponRequest), 'TEMPLATE_NOT_APPROVED');
		expect(disabled.message).toContain('is disabled by Meta');
		expect(disabled.hint).toContain('Create a new template');
	});

	it('treats paused, disabled and missing statuses as not approved', () => {
		for (const status of ['PAUSED', 'DISABLED', '']) {
			const error = expectPolicyError(() => assertTemplateSendable({ ...coupon, status }, couponRequest), 'TEMPLATE_NOT_APPROVED');
			expect(error.details.status).toBe(status === '' ? 'UNKNOWN' : status);
		}
	});
});

describe('assertTemplateSendable: parameters', () => {
	it('accepts positional values as a list or by number', () => {
		expect(() => assertTemplateSendable(listed, { ...couponRequest, body: { '{{1}}': 'SUMMER20', '2': '10' } })).not.toThrow();
	});

	it('names a missing positional value', () => {
		const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, body: ['SUMMER20'] }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(error.message).toContain('Body placeholder {{2}} has no value.');
		expect(error.hint).toContain('Header {{1}}, Body {{1}} and Body {{2}}');
		expect(error.details).toMatchObject({ missing: ['body.2'], extra: [], empty: [], parameterFormat: 'POSITIONAL' });
	});

	it('names extra positional values', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable(listed, { ...couponRequest, body: ['SUMMER20', '10', 'more'] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.message).toContain('The body got 3 values, but the template has 2 placeholders ({{1}} and {{2}}).');
		expect(error.details.extra).toEqual(['body.3']);
	});

	it('requires the text header value', () => {
		const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, header: undefined }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(error.message).toContain('Header placeholder {{1}} has no value.');
	});

	it('rejects empty values, as Meta does', () => {
		const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, body: ['SUMMER20', '  '] }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(error.message).toContain('Body placeholder {{2}} is empty');
		expect(error.details.empty).toEqual(['body.2']);
	});

	it('names missing and extra named values', () => {
		const missing = expectPolicyError(
			() => assertTemplateSendable([orderConfirmation], { to, name: 'order_confirmation', languageCode: 'en_US', body: { first_name: 'Jessica' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(missing.message).toContain('Body placeholder {{order_number}} has no value.');

		const extra = expectPolicyError(
			() =>
				assertTemplateSendable([orderConfirmation], {
					to,
					name: 'order_confirmation',
					languageCode: 'en_US',
					body: { first_name: 'Jessica', order_number: 'SKBUP2-4CPIG9', firstname: 'x' },
				}),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(extra.message).toContain('Body value "firstname" matches no placeholder');
		expect(extra.details.extra).toEqual(['body.firstname']);

		const all = expectPolicyError(
			() => assertTemplateSendable(listed, { ...reservationRequest, body: { day: 'Saturday' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(all.message).toContain('Body placeholders {{number_of_guests}}, {{date}} and {{time}} have no value.');
	});

	it('takes a named text header value by its parameter name', () => {
		expect(assertTemplateSendable([shipping], shippingRequest).name).toBe('shipping_update');
		expect(() => assertTemplateSendable([shipping], { ...shippingRequest, header: { type: 'text', text: 'h'.repeat(60), parameterName: 'order_id' } })).not.toThrow();
		const tooLong = expectPolicyError(
			() => assertTemplateSendable([shipping], { ...shippingRequest, header: { type: 'text', text: 'h'.repeat(61), parameterName: 'order_id' } }),
			'TEXT_TOO_LONG',
		);
		expect(tooLong.details).toMatchObject({ field: 'header.order_id', length: 61, max: 60 });
	});

	it('names the header placeholder of a named template when its value is missing, empty, misnamed or unnamed', () => {
		const missing = expectPolicyError(() => assertTemplateSendable([shipping], { ...shippingRequest, header: undefined }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(missing.message).toContain('Header placeholder {{order_id}} has no value.');
		expect(missing.details).toMatchObject({ missing: ['header.order_id'], empty: [], extra: [], invalid: [] });

		const empty = expectPolicyError(
			() => assertTemplateSendable([shipping], { ...shippingRequest, header: { type: 'text', text: ' ', parameterName: 'order_id' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(empty.details.empty).toEqual(['header.order_id']);

		const misnamed = expectPolicyError(
			() => assertTemplateSendable([shipping], { ...shippingRequest, header: { type: 'text', text: 'SKBUP2-4CPIG9', parameterName: 'order' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(misnamed.message).toContain('Header value "order" matches no placeholder');
		expect(misnamed.details).toMatchObject({ missing: ['header.order_id'], extra: ['header.order'] });

		// Meta refuses a named template's value without its name (error 100), so the check does too.
		const unnamed = expectPolicyError(
			() => assertTemplateSendable([shipping], { ...shippingRequest, header: { type: 'text', text: 'SKBUP2-4CPIG9' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(unnamed.message).toContain("The header value was given without its placeholder's name, but this template uses named placeholders; give it as {{order_id}}.");
		expect(unnamed.details.invalid).toEqual(['header']);
	});

	it('refuses a list of values for a named template', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable([orderConfirmation], { to, name: 'order_confirmation', languageCode: 'en_US', body: ['Jessica', 'SKBUP2-4CPIG9'] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.message).toContain('give them by name');
		expect(error.details.invalid).toEqual(['body']);
	});

	it('refuses values for a template without placeholders', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable([locationTemplate], { to, name: 'pickup_point', languageCode: 'en', header: { type: 'location', latitude: 1, longitude: 2 }, body: ['x'] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.message).toContain("The template's body has no placeholders, but 1 value was given.");
	});

	it('refuses line breaks, tabs and more than 4 spaces in a row (Meta error 132018)', () => {
		for (const value of ['line\nbreak', 'tab\there', 'five     spaces']) {
			const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, body: ['SUMMER20', value] }), 'TEMPLATE_PARAMETERS_MISMATCH');
			expect(error.details.invalid).toEqual(['body.2']);
		}
		expect(() => assertTemplateSendable(listed, { ...couponRequest, body: ['SUMMER20', 'four    spaces'] })).not.toThrow();
	});

	it('limits header values to 60 and body values to 1024 characters', () => {
		expect(() => assertTemplateSendable(listed, { ...couponRequest, header: { type: 'text', text: 'h'.repeat(60) } })).not.toThrow();
		const header = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, header: { type: 'text', text: 'h'.repeat(61) } }), 'TEXT_TOO_LONG');
		expect(header.details).toMatchObject({ field: 'header.1', length: 61, max: 60 });
		expect(() => assertTemplateSendable(listed, { ...couponRequest, body: ['b'.repeat(1024), '10'] })).not.toThrow();
		const body = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, body: ['b'.repeat(1025), '10'] }), 'TEXT_TOO_LONG');
		expect(body.details).toMatchObject({ field: 'body.1', length: 1025, max: 1024 });
		expect(body.message).toContain('body placeholder {{1}}');
		// A body-only template allows longer values.
		expect(() =>
			assertTemplateSendable([orderConfirmation], {
				to,
				name: 'order_confirmation',
				languageCode: 'en_US',
				body: { first_name: 'n'.repeat(2000), order_number: '1' },
			}),
		).not.toThrow();
	});

	it('requires the media of a media header, of the right type', () => {
		const missing = expectPolicyError(() => assertTemplateSendable(listed, { ...reservationRequest, header: undefined }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(missing.message).toContain('image header');
		expect(missing.details.missing).toEqual(['header.media']);
		const wrongType = expectPolicyError(
			() => assertTemplateSendable(listed, { ...reservationRequest, header: { type: 'video', id: '123' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(wrongType.details.invalid).toEqual(['header.media']);
		const noSource = expectPolicyError(
			() => assertTemplateSendable(listed, { ...reservationRequest, header: { type: 'image', link: ' ' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(noSource.details.empty).toEqual(['header.media']);
		expect(() => assertTemplateSendable(listed, { ...reservationRequest, header: { type: 'image', id: '2762702990552401' } })).not.toThrow();
		const textForMedia = expectPolicyError(() => assertTemplateSendable(listed, { ...reservationRequest, header: { type: 'text', text: 'x' } }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(textForMedia.details.extra).toEqual(['header']);
	});

	it('refuses media for a template without a media header', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable(listed, { ...couponRequest, header: { type: 'image', link: 'https://example.com/a.jpg' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.details.extra).toEqual(['header.media']);
	});

	it('requires a valid location for a location header', () => {
		const request: TemplateSendRequest = { to, name: 'pickup_point', languageCode: 'en', header: { type: 'location', latitude: 37.48, longitude: -122.15 } };
		expect(() => assertTemplateSendable([locationTemplate], request)).not.toThrow();
		expectPolicyError(() => assertTemplateSendable([locationTemplate], { ...request, header: undefined }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expectPolicyError(() => assertTemplateSendable([locationTemplate], { ...request, header: { type: 'location', latitude: 91, longitude: 0 } }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, header: { type: 'location', latitude: 1, longitude: 1 } }), 'TEMPLATE_PARAMETERS_MISMATCH');
	});

	it('checks dynamic button values by button position', () => {
		const base: TemplateSendRequest = { to, name: 'order_shipped', languageCode: 'en_US', body: ['#1234'] };
		const trackAndCode: TemplateButtonInput[] = [
			{ subType: 'url', index: 0, text: 'ZX81' },
			{ subType: 'copy_code', index: 1, couponCode: 'SAVE10' },
		];
		expect(() => assertTemplateSendable([buttonsTemplate], { ...base, buttons: trackAndCode })).not.toThrow();
		expect(() => assertTemplateSendable([buttonsTemplate], { ...base, buttons: [...trackAndCode].reverse() })).not.toThrow();

		const none = expectPolicyError(() => assertTemplateSendable([buttonsTemplate], base), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(none.details.missing).toEqual(['button.0', 'button.1']);
		expect(none.message).toContain('Button 1 "Track order": link suffix has no value.');

		const empty = expectPolicyError(() => assertTemplateSendable([buttonsTemplate], { ...base, buttons: [trackAndCode[0], { subType: 'copy_code', index: 1, couponCode: '' }] }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(empty.details.empty).toEqual(['button.1']);

		// A quick-reply button may carry a payload of the sender's choosing; a static link button takes nothing.
		expect(() => assertTemplateSendable([buttonsTemplate], { ...base, buttons: [...trackAndCode, { subType: 'quick_reply', index: 2, payload: 'stop-updates' }] })).not.toThrow();
		const extra = expectPolicyError(
			() => assertTemplateSendable([buttonsTemplate], { ...base, buttons: [...trackAndCode, { subType: 'url', index: 3, text: 'nope' }] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(extra.details.extra).toEqual(['button.3']);
		expect(extra.message).toContain('button 4, but that button takes no value');

		// A position must be a whole number from 0.
		const badKey = expectPolicyError(
			() => assertTemplateSendable([buttonsTemplate], { ...base, buttons: [...trackAndCode, { subType: 'url', index: -1, text: 'x' }] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(badKey.details.extra).toEqual(['button.-1']);
	});

	it('reports several problems at once', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable(listed, { ...couponRequest, header: undefined, body: ['', '10', 'x'] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.details).toMatchObject({ missing: ['header.1'], empty: ['body.1'], extra: ['body.3'] });
		expect((error.details.problems as string[]).length).toBe(3);
	});
});
