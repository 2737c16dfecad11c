import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type {
	AccountEventPayload,
	ConversationEndedPayload,
	ConversationRecord,
	ConversationStartedPayload,
	MessageReceivedPayload,
	MessageStatusPayload,
} from '../../../core';
import type { BusinessHoursFields } from '../business-hours';
import { failureFields } from './delivery-failure';

function iso(epochMs: number | null | undefined): string | null {
	return epochMs === null || epochMs === undefined ? null : new Date(epochMs).toISOString();
}

function phone(waId: string | null): string | null {
	return waId === null ? null : `+${waId}`;
}

/** False for an unauthenticated delivery accepted for testing; null on events logged before deliveries were always checked. */
function authenticated(payload: { authenticated?: boolean }): boolean | null {
	return payload.authenticated ?? null;
}

/**
 * One flat, typed item per inbound message; `raw` keeps Meta's message for power users. The business
 * hours are those at the message's timestamp (null when the credential's hours cannot be read).
 */
export function messageReceivedItem(payload: MessageReceivedPayload, hours: BusinessHoursFields | null): IDataObject {
	const { message, conversation, window, contact } = payload;
	return {
		event: 'message',
		messageId: message.wamid,
		type: message.type,
		text: message.text,
		caption: message.media?.caption ?? null,
		replyId: message.reply?.id ?? null,
		replyTitle: message.reply?.title ?? null,
		media: message.media ? { id: message.media.id, mimeType: message.media.mimeType, filename: message.media.filename, voice: message.media.voice } : null,
		location: message.location ? { ...message.location } : null,
		// toOurMessage, messageText and the quote's text come from the store (withReferencedMessages).
		reaction: message.reaction ? { ...message.reaction, toOurMessage: null, messageText: null } : null,
		contextMessageId: message.context?.messageId ?? null,
		context: message.context?.messageId ? { messageId: message.context.messageId, text: null, fromUs: null } : null,
		customerPhone: phone(message.customerWaId),
		customerWaId: message.customerWaId,
		customerId: message.customerId,
		customerName: message.customerName ?? contact.name,
		conversationId: conversation.id,
		isNewConversation: conversation.isNew,
		windowOpen: window.open,
		windowOpenUntil: iso(window.expiresAt),
		withinBusinessHours: hours?.withinBusinessHours ?? null,
		nextOpenAt: hours?.nextOpenAt ?? null,
		optedOut: contact.optedOut,
		optKeyword: payload.optKeyword,
		timestamp: iso(message.timestamp),
		businessPhoneNumberId: message.phoneNumberId,
		businessDisplayPhoneNumber: message.displayPhoneNumber,
		referral: message.referral ? { ...message.referral } : null,
		authenticated: authenticated(payload),
		raw: { ...message.raw },
	};
}

export function messageStatusItem(payload: MessageStatusPayload): IDataObject {
	const { status } = payload;
	const [error] = status.errors;
	return {
		event: 'status',
		messageId: status.wamid,
		status: status.status,
		timestamp: iso(status.timestamp),
		recipientPhone: phone(status.recipientId),
		conversationId: payload.conversationId,
		errorCode: error?.code ?? null,
		errorTitle: error?.title ?? null,
		errorDetails: error?.details ?? null,
		...failureFields(payload),
		pricingCategory: status.pricing?.category ?? null,
		businessPhoneNumberId: status.phoneNumberId,
		authenticated: authenticated(payload),
		raw: { ...status.raw },
	};
}

/** Who the conversation is between, as both conversation items show it. */
function conversationParties(conversation: ConversationRecord): IDataObject {
	return {
		initiatedBy: conversation.initiatedBy,
		customerPhone: /^\d+$/.test(conversation.customerId) ? phone(conversation.customerId) : null,
		customerId: conversation.customerId,
		customerName: conversation.customerName,
		senderPhoneNumberId: conversation.phoneNumberId,
		senderDisplayPhoneNumber: conversation.displayPhoneNumber,
	};
}

export function conversationStartedItem(payload: ConversationStartedPayload): IDataObject {
	const { conversation, firstMessage } = payload;
	return {
		conversationId: conversation.id,
		...conversationParties(conversation),
		firstMessage: {
			messageId: firstMessage.wamid,
			direction: firstMessage.direction,
			type: firstMessage.type,
			text: firstMessage.text,
			timestamp: iso(firstMessage.timestamp),
		},
		startedAt: iso(conversation.startedAt),
		authenticated: authenticated(payload),
	};
}

/** The end of a conversation, without its transcript (the trigger reads that from the store). */
export function conversationEndedItem(payload: ConversationEndedPayload): IDataObject {
	const { conversation } = payload;
	return {
		conversationId: conversation.id,
		reason: payload.reason,
		...conversationParties(conversation),
		messageCount: conversation.messageCount,
		startedAt: iso(conversation.startedAt),
		lastMessageAt: iso(conversation.lastMessageAt),
		endedAt: iso(conversation.closedAt),
		durationSeconds: Math.round(((conversation.closedAt ?? conversation.lastMessageAt) - conversation.startedAt) / 1000),
		inputVariables: { ...conversation.inputVariables } as IDataObject,
		extractedVariables: { ...conversation.extractedVariables } as IDataObject,
	};
}

/**
 * A burst of one customer's messages as one item: the latest message's fields (its id for replies, its
 * window), `text` the messages' texts (a caption where there is no text) in order, one per line,
 * `messages` every message's own item, and `isNewConversation` when any of them opened it. Binary data
 * keeps its field name for the first message that has it; a later one gets `_<position>` (`data_3`).
 */
export function burstItem(items: readonly INodeExecutionData[]): INodeExecutionData {
	const messages = items.map((item) => item.json);
	const texts = messages
		.map((message) => message.text ?? message.caption)
		.filter((text): text is string => typeof text === 'string' && text.trim() !== '');
	const binary: Record<string, IBinaryData> = {};
	items.forEach((item, index) => {
		for (const [field, data] of Object.entries(item.binary ?? {})) binary[field in binary ? `${field}_${index + 1}` : field] = data;
	});
	return {
		json: {
			...messages[messages.length - 1],
			text: texts.length > 0 ? texts.join('\n') : null,
			isNewConversation: messages.some((message) => message.isNewConversation === true),
			messageCount: messages.length,
			messages,
		},
		...(Object.keys(binary).length > 0 ? { binary } : {}),
	};
}

/** One item per account event: the named parts first, Meta's own fields in `details`. */
export function accountEventItem(payload: AccountEventPayload, receivedAt: number): IDataObject {
	const { event, marketingOptOut } = payload;
	return {
		kind: event.kind,
		field: event.field,
		event: event.event,
		businessAccountId: event.businessAccountId,
		phoneNumberId: event.phoneNumberId,
		displayPhoneNumber: event.displayPhoneNumber,
		occurredAt: iso(event.occurredAt),
		receivedAt: iso(receivedAt),
		template: event.template ? { ...event.template } : null,
		customer: event.customer ? { ...event.customer } : null,
		marketingOptOut: marketingOptOut ? { ...marketingOptOut } : null,
		details: { ...event.details } as IDataObject,
		authenticated: authenticated(payload),
	};
}
