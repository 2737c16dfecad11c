import {
	buildTemplateCreateRequest,
	TemplateDefinitionError,
	type TemplateButtonDefinition,
	type TemplateCreateInput,
	type TemplateDefinitionErrorCode,
} from '../../../core';
import namedCreateRequest from '../../fixtures/templates/meta_docs_create_template_named.json';

const base: TemplateCreateInput = {
	name: 'order_update',
	language: 'en_US',
	category: 'UTILITY',
	body: 'Hi {{1}}, your order {{2}} is on its way.',
	bodyExamples: { '1': 'Pablo', '2': '860198-230332' },
};

function refused(input: TemplateCreateInput, code: TemplateDefinitionErrorCode, field?: string): TemplateDefinitionError {
	try {
		buildTemplateCreateRequest(input);
	} catch (error) {
		expect(error).toBeInstanceOf(TemplateDefinitionError);
		const typed = error as TemplateDefinitionError;
		expect(typed.code).toBe(code);
		if (field !== undefined) expect(typed.field).toBe(field);
		expect(typed.hint).not.toBe('');
		return typed;
	}
	throw new Error('expected the template to be refused');
}

const quick = (text: string): TemplateButtonDefinition => ({ type: 'quick_reply', text });
const link = (text: string, url = 'https://www.example.com/help'): TemplateButtonDefinition => ({ type: 'url', text, url });

