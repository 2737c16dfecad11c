import type { ConversationRecord, CloseReason, Initiator, StoredMessage } from '../conversation/types';
import type { AccountEvent } from '../webhook/account-events';
import type { InboundMessage, StatusUpdate } from '../webhook/types';

/**
 * The event log: every ingest, send and close appends events in the same transaction as the data,
 * and each trigger reads them through its own durable cursor.
 */
export type EventType = 'message.received' | 'conversation.started' | 'conversation.ended' | 'message.status' | 'account.event';

export const EVENT_TYPES: readonly EventType[] = [
	'message.received',
	'conversation.started',
	'conversation.ended',
	'message.status',
	'account.event',
];

export interface ConversationSummary {
	id: string;
	isNew: boolean;
	initiatedBy: Initiator;
	startedAt: number;
}

export interface MessageReceivedPayload {
	message: InboundMessage;
	conversation: ConversationSummary;
	window: { open: boolean; expiresAt: number | null };
	contact: { customerId: string; waId: string | null; name: string | null; optedOut: boolean };
	/** Set when the whole message was an opt-out (STOP) or opt-in (START) keyword. */
	optKeyword: 'opt_out' | 'opt_in' | null;
	/**
	 * Whether the webhook delivery was proven to come from the provider (false: accepted unsigned, for
	 * testing). Absent on events logged before every delivery was checked.
	 */
	authenticated?: boolean;
}

export interface ConversationStartedPayload {
	conversation: ConversationRecord;
	firstMessage: Pick<StoredMessage, 'wamid' | 'direction' | 'type' | 'text' | 'timestamp'>;
	/** As on message.received: false when an unauthenticated delivery opened the conversation. */
	authenticated?: boolean;
}

export interface ConversationEndedPayload {
	conversation: ConversationRecord;
	reason: CloseReason;
}

export interface MessageStatusPayload {
	status: StatusUpdate;
	/** Null when the wamid was not sent through this package (e.g. from Meta's UI). */
	conversationId: string | null;
	/** True when this status replaced the stored one (statuses only move forward). */
	applied: boolean;
	/** As on message.received. */
	authenticated?: boolean;
}

export interface AccountEventPayload {
	event: AccountEvent;
	/** user_preferences: the contact's marketing opt-out as this event set it (null for other events). */
	marketingOptOut: { customerId: string; optedOut: boolean } | null;
	/** As on message.received. */
	authenticated?: boolean;
}

export interface EventPayloads {
	'message.received': MessageReceivedPayload;
	'conversation.started': ConversationStartedPayload;
	'conversation.ended': ConversationEndedPayload;
	'message.status': MessageStatusPayload;
	'account.event': AccountEventPayload;
}

export type StoreEvent = {
	[T in EventType]: {
		/** Position in the log; strictly increasing in commit order. */
		id: number;
		type: T;
		phoneNumberId: string;
		conversationId: string | null;
		createdAt: number;
		payload: EventPayloads[T];
	};
}[EventType];

/** An event before the log has given it its id. */
export type NewStoreEvent = StoreEvent extends infer E ? (E extends StoreEvent ? Omit<E, 'id'> : never) : never;
