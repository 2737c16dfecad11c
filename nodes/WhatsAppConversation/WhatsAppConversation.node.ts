import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { credentialTest } from '../shared/methods/credential-test';
import { searchSenders } from '../shared/methods/list-search';
import { properties } from './actions/node.description';
import { router } from './actions/router';
import { searchConversations } from './methods/list-search';

export class WhatsAppConversation implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Conversation',
		name: 'whatsAppConversation',
		icon: 'file:whatsapp.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Read and manage stored WhatsApp conversations: transcript, close, human takeover, marketing opt-out; a chat link and QR code',
		defaults: { name: 'WhatsApp Conversation' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' }],
		properties,
	};

	methods = {
		listSearch: { searchConversations, searchSenders },
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
