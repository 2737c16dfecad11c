import {
	assertTemplateSendable,
	describeTemplateFields,
	extractPlaceholders,
	type TemplateSendRequest,
} from '../../../core/policy';
import type { TemplateDefinition } from '../../../core/template/definition';
import templatesResponse from '../../fixtures/templates/meta_docs_get_message_templates_response.json';
import templateNames from '../../fixtures/templates/meta_docs_get_message_templates_fields_response.json';
import namedCreateRequest from '../../fixtures/templates/meta_docs_create_template_named.json';
import { expectPolicyError } from './expect-policy-error';

const listed: TemplateDefinition[] = templatesResponse.data;
const [reservation, coupon] = listed;
/** Meta's creation example, as the list endpoint would return it once approved. */
const orderConfirmation: TemplateDefinition = { ...namedCreateRequest, status: 'APPROVED' };
/** Names and statuses only; the tests give each one language and no components. */
const statusOnly: TemplateDefinition[] = templateNames.data.map((t) => ({ ...t, language: 'en_US', components: [] }));

const buttonsTemplate: TemplateDefinition = {
	name: 'order_shipped',
	language: 'en_US',
	status: 'APPROVED',
	category: 'UTILITY',
	components: [
		{ type: 'BODY', text: 'Your order {{1}} has shipped.', example: { body_text: [['#1234']] } },
		{
			type: 'BUTTONS',
			buttons: [
				{ type: 'URL', text: 'Track order', url: 'https://shop.example/track/{{1}}', example: ['https://shop.example/track/ZX81'] },
				{ type: 'COPY_CODE', example: 'SAVE10' },
				{ type: 'QUICK_REPLY', text: 'Stop updates' },
				{ type: 'URL', text: 'Our shop', url: 'https://shop.example' },
			],
		},
	],
};

const locationTemplate: TemplateDefinition = {
	name: 'pickup_point',
	language: 'en',
	status: 'APPROVED',
	category: 'UTILITY',
	components: [
		{ type: 'HEADER', format: 'LOCATION' },
		{ type: 'BODY', text: 'Your parcel waits at this pickup point.' },
	],
};

const couponRequest: TemplateSendRequest = {
	name: 'coupon_expiration_reminder_number_vars',
	language: 'en',
	headerParameters: ['Pablo'],
	bodyParameters: ['SUMMER20', '10'],
};

const reservationRequest: TemplateSendRequest = {
	name: 'reservation_confirmation',
	language: 'en_US',
	headerMedia: { type: 'image', link: 'https://example.com/table.jpg' },
	bodyParameters: { number_of_guests: '4', day: 'Saturday', date: 'August 30th, 2025', time: '7:30 pm' },
};