describe('buildTemplateCreateRequest: the request Meta documents', () => {
	it("builds Meta's named-parameter creation example (category and format in Meta's upper case)", () => {
		const request = buildTemplateCreateRequest({
			name: 'order_confirmation',
			language: 'en_US',
			category: 'utility',
			parameterFormat: 'NAMED',
			body: 'Thank you, {{first_name}}! Your order number is {{order_number}}.',
			bodyExamples: { first_name: 'Pablo', order_number: '860198-230332' },
		});
		expect(request).toEqual({
			name: namedCreateRequest.name,
			language: namedCreateRequest.language,
			category: 'UTILITY',
			parameter_format: 'NAMED',
			components: [{ type: 'BODY', text: namedCreateRequest.components[0].text, example: namedCreateRequest.components[0].example }],
		});
	});

	it('builds header, positional body examples in order, footer and every button kind', () => {
		const request = buildTemplateCreateRequest({
			...base,
			category: 'MARKETING',
			header: { type: 'text', text: 'Our {{1}} is on!', example: 'Summer Sale' },
			body: 'Use {{2}} before {{1}} to save.',
			bodyExamples: { '{{1}}': 'Friday', '2': '25OFF' },
			footer: 'Lucky Shrub',
			buttons: [
				quick('Stop promos'),
				quick('Talk to us'),
				{ type: 'url', text: 'Shop', url: 'https://www.luckyshrub.com/shop?promo={{1}}', example: 'summer2023' },
				{ type: 'phone_number', text: 'Call', phoneNumber: '15550051310' },
				{ type: 'copy_code', example: '25OFF' },
			],
		});
		expect(request.components).toEqual([
			{ type: 'HEADER', format: 'TEXT', text: 'Our {{1}} is on!', example: { header_text: ['Summer Sale'] } },
			{ type: 'BODY', text: 'Use {{2}} before {{1}} to save.', example: { body_text: [['Friday', '25OFF']] } },
			{ type: 'FOOTER', text: 'Lucky Shrub' },
			{
				type: 'BUTTONS',
				buttons: [
					{ type: 'QUICK_REPLY', text: 'Stop promos' },
					{ type: 'QUICK_REPLY', text: 'Talk to us' },
					{ type: 'URL', text: 'Shop', url: 'https://www.luckyshrub.com/shop?promo={{1}}', example: ['https://www.luckyshrub.com/shop?promo=summer2023'] },
					{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '15550051310' },
					{ type: 'COPY_CODE', example: '25OFF' },
				],
			},
		]);
	});

	it('builds media and location headers, and a named text header', () => {
		expect(buildTemplateCreateRequest({ ...base, header: { type: 'document', example: '4::YX' } }).components[0]).toEqual({
			type: 'HEADER',
			format: 'DOCUMENT',
			example: { header_handle: ['4::YX'] },
		});
		expect(buildTemplateCreateRequest({ ...base, header: { type: 'location' } }).components[0]).toEqual({ type: 'HEADER', format: 'LOCATION' });
		const named = buildTemplateCreateRequest({
			...base,
			parameterFormat: 'NAMED',
			header: { type: 'text', text: 'Order {{order_id}}', example: 'SKBUP2' },
			body: 'Hello {{first_name}}, thanks.',
			bodyExamples: { first_name: 'Pablo' },
		});
		expect(named.components[0]).toEqual({
			type: 'HEADER',
			format: 'TEXT',
			text: 'Order {{order_id}}',
			example: { header_text_named_params: [{ param_name: 'order_id', example: 'SKBUP2' }] },
		});
	});

	it("builds an authentication template with Meta's preset components", () => {
		const request = buildTemplateCreateRequest({
			name: 'login_code',
			language: 'en_US',
			category: 'AUTHENTICATION',
			authentication: { addSecurityRecommendation: true, codeExpirationMinutes: 10, buttonText: 'Copy code' },
		});
		expect(request.components).toEqual([
			{ type: 'BODY', add_security_recommendation: true },
			{ type: 'FOOTER', code_expiration_minutes: 10 },
			{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
		]);
		refused({ ...base, category: 'AUTHENTICATION' }, 'TEMPLATE_CATEGORY_INVALID', 'category');
		refused({ name: 'login_code', language: 'en', category: 'AUTHENTICATION', authentication: { codeExpirationMinutes: 91 } }, 'TEMPLATE_FOOTER_INVALID');
	});
});

describe("buildTemplateCreateRequest: Meta's rules, checked before the call", () => {
	it.each([
		['Order Update', 'uppercase and a space'],
		['order-update', 'a hyphen'],
		['', 'empty'],
		['a'.repeat(513), 'over 512 characters'],
	])('refuses the name %j (%s)', (name) => {
		refused({ ...base, name }, 'TEMPLATE_NAME_INVALID', 'name');
	});

	it('suggests a valid name', () => {
		expect(refused({ ...base, name: 'Order Update!' }, 'TEMPLATE_NAME_INVALID').hint).toContain('"order_update"');
		expect(() => buildTemplateCreateRequest({ ...base, name: 'a'.repeat(512) })).not.toThrow();
	});

	it('refuses an unknown category and a missing language', () => {
		refused({ ...base, category: 'TRANSACTIONAL' }, 'TEMPLATE_CATEGORY_INVALID', 'category');
		refused({ ...base, language: ' ' }, 'TEMPLATE_LANGUAGE_INVALID', 'language');
	});

	it('limits the header to 60 characters and one variable with an example', () => {
		expect(() => buildTemplateCreateRequest({ ...base, header: { type: 'text', text: 'h'.repeat(60) } })).not.toThrow();
		refused({ ...base, header: { type: 'text', text: 'h'.repeat(61) } }, 'TEMPLATE_HEADER_INVALID', 'header');
		refused({ ...base, header: { type: 'text', text: 'Hi {{1}} and {{2}}', example: 'x' } }, 'TEMPLATE_VARIABLES_INVALID', 'header');
		refused({ ...base, header: { type: 'text', text: 'Hi {{1}}' } }, 'TEMPLATE_EXAMPLE_MISSING', 'header');
		refused({ ...base, header: { type: 'image', example: '' } }, 'TEMPLATE_EXAMPLE_MISSING', 'header');
		refused({ ...base, category: 'MARKETING', header: { type: 'location' }, body: '' }, 'TEMPLATE_BODY_INVALID', 'body');
	});

	it('limits the body to 1,024 characters (code points) and the footer to 60, without variables', () => {
		expect(() => buildTemplateCreateRequest({ ...base, body: '😀'.repeat(1024), bodyExamples: {} })).not.toThrow();
		refused({ ...base, body: 'b'.repeat(1025), bodyExamples: {} }, 'TEMPLATE_BODY_INVALID', 'body');
		refused({ ...base, footer: 'f'.repeat(61) }, 'TEMPLATE_FOOTER_INVALID', 'footer');
		refused({ ...base, footer: 'Hi {{1}}' }, 'TEMPLATE_FOOTER_INVALID', 'footer');
	});

	it('wants positional variables {{1}}..{{n}} without gaps, and no variable opening or closing the body', () => {
		const gap = refused({ ...base, body: 'Hi {{1}}, see {{3}} now.', bodyExamples: { '1': 'a', '3': 'c' } }, 'TEMPLATE_VARIABLES_INVALID', 'body');
		expect(gap.message).toContain('{{2}}');
		refused({ ...base, body: '{{1}} is your order.', bodyExamples: { '1': 'a' } }, 'TEMPLATE_VARIABLES_INVALID', 'body');
		refused({ ...base, body: 'Your order is {{1}}', bodyExamples: { '1': 'a' } }, 'TEMPLATE_VARIABLES_INVALID', 'body');
		refused({ ...base, body: 'Hi {{first_name}}, thanks.', bodyExamples: { first_name: 'a' } }, 'TEMPLATE_VARIABLES_INVALID', 'body');
		refused({ ...base, body: 'Hi {{1}, thanks.' }, 'TEMPLATE_VARIABLES_INVALID', 'body');
	});

	it('wants named variables in lowercase, and refuses numbers in a named template', () => {
		const named = { ...base, parameterFormat: 'NAMED' as const };
		refused({ ...named, body: 'Hi {{First_Name}}, thanks.', bodyExamples: { First_Name: 'a' } }, 'TEMPLATE_VARIABLES_INVALID', 'body');
		refused({ ...named, body: 'Hi {{1}}, thanks.', bodyExamples: { '1': 'a' } }, 'TEMPLATE_VARIABLES_INVALID', 'body');
	});

	it('names every body variable without an example', () => {
		const error = refused({ ...base, bodyExamples: { '1': 'Pablo' } }, 'TEMPLATE_EXAMPLE_MISSING', 'body');
		expect(error.message).toContain('{{2}}');
		expect(error.message).not.toContain('{{1}}');
	});

	it('limits buttons: 10 in all, quick replies grouped, 2 URL, 1 phone, 1 copy code, labels of 25', () => {
		expect(() => buildTemplateCreateRequest({ ...base, buttons: Array.from({ length: 10 }, (_, i) => quick(`Option ${i}`)) })).not.toThrow();
		refused({ ...base, buttons: Array.from({ length: 11 }, (_, i) => quick(`Option ${i}`)) }, 'TEMPLATE_BUTTONS_INVALID', 'buttons');
		refused({ ...base, buttons: [quick('A'), link('Web'), quick('B')] }, 'TEMPLATE_BUTTONS_INVALID', 'buttons');
		expect(() => buildTemplateCreateRequest({ ...base, buttons: [link('Web'), link('Help'), quick('A'), quick('B')] })).not.toThrow();
		refused({ ...base, buttons: [link('A'), link('B'), link('C')] }, 'TEMPLATE_BUTTONS_INVALID', 'buttons');
		const phone = (text: string): TemplateButtonDefinition => ({ type: 'phone_number', text, phoneNumber: '15550051310' });
		refused({ ...base, buttons: [phone('A'), phone('B')] }, 'TEMPLATE_BUTTONS_INVALID', 'buttons');
		refused({ ...base, buttons: [{ type: 'copy_code', example: 'A' }, { type: 'copy_code', example: 'B' }] }, 'TEMPLATE_BUTTONS_INVALID', 'buttons');
		expect(() => buildTemplateCreateRequest({ ...base, buttons: [quick('x'.repeat(25))] })).not.toThrow();
		refused({ ...base, buttons: [quick('x'.repeat(26))] }, 'TEMPLATE_BUTTONS_INVALID', 'buttons[0]');
	});

	it('lets a URL button have one variable, at its end, with an example', () => {
		refused({ ...base, buttons: [{ type: 'url', text: 'Track', url: 'https://x.example/{{1}}/status', example: 'a' }] }, 'TEMPLATE_BUTTONS_INVALID', 'buttons[0]');
		refused({ ...base, buttons: [{ type: 'url', text: 'Track', url: 'https://x.example/{{1}}' }] }, 'TEMPLATE_BUTTONS_INVALID', 'buttons[0]');
		refused({ ...base, buttons: [{ type: 'url', text: 'Track', url: 'www.example.com' }] }, 'TEMPLATE_BUTTONS_INVALID', 'buttons[0]');
	});

	it('reports every problem in details, the first in the message', () => {
		const error = refused({ ...base, name: 'Bad Name', body: '', footer: 'f'.repeat(61) }, 'TEMPLATE_NAME_INVALID', 'name');
		expect((error.details.problems as Array<{ field: string }>).map((problem) => problem.field)).toEqual(['name', 'body', 'footer']);
		expect(error.message).toContain('2 more problems');
	});
});
