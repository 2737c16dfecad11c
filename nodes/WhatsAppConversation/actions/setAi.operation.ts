import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { conversationItem } from '../../shared/conversation-item';
import { conversationIdOf, conversationIdProperty, requireConversation, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	conversationIdProperty,
	{
		displayName: 'AI Replies',
		name: 'aiEnabled',
		type: 'boolean',
		default: false,
		description:
			'Whether WhatsApp AI Reply answers in this conversation. Turn off when a human takes over; turn on to hand back to the AI.',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['setAi'] } }, properties);

export const execute: OperationExecute = async function (itemIndex, store) {
	const conversation = await requireConversation(store, conversationIdOf(this, itemIndex));
	const enabled = this.getNodeParameter('aiEnabled', itemIndex, false) as boolean;
	return [conversationItem(await store.setAiEnabled(conversation.id, enabled))];
};