describe('extractPlaceholders', () => {
	it('reads a POSITIONAL template with a text header', () => {
		expect(extractPlaceholders(coupon)).toEqual({
			format: 'POSITIONAL',
			header: { format: 'TEXT', placeholders: ['1'] },
			body: ['1', '2'],
			buttons: [], // its URL button has no {{1}}
		});
	});

	it('reads a NAMED template with an image header', () => {
		expect(extractPlaceholders(reservation)).toEqual({
			format: 'NAMED',
			header: { format: 'IMAGE', placeholders: [] },
			body: ['number_of_guests', 'day', 'date', 'time'],
			buttons: [],
		});
	});

	it("reads Meta's creation example spelled in lower case", () => {
		expect(extractPlaceholders(orderConfirmation)).toEqual({
			format: 'NAMED',
			header: { format: null, placeholders: [] },
			body: ['first_name', 'order_number'],
			buttons: [],
		});
	});

	it('detects the format from the placeholders when parameter_format is absent', () => {
		expect(extractPlaceholders({ ...orderConfirmation, parameter_format: undefined }).format).toBe('NAMED');
		expect(extractPlaceholders({ ...coupon, parameter_format: undefined }).format).toBe('POSITIONAL');
	});

	it('sorts positional placeholders by number and lists each once', () => {
		const template: TemplateDefinition = {
			...coupon,
			components: [{ type: 'BODY', text: 'Hi {{2}}, {{1}} and {{ 2 }} again, then {{10}} and {{3}}' }],
		};
		expect(extractPlaceholders(template).body).toEqual(['1', '2', '3', '10']);
	});

	it('finds dynamic URL, copy-code and OTP buttons by position', () => {
		expect(extractPlaceholders(buttonsTemplate).buttons).toEqual([
			{ index: 0, type: 'URL', text: 'Track order', kind: 'url_suffix' },
			{ index: 1, type: 'COPY_CODE', text: null, kind: 'coupon_code' },
		]);
		const otp: TemplateDefinition = {
			name: 'login_code',
			language: 'en',
			status: 'APPROVED',
			category: 'AUTHENTICATION',
			components: [{ type: 'BODY', text: '{{1}} is your verification code.' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', text: 'Copy code' }] }],
		};
		expect(extractPlaceholders(otp).buttons).toEqual([{ index: 0, type: 'OTP', text: 'Copy code', kind: 'otp_code' }]);
	});
});

describe('describeTemplateFields', () => {
	it('lists positional fields with the examples Meta stored', () => {
		expect(describeTemplateFields(coupon)).toEqual([
			{ key: 'header.1', component: 'header', placeholder: '1', type: 'text', label: 'Header {{1}}', required: true, example: 'Pablo' },
			{ key: 'body.1', component: 'body', placeholder: '1', type: 'text', label: 'Body {{1}}', required: true, example: 'SUMMER20' },
			{ key: 'body.2', component: 'body', placeholder: '2', type: 'text', label: 'Body {{2}}', required: true, example: '10' },
			{ key: 'button.1', component: 'button', placeholder: null, type: 'quick_reply_payload', label: 'Button 2 "Unsubscribe": payload sent back when tapped (optional)', required: false, example: null, buttonIndex: 1 },
		]);
	});

	it('lists named fields and the media header', () => {
		const fields = describeTemplateFields(reservation);
		expect(fields.map((f) => f.key)).toEqual(['header.media', 'body.number_of_guests', 'body.day', 'body.date', 'body.time', 'button.2']);
		expect(fields[0]).toMatchObject({ type: 'image', placeholder: null, label: 'Header image', example: 'https://scontent.whatsapp.net/v/t61...' });
		expect(fields.map((f) => f.example)).toEqual(['https://scontent.whatsapp.net/v/t61...', '4', 'Saturday', 'August 30th, 2025', '7:30 pm', null]);
		expect(describeTemplateFields(orderConfirmation)).toEqual([
			{ key: 'body.first_name', component: 'body', placeholder: 'first_name', type: 'text', label: 'Body {{first_name}}', required: true, example: 'Pablo' },
			{ key: 'body.order_number', component: 'body', placeholder: 'order_number', type: 'text', label: 'Body {{order_number}}', required: true, example: '860198-230332' },
		]);
	});

	it('lists button fields with the link suffix as example', () => {
		const fields = describeTemplateFields(buttonsTemplate);
		expect(fields.slice(1)).toEqual([
			{ key: 'button.0', component: 'button', placeholder: null, type: 'url_suffix', label: 'Button 1 "Track order": link suffix', required: true, example: 'ZX81', buttonIndex: 0 },
			{ key: 'button.1', component: 'button', placeholder: null, type: 'coupon_code', label: 'Button 2: coupon code', required: true, example: 'SAVE10', buttonIndex: 1 },
			{ key: 'button.2', component: 'button', placeholder: null, type: 'quick_reply_payload', label: 'Button 3 "Stop updates": payload sent back when tapped (optional)', required: false, example: null, buttonIndex: 2 },
		]);
		expect(describeTemplateFields(locationTemplate)).toEqual([
			{ key: 'header.location', component: 'header', placeholder: null, type: 'location', label: 'Header location', required: true, example: null },
		]);
	});
});

describe('assertTemplateSendable: finding the template', () => {
	it('returns the matching template for a correct request', () => {
		expect(assertTemplateSendable(listed, couponRequest)).toBe(coupon);
		expect(assertTemplateSendable(listed, reservationRequest)).toBe(reservation);
		expect(assertTemplateSendable(coupon, couponRequest)).toBe(coupon);
		// Meta's own send example for the named template.
		expect(
			assertTemplateSendable([orderConfirmation], {
				name: 'order_confirmation',
				language: 'en_US',
				bodyParameters: { first_name: 'Jessica', order_number: 'SKBUP2-4CPIG9' },
			}),
		).toBe(orderConfirmation);
	});

	it('matches the language regardless of case and separator', () => {
		expect(assertTemplateSendable(listed, { ...reservationRequest, language: 'en-us' })).toBe(reservation);
	});

	it('picks the version in the requested language', () => {
		const spanish: TemplateDefinition = { ...coupon, language: 'es', id: 'es-version' };
		expect(assertTemplateSendable([coupon, spanish], { ...couponRequest, language: 'es' })).toBe(spanish);
	});

	it('throws TEMPLATE_NOT_FOUND with close names', () => {
		const typo = expectPolicyError(() => assertTemplateSendable(listed, { ...reservationRequest, name: 'reservation_confirmaton' }), 'TEMPLATE_NOT_FOUND');
		expect(typo.message).toContain('Did you mean "reservation_confirmation"?');
		expect(typo.details).toMatchObject({ name: 'reservation_confirmaton', suggestions: ['reservation_confirmation'] });

		const partial = expectPolicyError(
			() => assertTemplateSendable(statusOnly, { name: 'coupon_expiration_reminder', language: 'en_US' }),
			'TEMPLATE_NOT_FOUND',
		);
		expect(partial.details.suggestions).toEqual(['coupon_expiration_reminder_named_vars', 'coupon_expiration_reminder_number_vars']);

		const unknown = expectPolicyError(() => assertTemplateSendable(listed, { name: 'hello_world', language: 'en_US' }), 'TEMPLATE_NOT_FOUND');
		expect(unknown.message).not.toContain('Did you mean');
		expect(unknown.details.suggestions).toEqual([]);

		expectPolicyError(() => assertTemplateSendable(undefined, couponRequest), 'TEMPLATE_NOT_FOUND');
		expectPolicyError(() => assertTemplateSendable([], couponRequest), 'TEMPLATE_NOT_FOUND');
		expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, name: '  ' }), 'TEMPLATE_NOT_FOUND');
	});

	it('throws TEMPLATE_LANGUAGE_UNAVAILABLE listing the languages it has', () => {
		const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, language: 'fr' }), 'TEMPLATE_LANGUAGE_UNAVAILABLE');
		expect(error.message).toContain('"fr"');
		expect(error.message).toContain('en (approved)');
		expect(error.details).toEqual({ name: 'coupon_expiration_reminder_number_vars', language: 'fr', available: ['en'] });
		// "en" and "en_US" are different languages at Meta.
		expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, language: 'en_US' }), 'TEMPLATE_LANGUAGE_UNAVAILABLE');
	});

	it.each([
		['address_update', 'PENDING'],
		['reservation_confirmation_short_banner', 'REJECTED'],
	])('throws TEMPLATE_NOT_APPROVED for %s (%s)', (name, status) => {
		const error = expectPolicyError(() => assertTemplateSendable(statusOnly, { name, language: 'en_US' }), 'TEMPLATE_NOT_APPROVED');
		expect(error.message).toContain(status);
		expect(error.details).toEqual({ name, language: 'en_US', status });
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
		expect(() => assertTemplateSendable(listed, { ...couponRequest, bodyParameters: { '1': 'SUMMER20', '2': '10' }, headerParameters: { '{{1}}': 'Pablo' } })).not.toThrow();
	});

	it('names a missing positional value', () => {
		const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, bodyParameters: ['SUMMER20'] }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(error.message).toContain('Body placeholder {{2}} has no value.');
		expect(error.hint).toContain('Header {{1}}, Body {{1}} and Body {{2}}');
		expect(error.details).toMatchObject({ missing: ['body.2'], extra: [], empty: [], parameterFormat: 'POSITIONAL' });
	});

	it('names extra positional values', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable(listed, { ...couponRequest, bodyParameters: ['SUMMER20', '10', 'more'] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.message).toContain('The body got 3 values, but the template has 2 placeholders ({{1}} and {{2}}).');
		expect(error.details.extra).toEqual(['body.3']);
	});

	it('requires the text header value', () => {
		const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, headerParameters: undefined }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(error.message).toContain('Header placeholder {{1}} has no value.');
	});

	it('rejects empty values, as Meta does', () => {
		const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, bodyParameters: ['SUMMER20', '  '] }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(error.message).toContain('Body placeholder {{2}} is empty');
		expect(error.details.empty).toEqual(['body.2']);
	});

	it('names missing and extra named values', () => {
		const missing = expectPolicyError(
			() => assertTemplateSendable([orderConfirmation], { name: 'order_confirmation', language: 'en_US', bodyParameters: { first_name: 'Jessica' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(missing.message).toContain('Body placeholder {{order_number}} has no value.');

		const extra = expectPolicyError(
			() =>
				assertTemplateSendable([orderConfirmation], {
					name: 'order_confirmation',
					language: 'en_US',
					bodyParameters: { first_name: 'Jessica', order_number: 'SKBUP2-4CPIG9', firstname: 'x' },
				}),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(extra.message).toContain('Body value "firstname" matches no placeholder');
		expect(extra.details.extra).toEqual(['body.firstname']);

		const all = expectPolicyError(
			() => assertTemplateSendable(listed, { ...reservationRequest, bodyParameters: { day: 'Saturday' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(all.message).toContain('Body placeholders {{number_of_guests}}, {{date}} and {{time}} have no value.');
	});

	it('refuses a list of values for a named template', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable([orderConfirmation], { name: 'order_confirmation', language: 'en_US', bodyParameters: ['Jessica', 'SKBUP2-4CPIG9'] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.message).toContain('give them by name');
		expect(error.details.invalid).toEqual(['body']);
	});

	it('refuses values for a template without placeholders', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable([locationTemplate], { name: 'pickup_point', language: 'en', headerLocation: { latitude: 1, longitude: 2 }, bodyParameters: ['x'] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.message).toContain("The template's body has no placeholders, but 1 value was given.");
	});

	it('refuses line breaks, tabs and more than 4 spaces in a row (Meta error 132018)', () => {
		for (const value of ['line\nbreak', 'tab\there', 'five     spaces']) {
			const error = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, bodyParameters: ['SUMMER20', value] }), 'TEMPLATE_PARAMETERS_MISMATCH');
			expect(error.details.invalid).toEqual(['body.2']);
		}
		expect(() => assertTemplateSendable(listed, { ...couponRequest, bodyParameters: ['SUMMER20', 'four    spaces'] })).not.toThrow();
	});

	it('limits header values to 60 and body values to 1024 characters', () => {
		expect(() => assertTemplateSendable(listed, { ...couponRequest, headerParameters: ['h'.repeat(60)] })).not.toThrow();
		const header = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, headerParameters: ['h'.repeat(61)] }), 'TEXT_TOO_LONG');
		expect(header.details).toMatchObject({ field: 'header.1', length: 61, max: 60 });
		expect(() => assertTemplateSendable(listed, { ...couponRequest, bodyParameters: ['b'.repeat(1024), '10'] })).not.toThrow();
		const body = expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, bodyParameters: ['b'.repeat(1025), '10'] }), 'TEXT_TOO_LONG');
		expect(body.details).toMatchObject({ field: 'body.1', length: 1025, max: 1024 });
		expect(body.message).toContain('body placeholder {{1}}');
		// A body-only template allows longer values.
		expect(() =>
			assertTemplateSendable([orderConfirmation], {
				name: 'order_confirmation',
				language: 'en_US',
				bodyParameters: { first_name: 'n'.repeat(2000), order_number: '1' },
			}),
		).not.toThrow();
	});

	it('requires the media of a media header, of the right type', () => {
		const missing = expectPolicyError(() => assertTemplateSendable(listed, { ...reservationRequest, headerMedia: undefined }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(missing.message).toContain('image header');
		expect(missing.details.missing).toEqual(['header.media']);
		const wrongType = expectPolicyError(
			() => assertTemplateSendable(listed, { ...reservationRequest, headerMedia: { type: 'video', id: '123' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(wrongType.details.invalid).toEqual(['header.media']);
		const noSource = expectPolicyError(
			() => assertTemplateSendable(listed, { ...reservationRequest, headerMedia: { type: 'image', link: ' ' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(noSource.details.empty).toEqual(['header.media']);
		expect(() => assertTemplateSendable(listed, { ...reservationRequest, headerMedia: { type: 'image', id: '2762702990552401' } })).not.toThrow();
		const textForMedia = expectPolicyError(() => assertTemplateSendable(listed, { ...reservationRequest, headerParameters: ['x'] }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(textForMedia.details.extra).toEqual(['header']);
	});

	it('refuses media for a template without a media header', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable(listed, { ...couponRequest, headerMedia: { type: 'image', link: 'https://example.com/a.jpg' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.details.extra).toEqual(['header.media']);
	});

	it('requires a valid location for a location header', () => {
		const request: TemplateSendRequest = { name: 'pickup_point', language: 'en', headerLocation: { latitude: 37.48, longitude: -122.15 } };
		expect(() => assertTemplateSendable([locationTemplate], request)).not.toThrow();
		expectPolicyError(() => assertTemplateSendable([locationTemplate], { ...request, headerLocation: undefined }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expectPolicyError(() => assertTemplateSendable([locationTemplate], { ...request, headerLocation: { latitude: 91, longitude: 0 } }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expectPolicyError(() => assertTemplateSendable(listed, { ...couponRequest, headerLocation: { latitude: 1, longitude: 1 } }), 'TEMPLATE_PARAMETERS_MISMATCH');
	});

	it('checks dynamic button values by button position', () => {
		const base: TemplateSendRequest = { name: 'order_shipped', language: 'en_US', bodyParameters: ['#1234'] };
		expect(() => assertTemplateSendable([buttonsTemplate], { ...base, buttonParameters: ['ZX81', 'SAVE10'] })).not.toThrow();
		expect(() => assertTemplateSendable([buttonsTemplate], { ...base, buttonParameters: { '0': 'ZX81', '1': 'SAVE10' } })).not.toThrow();

		const none = expectPolicyError(() => assertTemplateSendable([buttonsTemplate], base), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(none.details.missing).toEqual(['button.0', 'button.1']);
		expect(none.message).toContain('Button 1 "Track order": link suffix has no value.');

		const empty = expectPolicyError(() => assertTemplateSendable([buttonsTemplate], { ...base, buttonParameters: ['ZX81', ''] }), 'TEMPLATE_PARAMETERS_MISMATCH');
		expect(empty.details.empty).toEqual(['button.1']);

		// A quick-reply button may carry a payload of the sender's choosing; a static link button takes nothing.
		expect(() => assertTemplateSendable([buttonsTemplate], { ...base, buttonParameters: { '0': 'ZX81', '1': 'SAVE10', '2': 'stop-updates' } })).not.toThrow();
		const extra = expectPolicyError(
			() => assertTemplateSendable([buttonsTemplate], { ...base, buttonParameters: { '0': 'ZX81', '1': 'SAVE10', '3': 'nope' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(extra.details.extra).toEqual(['button.3']);
		expect(extra.message).toContain('button 4, but that button takes no value');

		const badKey = expectPolicyError(
			() => assertTemplateSendable([buttonsTemplate], { ...base, buttonParameters: { '0': 'ZX81', '1': 'SAVE10', track: 'x' } }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(badKey.details.extra).toEqual(['button.track']);
	});

	it('reports several problems at once', () => {
		const error = expectPolicyError(
			() => assertTemplateSendable(listed, { ...couponRequest, headerParameters: [], bodyParameters: ['', '10', 'x'] }),
			'TEMPLATE_PARAMETERS_MISMATCH',
		);
		expect(error.details).toMatchObject({ missing: ['header.1'], empty: ['body.1'], extra: ['body.3'] });
		expect((error.details.problems as string[]).length).toBe(3);
	});
});
