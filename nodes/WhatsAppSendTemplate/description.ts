import type { INodeProperties } from 'n8n-workflow';

import { recipientProperty, senderProperty } from '../shared/descriptions';
import { templateVariablesProperty } from '../shared/template-variables';

export const sendTemplateProperties: INodeProperties[] = [
	senderProperty,
	recipientProperty,
	{
		displayName: 'Template',
		name: 'template',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'An approved message template of the WhatsApp Business Account, in one of its languages',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'order_update',
				hint: 'The template name; add the language with "|" (order_update|en_US) or in the Language field',
			},
		],
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: '',
		placeholder: 'en_US',
		description:
			'The language code the template was approved in (en_US, es, pt_BR...). Not needed when the name ends in "|language" or the template has one language only.',
		displayOptions: { show: { '/template.mode': ['name'] } },
	},
	templateVariablesProperty,
];
