import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { conversationItem, deliveryOf, formatTranscript, transcriptItems } from '../../shared/conversation-item';
import { conversationIdOf, conversationIdProperty, requireConversation, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	conversationIdProperty,
	{
		displayName: 'Include Transcript',
		name: 'includeTranscript',
		type: 'boolean',
		default: true,
		description: "Whether to add the messages (transcript, each business message with its delivery: sent, delivered, read or failed with Meta's error and a fix hint) and the transcript as text (transcriptText)",
	},
	{
		displayName: 'Transcript Limit',
		name: 'transcriptLimit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description: 'At most this many of the latest messages, oldest first',
		displayOptions: { show: { includeTranscript: [true] } },
	},
];

export const description = updateDisplayOptions({ show: { operation: ['get'] } }, properties);

export const execute: OperationExecute = async function (itemIndex, store) {
	const conversation = await requireConversation(store, conversationIdOf(this, itemIndex));
	if (!(this.getNodeParameter('includeTranscript', itemIndex, true) as boolean)) return [conversationItem(conversation)];
	const limit = Math.max(1, Math.floor(this.getNodeParameter('transcriptLimit', itemIndex, 100) as number));
	const messages = await store.getTranscript(conversation.id, { limit });
	// Each business message also says where its delivery stands (a failed one with Meta's error and the fix).
	const transcript = transcriptItems(messages).map((entry, index) => ({ ...entry, delivery: deliveryOf(messages[index]) }));
	return [
		{
			...conversationItem(conversation),
			transcript,
			transcriptText: formatTranscript(messages),
			failedMessages: messages.filter((message) => message.direction === 'outbound' && message.status === 'failed').length,
		},
	];
};
