import { extractPlaceholders, type TemplateDefinition } from '../../../core/template';
import { buttonsTemplate, coupon, orderConfirmation, reservation } from './templates';

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
