/** Templates the template tests share: Meta's documented examples and a few written for one case each. */
import type { TemplateDefinition } from '../../../core/template';
import templatesResponse from '../../fixtures/templates/meta_docs_get_message_templates_response.json';
import templateNames from '../../fixtures/templates/meta_docs_get_message_templates_fields_response.json';
import namedCreateRequest from '../../fixtures/templates/meta_docs_create_template_named.json';

/** An approved UTILITY template in en_US named "x", with what `overrides` changes. */
export function template(overrides: Partial<TemplateDefinition> & Pick<TemplateDefinition, 'components'>): TemplateDefinition {
	return { name: 'x', language: 'en_US', status: 'APPROVED', category: 'UTILITY', ...overrides };
}

export const listed: TemplateDefinition[] = templatesResponse.data;
export const [reservation, coupon] = listed;
/** Meta's creation example, as the list endpoint would return it once approved. */
export const orderConfirmation: TemplateDefinition = { ...namedCreateRequest, status: 'APPROVED' };
/** Names and statuses only; the tests give each one language and no components. */
export const statusOnly: TemplateDefinition[] = templateNames.data.map((t) => ({ ...t, language: 'en_US', components: [] }));

export const buttonsTemplate = template({
	name: 'order_shipped',
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
});

export const locationTemplate = template({
	name: 'pickup_point',
	language: 'en',
	components: [
		{ type: 'HEADER', format: 'LOCATION' },
		{ type: 'BODY', text: 'Your parcel waits at this pickup point.' },
	],
});

/** The input mapping's and the mapper fields' templates: text, media and location headers, positional and named, buttons. */
export const positional = template({
	parameter_format: 'POSITIONAL',
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Hi {{1}}', example: { header_text: ['Pablo'] } },
		{ type: 'BODY', text: 'Order {{2}} for {{1}}, total {{3}}.', example: { body_text: [['Pablo', '#12', '9 €']] } },
	],
});

export const named = template({
	parameter_format: 'NAMED',
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Hello {{first_name}}' },
		{
			type: 'BODY',
			text: 'Thank you, {{first_name}}! Your order number is {{order_number}}.',
			example: { body_text_named_params: [{ param_name: 'first_name', example: 'Pablo' }, { param_name: 'order_number', example: '860198' }] },
		},
	],
});

export const withButtons = template({
	components: [
		{ type: 'BODY', text: 'Your order {{1}} has shipped.' },
		{
			type: 'BUTTONS',
			buttons: [
				{ type: 'QUICK_REPLY', text: 'Stop updates' },
				{ type: 'URL', text: 'Track order', url: 'https://shop.example/track/{{1}}', example: ['https://shop.example/track/ZX81'] },
				{ type: 'COPY_CODE', example: 'SAVE10' },
			],
		},
	],
});

export const mediaHeader = (format: string) =>
	template({ components: [{ type: 'HEADER', format }, { type: 'BODY', text: 'See attached.' }] });
