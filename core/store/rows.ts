import type { CloseReason, ContactRecord, ConversationRecord, Initiator, StoredMessage } from '../conversation/types';
import type { EventType, StoreEvent } from '../events/types';

/**
 * Engine rows → records. Engines name columns alike (snake_case); numbers may arrive as bigint or
 * numeric strings (PostgreSQL BIGINT), so every number goes through `toNumber`.
 */
export type Row = Record<string, unknown>;

function toNumber(value: unknown): number {
	return typeof value === 'number' ? value : Number(value);
}

function toNumberOrNull(value: unknown): number | null {
	return value === null || value === undefined ? null : toNumber(value);
}

function toStringOrNull(value: unknown): string | null {
	return value === null || value === undefined ? null : String(value);
}

function toJsonObject(value: unknown): Record<string, unknown> {
	if (value === null || value === undefined) return {};
	if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>;
	return value as Record<string, unknown>;
}

function toBoolean(value: unknown): boolean {
	return value === true || value === 1 || value === 1n || value === '1' || value === 't';
}

/** The conversations table's columns, in the order `conversationValues` gives them. */
export const CONVERSATION_COLUMNS = `id, business_account_id, phone_number_id, display_phone_number, customer_id, customer_name,
	status, initiated_by, started_at, last_message_at, closed_at, close_reason, message_count, ai_enabled,
	input_variables, extracted_variables`;

/** A conversation as a row for either engine (the inverse of `toConversation`). */
export function conversationValues(conversation: ConversationRecord): Array<string | number | boolean | null> {
	return [
		conversation.id,
		conversation.businessAccountId,
		conversation.phoneNumberId,
		conversation.displayPhoneNumber,
		conversation.customerId,
		conversation.customerName,
		conversation.status,
		conversation.initiatedBy,
		conversation.startedAt,
		conversation.lastMessageAt,
		conversation.closedAt,
		conversation.closeReason,
		conversation.messageCount,
		conversation.aiEnabled,
		JSON.stringify(conversation.inputVariables),
		JSON.stringify(conversation.extractedVariables),
	];
}

export function toConversation(row: Row): ConversationRecord {
	return {
		id: String(row.id),
		businessAccountId: toStringOrNull(row.business_account_id),
		phoneNumberId: String(row.phone_number_id),
		displayPhoneNumber: toStringOrNull(row.display_phone_number),
		customerId: String(row.customer_id),
		customerName: toStringOrNull(row.customer_name),
		status: row.status === 'open' ? 'open' : 'closed',
		initiatedBy: String(row.initiated_by) as Initiator,
		startedAt: toNumber(row.started_at),
		lastMessageAt: toNumber(row.last_message_at),
		closedAt: toNumberOrNull(row.closed_at),
		closeReason: toStringOrNull(row.close_reason) as CloseReason | null,
		messageCount: toNumber(row.message_count),
		aiEnabled: toBoolean(row.ai_enabled),
		inputVariables: toJsonObject(row.input_variables),
		extractedVariables: toJsonObject(row.extracted_variables),
	};
}

export function toStoredMessage(row: Row): StoredMessage {
	return {
		seq: toNumber(row.seq),
		wamid: toStringOrNull(row.wamid),
		conversationId: String(row.conversation_id),
		direction: row.direction === 'outbound' ? 'outbound' : 'inbound',
		type: String(row.type),
		text: toStringOrNull(row.text),
		timestamp: toNumber(row.timestamp),
		status: toStringOrNull(row.status),
		statusAt: toNumberOrNull(row.status_at),
		error: row.error === null || row.error === undefined ? null : (toJsonObject(row.error) as StoredMessage['error']),
		payload: toJsonObject(row.payload),
	};
}

export function toContact(row: Row): ContactRecord {
	return {
		phoneNumberId: String(row.phone_number_id),
		customerId: String(row.customer_id),
		waId: toStringOrNull(row.wa_id),
		name: toStringOrNull(row.name),
		lastInboundAt: toNumberOrNull(row.last_inbound_at),
		optedOut: toBoolean(row.opted_out),
		optedOutAt: toNumberOrNull(row.opted_out_at),
	};
}

export function toStoreEvent(row: Row): StoreEvent {
	// The payload was written by appendEvent for this very type, so type and payload agree.
	const event = {
		id: toNumber(row.id),
		type: String(row.type) as EventType,
		phoneNumberId: String(row.phone_number_id),
		conversationId: toStringOrNull(row.conversation_id),
		createdAt: toNumber(row.created_at),
		payload: toJsonObject(row.payload),
	};
	return event as unknown as StoreEvent;
}
