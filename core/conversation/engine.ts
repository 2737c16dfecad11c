import type { CloseReason, ContactRecord, ConversationRecord, StoredMessage } from './types';
import type { NewStoreEvent, StoreEvent } from '../events/types';
import type { ConversationFilter, ReadEventsOptions } from './store';
import type { PendingBurst } from './bursts';
import type { NewWaitingAnswer, QuestionAnswer, WaitingAnswer } from './waiting-answers';
import type { KnownMessagingLimit } from './messaging-limit';
import type { MessagePricingRecord, UsageCount, UsageFilter } from './usage';

/** What reserving asks of the store (see StoreWriter.reserveInScope). */
export interface ScopeReservation {
	scope: string;
	customerId: string;
	reservedAt: number;
	expiredAtOrBefore: number;
	/** The tier's limit; null when unlimited. */
	limit: number | null;
}

/** A limit scope as reserving finds it, under its lock, before its reservation is recorded. */
export interface LimitScopeState {
	/** When the customer's reservation in the scope was made; null when they have none. */
	previousReservedAt: number | null;
	/** Reservations the scope holds (expired ones deleted). */
	used: number;
}

/**
 * A storage engine (SQLite, PostgreSQL) as the conversation service holds it: transactions, the
 * wake-up for other processes' commits, and closing. Everything else a store does is the service's.
 */
export interface StoreEngine {
	/** 'sqlite' or 'postgres'; the store reports it as its `engine`. */
	readonly name: string;
	/** One read transaction: one snapshot, so a page of events and the log's head agree. */
	read<T>(work: (tx: StoreReader) => Promise<T>): Promise<T>;
	/** One write transaction; the work may run again when the engine retries a conflict. */
	write<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T>;
	/**
	 * Calls `wake` whenever another process may have committed events (polling, LISTEN/NOTIFY), from
	 * now until it is called with null. Commits of this process are the service's to announce.
	 */
	watchOtherProcesses(wake: (() => void) | null): void;
	close(): Promise<void>;
}

/**
 * The primitive reads and writes an engine offers inside one transaction. The lifecycle rules
 * (lifecycle.ts) are written once against this interface, so every engine applies the same rules
 * and only the SQL differs.
 */
export interface StoreReader {
	getContact(phoneNumberId: string, customerId: string): Promise<ContactRecord | null>;
	getConversation(id: string): Promise<ConversationRecord | null>;
	findOpenConversation(phoneNumberId: string, customerId: string): Promise<ConversationRecord | null>;
	listConversations(filter: ConversationFilter): Promise<ConversationRecord[]>;
	getTranscript(conversationId: string, limit: number | null): Promise<StoredMessage[]>;
	getMessageByWamid(wamid: string): Promise<StoredMessage | null>;
	subscriptionPosition(subscriberId: string): Promise<number | null>;
	eventsAfter(position: number, options: Required<Pick<ReadEventsOptions, 'limit'>> & ReadEventsOptions): Promise<StoreEvent[]>;
	latestEventId(): Promise<number>;
	countReservations(scope: string, after: number): Promise<number>;
	getReservation(scope: string, customerId: string): Promise<number | null>;
	getMessagingLimit(scope: string): Promise<KnownMessagingLimit | null>;
	/** The customer key an alias (a BSUID) leads to; any phone number's link when phoneNumberId is null. */
	getCustomerAlias(phoneNumberId: string | null, alias: string): Promise<string | null>;
	/** The subscriber's pending bursts, one per business number and customer. */
	pendingBursts(subscriberId: string): Promise<PendingBurst[]>;
	/** These events of the log, oldest first (those pruned meanwhile are missing). */
	eventsByIds(ids: readonly number[]): Promise<StoreEvent[]>;
	getWaitingAnswer(waitId: string): Promise<WaitingAnswer | null>;
	/**
	 * Priced messages in the filter's range, counted per number, conversation, category, pricing type,
	 * billable and UTC day; messages that failed are left out (Meta charges delivered messages).
	 */
	usageCounts(filter: UsageFilter): Promise<UsageCount[]>;
}

