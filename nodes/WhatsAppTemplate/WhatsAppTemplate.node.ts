import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { credentialTest } from '../shared/methods/credential-test';
import { getTemplateFields } from '../shared/methods/template-fields';
import { properties } from './actions/node.description';
import { router } from './actions/router';
import { searchAllTemplates } from './methods/list-search';

export class WhatsAppTemplate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Template',
		name: 'whatsAppTemplate',
		icon: 'file:whatsapp.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: "Manage the account's WhatsApp message templates: list, get, create with Meta's rules checked first, delete, preview",
		defaults: { name: 'WhatsApp Template' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' }],
		properties,
	};

	methods = {
		listSearch: { searchAllTemplates },
		resourceMapping: { getTemplateFields },
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
