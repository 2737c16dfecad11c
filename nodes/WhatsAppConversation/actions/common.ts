import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { StoreError, type ConversationRecord, type ConversationStore } from '../../../core';
import type { WhatsAppCredential } from '../../shared/credentials';
import { senderProperty } from '../../shared/descriptions';

/** What every operation implements: one input item in, its output items' JSON out. */
export type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	store: ConversationStore,
	credential: WhatsAppCredential,
) => Promise<IDataObject[]>;

/** An operation whose output items carry binary data too; the router adds their pairedItem. */
export type ItemsExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	store: ConversationStore,
	credential: WhatsAppCredential,
) => Promise<Array<Pick<INodeExecutionData, 'json' | 'binary'>>>;

export const conversationIdProperty: INodeProperties = {
	displayName: 'Conversation',
	name: 'conversationId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The conversation, as a trigger or the List operation reports it (conversationId)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchConversations', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: '3f2b8c1e-7d4a-4e9b-9a51-0c6d2e8f1a77',
		},
	],
};

/** The sender picker, worded for reading: whose conversations and contacts. */
export const businessNumberProperty: INodeProperties = {
	...senderProperty,
	displayName: 'Business Phone Number',
	description: "The business phone number whose contacts and conversations these are; leave empty for the credential's",
};

export function conversationIdOf(context: IExecuteFunctions, itemIndex: number): string {
	return String(context.getNodeParameter('conversationId', itemIndex, '', { extractValue: true }) ?? '').trim();
}

export function businessNumberOf(context: IExecuteFunctions, itemIndex: number, credential: WhatsAppCredential): string {
	const picked = String(context.getNodeParameter('sender', itemIndex, '', { extractValue: true }) ?? '').trim();
	return picked || credential.phoneNumberId;
}

/** The store answers null for an unknown id; the node reports it as the core's typed error. */
export async function requireConversation(store: ConversationStore, id: string): Promise<ConversationRecord> {
	const conversation = id === '' ? null : await store.getConversation(id);
	if (conversation === null) {
		throw new StoreError(
			'CONVERSATION_NOT_FOUND',
			id === '' ? 'No conversation id was given' : `No conversation with id "${id}" exists in the conversation store`,
			"Use the conversation id from a trigger or from the Conversation node's List operation.",
		);
	}
	return conversation;
}