export interface StoreWriter extends StoreReader {
	putContact(contact: ContactRecord, now: number): Promise<void>;
	insertConversation(conversation: ConversationRecord): Promise<void>;
	/** Writes the mutable fields of a conversation (activity, counts, flags, variables, closing). */
	updateConversation(conversation: ConversationRecord): Promise<void>;
	/** Closes an open conversation; false when another writer closed it first. */
	closeConversation(id: string, closedAt: number, reason: CloseReason): Promise<boolean>;
	/** Idle open conversations, oldest first, claimed for this transaction. */
	claimIdleConversations(cutoff: number, phoneNumberId: string | null, limit: number): Promise<ConversationRecord[]>;
	/** False when the wamid is already stored (a redelivery). */
	insertMessage(message: Omit<StoredMessage, 'seq'>): Promise<boolean>;
	updateMessageStatus(wamid: string, status: string, statusAt: number, error: StoredMessage['error']): Promise<void>;
	/** False when this (wamid, status) pair was seen before (a redelivery). */
	recordStatusReceipt(wamid: string, status: string, timestamp: number): Promise<boolean>;
	/**
	 * Appends an event to the log. Its id is the log position, strictly increasing in commit order; an
	 * engine may assign it only when the transaction commits (PostgreSQL does, see its transaction),
	 * so the id is not returned and events appended in a transaction are not read back in it.
	 */
	appendEvent(event: NewStoreEvent): Promise<void>;
	putSubscription(subscriberId: string, position: number, now: number): Promise<void>;
	/** Adds an event to the subscriber's pending burst of its customer (once, however often it is added). */
	putBurstEvent(subscriberId: string, entry: { eventId: number; phoneNumberId: string; customerId: string; arrivedAt: number }): Promise<void>;
	/** Deletes the subscriber's pending burst of one customer and returns its event ids; none when another writer took it. */
	takeBurst(subscriberId: string, phoneNumberId: string, customerId: string): Promise<number[]>;
	advanceSubscription(subscriberId: string, position: number, now: number): Promise<void>;
	/** Deletes the cursor and the pending bursts of the subscriber. */
	deleteSubscription(subscriberId: string): Promise<void>;
	/**
	 * Deletes events created before `createdBefore` with ids up to `maxId`, at most `limit` of them when
	 * given; an event in a pending burst is kept until the burst is taken.
	 */
	deleteEventsBefore(createdBefore: number, maxId: number, limit?: number): Promise<number>;
	/** Deletes up to `limit` messages older than `before`, only of this business number's conversations when given. */
	deleteMessagesBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number>;
	/** Deletes up to `limit` closed conversations whose last message is older than `before` and that hold no message. */
	deleteClosedConversationsBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number>;
	deleteStatusReceiptsBefore(before: number, limit: number): Promise<number>;
	/**
	 * Keeps a message's pricing; a wamid already priced keeps its first report and only gains the
	 * conversation and customer it lacked (a status that arrived before the send was recorded).
	 */
	putMessagePricing(record: MessagePricingRecord): Promise<void>;
	/** Deletes up to `limit` pricing rows older than `before`, only of this business number when given. */
	deleteMessagePricingBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number>;
	/** Deletes up to `limit` daily-limit reservations, of any scope, made at or before `expiredAtOrBefore`. */
	deleteReservationsBefore(expiredAtOrBefore: number, limit: number): Promise<number>;
	/** Deletes up to `limit` waiting questions resumed before `before`, or expired before it whatever their state. */
	deleteWaitingAnswersBefore(before: number, limit: number): Promise<number>;
	/** Deletes the cursors untouched since before `idleSince`, and their pending bursts; returns their subscriber ids. */
	deleteIdleSubscriptions(idleSince: number): Promise<string[]>;
	/**
	 * Serializes limit reservations on one scope until this transaction ends, so that counting the
	 * scope's reservations and adding one is atomic against other writers (engines whose write
	 * transactions already exclude each other, like SQLite's, have nothing to do).
	 */
	lockLimitScope(scope: string): Promise<void>;
	putReservation(scope: string, customerId: string, reservedAt: number): Promise<void>;
	/** Deletes the reservation only if it still carries `reservedAt`; false when it moved on. */
	deleteReservation(scope: string, customerId: string, reservedAt: number): Promise<boolean>;
	/**
	 * Reserving in one step: locks the scope as lockLimitScope does, deletes its reservations made at
	 * or before `expiredAtOrBefore`, then records the customer's reservation at `reservedAt` if it
	 * fits (reservationFits), and returns the scope as it found it. One call, so an engine can do it
	 * in one round trip under the lock.
	 */
	reserveInScope(request: ScopeReservation): Promise<LimitScopeState>;
	/** Keeps the limit unless the stored one was observed later; false when it was (nothing written). */
	putMessagingLimit(limit: KnownMessagingLimit, now: number): Promise<boolean>;
	/** Minimum cursor position among all subscribers; null when there are none. */
	minimumSubscriptionPosition(): Promise<number | null>;
	/** Links an alias to a customer key (replacing an earlier link of the alias). */
	putCustomerAlias(phoneNumberId: string, alias: string, customerId: string, now: number): Promise<void>;
	deleteContact(phoneNumberId: string, customerId: string): Promise<void>;
	/** Moves every message of one conversation to another (merging two conversations of one customer). */
	moveMessages(fromConversationId: string, toConversationId: string): Promise<void>;
	/** Gives every conversation of `fromCustomerId` to `toCustomerId`; at most one of them may be open. */
	reassignConversations(phoneNumberId: string, fromCustomerId: string, toCustomerId: string): Promise<void>;
	/** Records a waiting question (a repeated wait id keeps the first). */
	putWaitingAnswer(row: NewWaitingAnswer): Promise<void>;
	/**
	 * Settles the customer's oldest unexpired waiting question with this answer, due for resuming at
	 * `now`; false when none waits. A row another writer settled first is not settled again.
	 */
	answerWaitingQuestion(phoneNumberId: string, customerId: string, answer: QuestionAnswer, now: number): Promise<boolean>;
	/** Settles the waiting questions expired at `now` as timed out, due for resuming at once. */
	expireWaitingAnswers(now: number): Promise<number>;
	/** Settled rows due for resuming at `now`, moved on by `claimMs` and counted as an attempt: one claimer each. */
	claimWaitingAnswerResumes(now: number, claimMs: number, limit: number): Promise<WaitingAnswer[]>;
	setWaitingAnswerResumed(waitId: string, now: number): Promise<void>;
	deleteWaitingAnswer(waitId: string): Promise<void>;
	deferWaitingAnswerResume(waitId: string, resumeAfter: number): Promise<void>;
}
