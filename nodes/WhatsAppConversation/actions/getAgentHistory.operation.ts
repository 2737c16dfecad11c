import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { DEFAULT_HISTORY_TOKEN_BUDGET } from '../../../core';
import { agentHistory } from '../../shared/agent-history';
import { burstMessageIds } from '../../shared/burst';
import { conversationIdOf, conversationIdProperty, requireConversation, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	conversationIdProperty,
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '={{ $json.messageId }}',
		description:
			"The customer's message the AI Agent answers (its prompt carries it): the history ends before it and leaves out the other messages of its burst. Empty: the whole conversation.",
	},
	{
		displayName: 'History Token Budget',
		name: 'historyTokenBudget',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_HISTORY_TOKEN_BUDGET,
		description: 'How many tokens of earlier messages to return (estimated, as AI Reply counts them); the oldest are left out first',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getAgentHistory'] } }, properties);

/** The conversation as AI Reply would send it to the model, ready for an AI Agent's prompt. */
export const execute: OperationExecute = async function (itemIndex, store) {
	const conversation = await requireConversation(store, conversationIdOf(this, itemIndex));
	const messageId = String(this.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
	const budget = Math.max(0, Math.floor(this.getNodeParameter('historyTokenBudget', itemIndex, DEFAULT_HISTORY_TOKEN_BUDGET) as number));
	const history = agentHistory(await store.getTranscript(conversation.id), messageId, burstMessageIds(this, itemIndex, messageId), budget);
	return [
		{
			conversationId: conversation.id,
			status: conversation.status,
			aiEnabled: conversation.aiEnabled,
			messages: history.messages.map(({ role, content }) => ({ role, content })),
			historyText: history.messages.map(({ role, content }) => `${role === 'user' ? 'Customer' : 'Business'}: ${String(content)}`).join('\n'),
			dropped: history.dropped,
			tokens: history.tokens,
		},
	];
};
