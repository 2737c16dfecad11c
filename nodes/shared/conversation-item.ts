/**
 * A conversation and its messages as n8n items: flat, typed fields a CRM or sheet step can map
 * directly, timestamps as ISO strings. Pure, so the action node and the triggers (Conversation Ended)
 * report a conversation the same way.
 */
import type { IDataObject } from 'n8n-workflow';

import { describeDeliveryFailure, type ConversationRecord, type SentMessage, type StoredMessage } from '../../core';

/** What a send node outputs of every message it sent, before its own fields. */
export function sentMessageItem(sent: SentMessage): IDataObject {
	return {
		messageId: sent.wamid,
		customerId: sent.customerId,
		waId: sent.waId,
		to: sent.to,
		conversationId: sent.conversationId,
		isNewConversation: sent.isNewConversation,
	};
}

export function isoTime(epochMs: number | null | undefined): string | null {
	return typeof epochMs === 'number' && Number.isFinite(epochMs) ? new Date(epochMs).toISOString() : null;
}

/** "+16505551234" for a wa_id; null for other customer identifiers (business-scoped user ids). */
export function customerPhone(customerId: string): string | null {
	return /^\d{6,15}$/.test(customerId) ? `+${customerId}` : null;
}

export type ConversationItem = {
	conversationId: string;
	status: ConversationRecord['status'];
	customerId: string;
	customerPhone: string | null;
	customerName: string | null;
	phoneNumberId: string;
	displayPhoneNumber: string | null;
	businessAccountId: string | null;
	initiatedBy: ConversationRecord['initiatedBy'];
	startedAt: string | null;
	lastMessageAt: string | null;
	closedAt: string | null;
	closeReason: ConversationRecord['closeReason'];
	messageCount: number;
	/** From the first to the latest message. */
	durationSeconds: number;
	/** False while a human has taken over from AI Reply. */
	aiEnabled: boolean;
	inputVariables: IDataObject;
	extractedVariables: IDataObject;
};

export function conversationItem(record: ConversationRecord): ConversationItem {
	return {
		conversationId: record.id,
		status: record.status,
		customerId: record.customerId,
		customerPhone: customerPhone(record.customerId),
		customerName: record.customerName,
		phoneNumberId: record.phoneNumberId,
		displayPhoneNumber: record.displayPhoneNumber,
		businessAccountId: record.businessAccountId,
		initiatedBy: record.initiatedBy,
		startedAt: isoTime(record.startedAt),
		lastMessageAt: isoTime(record.lastMessageAt),
		closedAt: isoTime(record.closedAt),
		closeReason: record.closeReason,
		messageCount: record.messageCount,
		durationSeconds: Math.max(0, Math.round((record.lastMessageAt - record.startedAt) / 1000)),
		aiEnabled: record.aiEnabled,
		inputVariables: { ...record.inputVariables } as IDataObject,
		extractedVariables: { ...record.extractedVariables } as IDataObject,
	};
}

/** What the transcript needs of a stored message (StoredMessage has it all). */
export type TranscriptMessage = Pick<StoredMessage, 'direction' | 'type' | 'text' | 'timestamp' | 'status' | 'wamid'>;

export type TranscriptEntry = {
	direction: StoredMessage['direction'];
	type: string;
	text: string | null;
	timestamp: string | null;
	/** Delivery status of a business message (sent, delivered, read, failed); null for the customer's. */
	status: string | null;
	wamid: string | null;
};

export function transcriptItems(messages: readonly TranscriptMessage[]): TranscriptEntry[] {
	return messages.map((message) => ({
		direction: message.direction,
		type: message.type,
		text: message.text,
		timestamp: isoTime(message.timestamp),
		status: message.status,
		wamid: message.wamid,
	}));
}

/**
 * Where a business message stands: Meta's latest status and when it came, and for a failed one
 * Meta's error with the failure's reason and fix hint. Null for the customer's messages.
 */
export function deliveryOf(message: Pick<StoredMessage, 'direction' | 'status' | 'statusAt' | 'error'>): IDataObject | null {
	if (message.direction !== 'outbound') return null;
	const failure = message.status === 'failed' ? describeDeliveryFailure(message.error) : null;
	return {
		status: message.status,
		at: isoTime(message.statusAt),
		errorCode: message.error?.code ?? null,
		errorTitle: message.error?.title ?? null,
		errorDetails: message.error?.details ?? message.error?.message ?? null,
		failureReason: failure?.reason ?? null,
		fixHint: failure?.hint ?? null,
	};
}

export interface TranscriptFormat {
	customerLabel?: string;
	businessLabel?: string;
	/** Prefix each line with its time ("[2025-05-01 14:03] Customer: ..."), in UTC. */
	timestamps?: boolean;
}

/** Types whose text is what the person typed or tapped, shown without a type marker. */
const PLAIN_TYPES = new Set(['text', 'button', 'interactive']);

/** One message as a line: its text, with "[image]", "[template]"... where the type says more than the text. */
export function messageLine(message: Pick<TranscriptMessage, 'type' | 'text'>): string {
	const text = message.text?.trim() ?? '';
	if (PLAIN_TYPES.has(message.type) && text !== '') return text;
	if (message.type === 'template') return text === '' ? '[template]' : `[template ${text}]`;
	if (message.type === 'reaction') return text === '' ? '[reaction removed]' : `[reaction ${text}]`;
	return text === '' ? `[${message.type}]` : `[${message.type}] ${text}`;
}

/** "Customer: …\nBusiness: …", oldest first, one line per message. */
export function formatTranscript(messages: readonly TranscriptMessage[], format: TranscriptFormat = {}): string {
	const customer = format.customerLabel ?? 'Customer';
	const business = format.businessLabel ?? 'Business';
	return messages
		.map((message) => {
			const who = message.direction === 'inbound' ? customer : business;
			const time = format.timestamps ? `[${(isoTime(message.timestamp) ?? '').slice(0, 16).replace('T', ' ')}] ` : '';
			return `${time}${who}: ${messageLine(message)}`;
		})
		.join('\n');
}
