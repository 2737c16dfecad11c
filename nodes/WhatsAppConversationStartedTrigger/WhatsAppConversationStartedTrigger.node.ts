import {
	ApplicationError,
	NodeConnectionTypes,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { acceptUnsignedProperties, callbackNotice, phoneNumberScopeProperty } from '../shared/trigger/descriptions';
import type { EventTriggerOptions, ParameterSource } from '../shared/trigger/options';
import { conversationStartedItem } from '../shared/trigger/items';
import { WhatsAppEventTriggerNode } from '../shared/trigger/trigger-node';
import { metaWebhooks } from '../shared/trigger/webhook-endpoint';

export class WhatsAppConversationStartedTrigger extends WhatsAppEventTriggerNode {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Conversation Started Trigger',
		name: 'whatsAppConversationStartedTrigger',
		icon: 'file:whatsapp.svg',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow when a new WhatsApp conversation begins, by the customer or by your business',
		defaults: { name: 'WhatsApp Conversation Started' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' }],
		webhooks: metaWebhooks,
		properties: [
			callbackNotice,
			{
				displayName: 'Started By',
				name: 'initiatedBy',
				type: 'options',
				options: [
					{ name: 'Anyone', value: 'any' },
					{ name: 'The Customer', value: 'customer', description: 'The customer wrote first' },
					{ name: 'The Business', value: 'business', description: 'A message sent from this package opened it' },
				],
				default: 'any',
			},
			phoneNumberScopeProperty,
			...acceptUnsignedProperties,
		],
	};

	constructor() {
		super(listenFor);
	}
}

function listenFor(context: ParameterSource): EventTriggerOptions {
	const initiatedBy = context.getNodeParameter('initiatedBy', 'any') as string;
	return {
		types: ['conversation.started'],
		phoneNumberScope: context.getNodeParameter('phoneNumberScope', 'credential') as 'credential' | 'all',
		accepts: (event) =>
			event.type === 'conversation.started' && (initiatedBy === 'any' || event.payload.conversation.initiatedBy === initiatedBy),
		plainItem: (event) => {
			if (event.type !== 'conversation.started') throw new ApplicationError(`Unexpected event type ${event.type}`);
			return conversationStartedItem(event.payload);
		},
	};
}
