import type { IDataObject } from 'n8n-workflow';

import type { ConversationStore, MessageReceivedPayload, StoredMessage } from '../../../core';

/** Meta delivers reactions and quotes of messages up to 30 days old; older conversations are not searched. */
const LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;
/** The customer's latest conversations searched after the current one. */
const EARLIER_CONVERSATIONS = 10;

/**
 * The stored message a reaction or a quote names, from this customer's conversations of the last 30
 * days (the current one first); null when the store does not hold it.
 */
async function findCustomerMessage(store: ConversationStore, payload: MessageReceivedPayload, wamid: string): Promise<StoredMessage | null> {
	const { message, conversation } = payload;
	const inCurrent = (await store.getTranscript(conversation.id)).find((stored) => stored.wamid === wamid);
	if (inCurrent) return inCurrent;
	const earlier = await store.listConversations({
		phoneNumberId: message.phoneNumberId,
		customerId: message.customerId,
		since: message.timestamp - LOOKBACK_MS,
		limit: EARLIER_CONVERSATIONS,
	});
	for (const candidate of earlier) {
		if (candidate.id === conversation.id) continue;
		const found = (await store.getTranscript(candidate.id)).find((stored) => stored.wamid === wamid);
		if (found) return found;
	}
	return null;
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
