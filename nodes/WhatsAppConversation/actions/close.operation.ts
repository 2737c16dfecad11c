import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { conversationItem } from '../../shared/conversation-item';
import { conversationIdOf, conversationIdProperty, requireConversation, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	{
		...conversationIdProperty,
		description: 'The conversation to end now; "WhatsApp Conversation Ended" triggers fire with reason "manual"',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['close'] } }, properties);

/** Closing is idempotent: a closed conversation stays as it was and fires nothing again. */
export const execute: OperationExecute = async function (itemIndex, store) {
	const before = await requireConversation(store, conversationIdOf(this, itemIndex));
	const closed = await store.closeConversation(before.id, { now: Date.now() });
	return [{ ...conversationItem(closed), closedNow: before.status === 'open' }];
};
