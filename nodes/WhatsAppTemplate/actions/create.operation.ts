import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import {
	buildTemplateCreateRequest,
	TEMPLATE_BODY_TEXT_MAX_LENGTH,
	TEMPLATE_BUTTON_TEXT_MAX_LENGTH,
	TEMPLATE_FOOTER_TEXT_MAX_LENGTH,
	TEMPLATE_HEADER_TEXT_MAX_LENGTH,
	TEMPLATE_MAX_BUTTONS,
	TEMPLATE_NAME_MAX_LENGTH,
	type TemplateButtonDefinition,
	type TemplateCreateInput,
	type TemplateHeaderDefinition,
} from '../../../core';
import { templateCatalog } from '../../shared/core-access';
import type { OperationExecute } from './common';

const notAuthentication = { hide: { category: ['AUTHENTICATION'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'order_update',
		description: `Lowercase letters, digits and underscores, at most ${TEMPLATE_NAME_MAX_LENGTH} characters; one name can have a version per language`,
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: 'en_US',
		required: true,
		placeholder: 'en_US',
		description: "The language code of the text, from Meta's supported languages (en_US, es, pt_BR...)",
	},
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		options: [
			{ name: 'Authentication', value: 'AUTHENTICATION', description: "One-time codes, with Meta's preset text and a copy-code button" },
			{ name: 'Marketing', value: 'MARKETING', description: 'Promotions, offers, announcements and anything not utility or authentication' },
			{ name: 'Utility', value: 'UTILITY', description: 'Updates on an order, booking or account the customer asked for' },
		],
		default: 'UTILITY',
		description: 'Meta may change the category after review; the list then shows the previous one',
	},
	{
		displayName: 'Parameter Format',
		name: 'parameterFormat',
		type: 'options',
		options: [
			{ name: 'Positional ({{1}}, {{2}}...)', value: 'POSITIONAL' },
			{ name: 'Named ({{first_name}}...)', value: 'NAMED' },
		],
		default: 'POSITIONAL',
		description: 'How the variables in the header, body and URL buttons are written',
		displayOptions: notAuthentication,
	},
	{
		displayName: 'Header',
		name: 'headerType',
		type: 'options',
		options: [
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Location', value: 'location', description: 'A map of a place given when sending' },
			{ name: 'None', value: 'none' },
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
		default: 'none',
		displayOptions: notAuthentication,
	},
	{
		displayName: 'Header Text',
		name: 'headerText',
		type: 'string',
		default: '',
		placeholder: 'Your order {{1}} has shipped',
		description: `At most ${TEMPLATE_HEADER_TEXT_MAX_LENGTH} characters and one variable`,
		displayOptions: { show: { headerType: ['text'] }, ...notAuthentication },
	},
	{
		displayName: 'Header Variable Example',
		name: 'headerExample',
		type: 'string',
		default: '',
		placeholder: 'SKBUP2-4CPIG9',
		description: "An example of the header variable's value, for Meta's review",
		displayOptions: { show: { headerType: ['text'] }, ...notAuthentication },
	},
	{
		displayName: 'Header Example Media Handle',
		name: 'headerHandle',
		type: 'string',
		default: '',
		placeholder: '4::aW...',
		description: "The handle of an example file uploaded with Meta's Resumable Upload API, for Meta's review; the real media is given when sending",
		displayOptions: { show: { headerType: ['image', 'video', 'document'] }, ...notAuthentication },
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'Hi {{1}}, your order {{2}} is on its way.',
		description: `The message text, at most ${TEMPLATE_BODY_TEXT_MAX_LENGTH} characters; variables may not open or close it`,
		displayOptions: notAuthentication,
	},
	{
		displayName: 'Body Variable Examples',
		name: 'bodyExamples',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Example',
		default: {},
		description: "One example value per body variable, for Meta's review",
		displayOptions: notAuthentication,
		options: [
			{
				displayName: 'Example',
				name: 'examples',
				values: [
					{
						displayName: 'Variable',
						name: 'variable',
						type: 'string',
						default: '',
						placeholder: '1 or first_name',
						description: 'The variable, as written between the braces',
					},
					{
						displayName: 'Example',
						name: 'example',
						type: 'string',
						default: '',
						placeholder: 'Pablo',
					},
				],
			},
		],
	},
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		placeholder: 'Reply STOP to opt out',
		description: `Fixed text under the body, at most ${TEMPLATE_FOOTER_TEXT_MAX_LENGTH} characters`,
		displayOptions: notAuthentication,
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Button',
		default: {},
		description: `Up to ${TEMPLATE_MAX_BUTTONS}: quick replies grouped together, at most 2 URL, 1 phone number and 1 copy code`,
		displayOptions: notAuthentication,
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Example Code',
						name: 'code',
						type: 'string',
						default: '',
						placeholder: '25OFF',
						description: 'An example of the code the button copies (at most 20 characters); the real one is given when sending',
						displayOptions: { show: { type: ['copy_code'] } },
					},
					{
						displayName: 'Phone Number',
						name: 'phoneNumber',
						type: 'string',
						default: '',
						placeholder: '15550051310',
						displayOptions: { show: { type: ['phone_number'] } },
					},
					{
						displayName: 'Text',
						name: 'text',
						type: 'string',
						default: '',
						description: `The button's label, at most ${TEMPLATE_BUTTON_TEXT_MAX_LENGTH} characters`,
						displayOptions: { show: { type: ['quick_reply', 'url', 'phone_number'] } },
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Copy Code', value: 'copy_code' },
							{ name: 'Phone Number', value: 'phone_number' },
							{ name: 'Quick Reply', value: 'quick_reply' },
							{ name: 'URL', value: 'url' },
						],
						default: 'quick_reply',
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'https://www.example.com/orders/{{1}}',
						description: 'The web address it opens; one variable may end it',
						displayOptions: { show: { type: ['url'] } },
					},
					{
						displayName: 'URL Variable Example',
						name: 'urlExample',
						type: 'string',
						default: '',
						placeholder: '860198-230332',
						description: 'An example of the end of the URL, when the URL has a variable',
						displayOptions: { show: { type: ['url'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Add Security Recommendation',
		name: 'addSecurityRecommendation',
		type: 'boolean',
		default: true,
		description: 'Whether to add "For your security, do not share this code." to the preset text',
		displayOptions: { show: { category: ['AUTHENTICATION'] } },
	},
	{
		displayName: 'Code Expiration (Minutes)',
		name: 'codeExpirationMinutes',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 90 },
		default: 10,
		description: 'Adds the footer "This code expires in N minutes."; 0 for no footer',
		displayOptions: { show: { category: ['AUTHENTICATION'] } },
	},
	{
		displayName: 'Copy Code Button Text',
		name: 'otpButtonText',
		type: 'string',
		default: '',
		placeholder: 'Copy code',
		description: "The copy-code button's label; empty for Meta's",
		displayOptions: { show: { category: ['AUTHENTICATION'] } },
	},
];

export const description = updateDisplayOptions({ show: { operation: ['create'] } }, properties);

function headerOf(type: string, text: string, example: string, handle: string): TemplateHeaderDefinition | undefined {
	if (type === 'text') return { type: 'text', text, example };
	if (type === 'image' || type === 'video' || type === 'document') return { type, example: handle };
	if (type === 'location') return { type: 'location' };
	return undefined;
}

function buttonOf(entry: IDataObject): TemplateButtonDefinition {
	const text = String(entry.text ?? '');
	switch (entry.type) {
		case 'url':
			return { type: 'url', text, url: String(entry.url ?? ''), example: String(entry.urlExample ?? '') };
		case 'phone_number':
			return { type: 'phone_number', text, phoneNumber: String(entry.phoneNumber ?? '') };
		case 'copy_code':
			return { type: 'copy_code', example: String(entry.code ?? '') };
		default:
			return { type: 'quick_reply', text };
	}
}

/** The form → the core's input; the core checks Meta's rules and builds the request before anything is sent. */
function createInput(context: IExecuteFunctions, itemIndex: number): TemplateCreateInput {
	const param = <T>(name: string, fallback: T): T => context.getNodeParameter(name, itemIndex, fallback) as T;
	const category = param<string>('category', 'UTILITY');
	const base = { name: param('name', ''), language: param('language', ''), category };
	if (category === 'AUTHENTICATION') {
		return {
			...base,
			authentication: {
				addSecurityRecommendation: param('addSecurityRecommendation', true),
				codeExpirationMinutes: param('codeExpirationMinutes', 0),
				buttonText: param('otpButtonText', ''),
			},
		};
	}
	const examples = (param<IDataObject>('bodyExamples', {}).examples as IDataObject[] | undefined) ?? [];
	const buttons = (param<IDataObject>('buttons', {}).button as IDataObject[] | undefined) ?? [];
	return {
		...base,
		parameterFormat: param('parameterFormat', 'POSITIONAL'),
		header: headerOf(param('headerType', 'none'), param('headerText', ''), param('headerExample', ''), param('headerHandle', '')),
		body: param('body', ''),
		bodyExamples: Object.fromEntries(examples.map((entry) => [String(entry.variable ?? '').trim().replace(/^\{\{\s*|\s*\}\}$/g, ''), String(entry.example ?? '')])),
		footer: param('footer', ''),
		buttons: buttons.map(buttonOf),
	};
}

export const execute: OperationExecute = async function (itemIndex, client, credential) {
	const request = buildTemplateCreateRequest(createInput(this, itemIndex));
	const created = await client.createTemplate(request);
	// The Send Template picker and sends read the cached list; the new template belongs in it now.
	templateCatalog(this, credential).invalidate();
	return [
		{
			id: created.id,
			name: request.name,
			language: request.language,
			status: created.status,
			category: created.category,
			requestedCategory: request.category,
			parameterFormat: request.parameter_format,
			components: request.components as unknown as IDataObject[],
		},
	];
};
