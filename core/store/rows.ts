import type { CloseReason, ContactRecord, ConversationRecord, Initiator, StoredMessage } from '../conversation/types';
import type { EventType, StoreEvent } from '../events/types';
import type { PendingBurst } from '../conversation/bursts';
import type { QuestionAnswer, WaitingAnswer, WaitingAnswerState } from '../conversation/waiting-answers';
import { utcDay, type MessagePricingRecord, type UsageCount } from '../conversation/usage';

/**
 * Records ↔ engine rows, one builder per row type for both engines. Engines name columns alike
 * (snake_case); numbers may arrive as bigint or numeric strings (PostgreSQL BIGINT), so every number
 * goes through `toNumber`. Values go out as JSON text for JSON columns and booleans as booleans
 * (SQLite's statements turn them into 0/1).
 */
export type Row = Record<string, unknown>;

/** A column value as both engines take it. */
export type RowValue = string | number | boolean | null;

export function toNumber(value: unknown): number {
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

export function toBoolean(value: unknown): boolean {
	return value === true || value === 1 || value === 1n || value === '1' || value === 't';
}

/** The conversations table's columns, in the order `conversationValues` gives them. */
export const CONVERSATION_COLUMNS = `id, business_account_id, phone_number_id, display_phone_number, customer_id, customer_name,
	status, initiated_by, started_at, last_message_at, closed_at, close_reason, message_count, ai_enabled,
	input_variables, extracted_variables`;

/** The contacts table's columns, in the order `contactValues` gives them. */
export const CONTACT_COLUMNS = 'phone_number_id, customer_id, wa_id, name, last_inbound_at, opted_out, opted_out_at, updated_at';

/** A contact as a row, stamped with its update time (the inverse of `toContact`). */
export function contactValues(contact: ContactRecord, now: number): RowValue[] {
	return [
		contact.phoneNumberId,
		contact.customerId,
		contact.waId,
		contact.name,
		contact.lastInboundAt,
		contact.optedOut,
		contact.optedOutAt,
		now,
	];
}

/** A conversation as a row (the inverse of `toConversation`). */
export function conversationValues(conversation: ConversationRecord): RowValue[] {
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

/**
 * What `updateConversation` writes, in this order, the id last for the WHERE: display_phone_number,
 * customer_name, last_message_at, message_count, ai_enabled, input_variables, extracted_variables.
 */
export function conversationUpdateValues(conversation: ConversationRecord): RowValue[] {
	return [
		conversation.displayPhoneNumber,
		conversation.customerName,
		conversation.lastMessageAt,
		conversation.messageCount,
		conversation.aiEnabled,
		JSON.stringify(conversation.inputVariables),
		JSON.stringify(conversation.extractedVariables),
		conversation.id,
	];
}

/** A message's error as its column holds it. */
export function errorValue(error: StoredMessage['error']): string | null {
	return error === null ? null : JSON.stringify(error);
}

/**
 * A new message as a row: wamid, conversation_id, direction, type, text, timestamp, status,
 * status_at, error, payload (seq is the engine's).
 */
export function messageValues(message: Omit<StoredMessage, 'seq'>): RowValue[] {
	return [
		message.wamid,
		message.conversationId,
		message.direction,
		message.type,
		message.text,
		message.timestamp,
		message.status,
		message.statusAt,
		errorValue(message.error),
		JSON.stringify(message.payload),
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

export function toPendingBurst(row: Row): PendingBurst {
	return {
		phoneNumberId: String(row.phone_number_id),
		customerId: String(row.customer_id),
		size: toNumber(row.size),
		firstAt: toNumber(row.first_at),
		lastAt: toNumber(row.last_at),
	};
}

export function toWaitingAnswer(row: Row): WaitingAnswer {
	return {
		waitId: String(row.wait_id),
		phoneNumberId: String(row.phone_number_id),
		customerId: String(row.customer_id),
		resumeUrl: String(row.resume_url),
		createdAt: toNumber(row.created_at),
		expiresAt: toNumber(row.expires_at),
		state: String(row.state) as WaitingAnswerState,
		answer: row.answer === null || row.answer === undefined ? null : (toJsonObject(row.answer) as unknown as QuestionAnswer),
		settledAt: toNumberOrNull(row.settled_at),
		resumeAfter: toNumberOrNull(row.resume_after),
		attempts: toNumber(row.attempts),
	};
}

/** The message_pricing table's columns, in the order `messagePricingValues` gives them. */
export const MESSAGE_PRICING_COLUMNS = 'wamid, phone_number_id, conversation_id, customer_id, category, pricing_model, pricing_type, billable, timestamp';

export function messagePricingValues(record: MessagePricingRecord): RowValue[] {
	return [
		record.wamid,
		record.phoneNumberId,
		record.conversationId,
		record.customerId,
		record.category,
		record.pricingModel,
		record.pricingType,
		record.billable,
		record.timestamp,
	];
}

/** One UTC day in ms: the engines' usage query divides timestamps by it to group by day. */
export const USAGE_DAY_MS = 86_400_000;

/** A row of the engines' usage query (grouped by number, conversation, category, type, billable and `day` number). */
export function toUsageCount(row: Row): UsageCount {
	return {
		phoneNumberId: String(row.phone_number_id),
		conversationId: toStringOrNull(row.conversation_id),
		customerId: toStringOrNull(row.customer_id),
		category: toStringOrNull(row.category),
		pricingType: toStringOrNull(row.pricing_type),
		billable: row.billable === null || row.billable === undefined ? null : toBoolean(row.billable),
		day: utcDay(toNumber(row.day) * USAGE_DAY_MS),
		messages: toNumber(row.messages),
	};
}
