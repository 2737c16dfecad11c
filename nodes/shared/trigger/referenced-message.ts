import type { IDataObject } from 'n8n-workflow';

import type { ConversationStore, MessageReceivedPayload, StoredMessage } from '../../../core';

/** Meta delivers reactions and quotes of messages up to 30 days old. */
const LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The stored message a reaction or a quote names, when it is in one of this customer's conversations
 * (of the last 30 days, unless it is the current one); null when the store does not hold it. One
 * indexed lookup by wamid, not a scan of transcripts.
 */
async function findCustomerMessage(store: ConversationStore, payload: MessageReceivedPayload, wamid: string): Promise<StoredMessage | null> {
	const { message, conversation, contact } = payload;
	const found = await store.getMessage(wamid);
	if (!found || found.conversationId === conversation.id) return found;
	if (found.timestamp < message.timestamp - LOOKBACK_MS) return null;
	const holder = await store.getConversation(found.conversationId);
	return holder !== null && holder.phoneNumberId === message.phoneNumberId && holder.customerId === contact.customerId ? found : null;
}

/**
 * Fills in what only the store knows: whether a reaction is on one of the business's messages and
 * that message's text, and the text of a quoted message. `item` is messageReceivedItem's.
 */
export async function withReferencedMessages(store: ConversationStore, payload: MessageReceivedPayload, item: IDataObject): Promise<void> {
	const { reaction, context } = payload.message;
	if (reaction) {
		const target = await findCustomerMessage(store, payload, reaction.messageId);
		item.reaction = { ...(item.reaction as IDataObject), toOurMessage: target?.direction === 'outbound', messageText: target?.text ?? null };
	}
	if (context?.messageId) {
		const quoted = await findCustomerMessage(store, payload, context.messageId);
		item.context = { ...(item.context as IDataObject), text: quoted?.text ?? null, fromUs: quoted === null ? null : quoted.direction === 'outbound' };
	}
}
