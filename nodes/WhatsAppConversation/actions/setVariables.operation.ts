import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { conversationItem } from '../../shared/conversation-item';
import { variablesOf, type VariableRows } from '../../shared/variables';
import { conversationIdOf, conversationIdProperty, requireConversation, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	conversationIdProperty,
	{
		displayName: 'Variables',
		name: 'variables',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		description:
			"Flags and facts kept on the conversation (e.g. awayMessageSent): merged into its input variables, which Get returns, AI Reply's prompt sees and Conversation Ended reports",
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['setVariables'] } }, properties);

export const execute: OperationExecute = async function (itemIndex, store) {
	const conversation = await requireConversation(store, conversationIdOf(this, itemIndex));
	const input = variablesOf(this.getNodeParameter('variables', itemIndex, {}) as VariableRows);
	return [conversationItem(await store.mergeConversationVariables(conversation.id, { input }))];
};
