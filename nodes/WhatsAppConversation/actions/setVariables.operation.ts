import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { conversationItem } from '../../shared/conversation-item';
import { variableRowsProperty, variablesOf, type VariableRows } from '../../shared/variables';
import { conversationIdOf, conversationIdProperty, requireConversation, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	conversationIdProperty,
	variableRowsProperty('variables', 'Variables', "Flags and facts kept on the conversation (e.g. awayMessageSent): merged into its input variables, which Get returns, AI Reply's prompt sees and Conversation Ended reports"),
];

export const description = updateDisplayOptions({ show: { operation: ['setVariables'] } }, properties);

export const execute: OperationExecute = async function (itemIndex, store) {
	const conversation = await requireConversation(store, conversationIdOf(this, itemIndex));
	const input = variablesOf(this.getNodeParameter('variables', itemIndex, {}) as VariableRows);
	return [conversationItem(await store.mergeConversationVariables(conversation.id, { input }))];
};
