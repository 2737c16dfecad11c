import type { IDataObject } from 'n8n-workflow';

import { describeDeliveryFailure, type ConversationStore, type MessageStatusPayload } from '../../../core';

function iso(epochMs: number): string {
	return new Date(epochMs).toISOString();
}

function stringOrNull(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

/** What a failed status means, from the payload alone (so even a plain item carries the hint); nulls for other statuses. */
export function failureFields(payload: MessageStatusPayload): IDataObject {
	const { status } = payload;
	if (status.status !== 'failed') return { errorMessage: null, failureReason: null, fixHint: null };
	const [error] = status.errors;
	const failure = describeDeliveryFailure(error ?? null);
	return { errorMessage: error?.message ?? null, failureReason: failure.reason, fixHint: failure.hint };
}

/**
 * Adds what the business sent, from the store: the customer, the message's type and text, the
 * template's name and language, and when it was sent. Fields stay null for a message the store does
 * not hold (sent outside this package, or pruned). `item` is messageStatusItem's.
 */
export async function withSentMessage(store: ConversationStore, payload: MessageStatusPayload, item: IDataObject): Promise<void> {
	const message = await store.getMessage(payload.status.wamid);
	const conversation = message ? await store.getConversation(message.conversationId) : null;
	const isTemplate = message?.type === 'template';
	const customerId = conversation?.customerId ?? payload.status.recipientId;
	Object.assign(item, {
		customerId,
		customerPhone: customerId !== null && /^\d+$/.test(customerId) ? `+${customerId}` : null,
		customerName: conversation?.customerName ?? null,
		conversationId: item.conversationId ?? message?.conversationId ?? null,
		messageType: message?.type ?? null,
		templateName: isTemplate ? stringOrNull(message.payload.name) ?? message.text : null,
		templateLanguage: isTemplate ? stringOrNull(message.payload.languageCode) : null,
		// A template's stored text is its name, already in templateName.
		text: message && !isTemplate ? message.text : null,
		sentAt: message ? iso(message.timestamp) : null,
	});
}
