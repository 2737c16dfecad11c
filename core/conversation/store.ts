import type { KnownMessagingLimit } from './messaging-limit';
import type { CloseReason, ContactRecord, ConversationRecord, ConversationStatus, StoredMessage } from './types';
import type { EventType, StoreEvent } from '../events/types';
import type { MessagingTier } from '../policy/limits';
import type { WindowState as PolicyWindowState } from '../policy/window';
import type { ParsedWebhook } from '../webhook/types';
import type { BurstLimits, DueBursts, ReceivedEvent } from './bursts';
import type { NewWaitingAnswer, WaitingAnswer } from './waiting-answers';
import type { UsageCount, UsageFilter } from './usage';

/** Settings every write that can open or extend a conversation needs. */
export interface LifecycleOptions {
	/** Epoch ms; injectable so tests and the sweep agree on time. */
	now: number;
	/** A conversation idle this long is over: the next message opens a new one. */
	inactivityTimeoutMs: number;
}

export interface IngestOptions extends LifecycleOptions {
	/** Whole-message keywords that opt a contact out of marketing templates (defaults apply when absent). */
	optOutKeywords?: readonly string[];
	optInKeywords?: readonly string[];
	/**
	 * Whether the delivery was proven to come from the provider; recorded on its events. The store
	 * checks nothing itself: ingestWebhookRequest sets it from its check (default true).
	 */
	authenticated?: boolean;
}

export interface IngestResult {
	/** Messages stored now; redeliveries of known wamids are not counted. */
	messagesStored: number;
	duplicateMessages: number;
	statusesApplied: number;
	duplicateStatuses: number;
	/** Waiting questions (Send and Wait) these messages answered: their executions are due to resume. */
	questionsAnswered: number;
	/** Account events (template, number, account, preference changes) stored now; redeliveries not counted. */
	accountEventsStored: number;
	duplicateAccountEvents: number;
	/** Template events among them: the account's cached template list is stale. */
	templateEvents: number;
}

export interface OutboundMessage {
	wamid: string;
	businessAccountId: string | null;
	phoneNumberId: string;
	displayPhoneNumber?: string | null;
	/** Any id of the recipient (wa_id, E.164, BSUID): the store keys the message by the customer's key. */
	customerId: string;
	type: string;
	text: string | null;
	payload: Record<string, unknown>;
	timestamp: number;
}

/** A customer's message from another channel, recorded in the conversation without WhatsApp's effects. */
export interface CustomerMessage extends OutboundMessage {
	customerName?: string | null;
}

export interface RecordCustomerMessageResult {
	conversation: ConversationRecord;
	isNewConversation: boolean;
	/** False when the wamid was already stored. */
	stored: boolean;
}

export interface RecordOutboundResult {
	conversation: ConversationRecord;
	isNewConversation: boolean;
}

/** The 24-hour window as the policy sees it, plus the inbound message it runs from. */
export interface CustomerWindow extends PolicyWindowState {
	lastInboundAt: number | null;
}

export interface LimitReservationRequest {
	/** What Meta counts the limit over: the business portfolio (we key it by business account id). */
	scope: string;
	customerId: string;
	/** The account's messaging tier: how many unique users it may reach per rolling 24 h. */
	tier: MessagingTier;
	now: number;
}

export interface LimitReservation {
	scope: string;
	customerId: string;
	/** False when this customer was already reached in the last 24 h: no new unit was used. */
	counted: boolean;
	used: number;
	tier: MessagingTier;
	limit: number | null;
	remaining: number | null;
	/** The reservation this one replaced, so a failed send can give the unit back exactly. */
	previousReservedAt: number | null;
	reservedAt: number;
}

export interface ConversationFilter {
	status?: ConversationStatus;
	phoneNumberId?: string;
	customerId?: string;
	/** Only conversations with a message at or after this epoch ms. */
	since?: number;
	limit?: number;
	offset?: number;
}

export interface SweepOptions {
	now: number;
	inactivityTimeoutMs: number;
	/** Only this business number's conversations (each credential has its own timeout). */
	phoneNumberId?: string;
	/** At most this many per call, so one sweep never holds the write lock for long. */
	batchSize?: number;
}

export interface ReadEventsOptions {
	limit?: number;
	types?: readonly EventType[];
	phoneNumberId?: string;
}

export interface EventBatch {
	events: StoreEvent[];
	/**
	 * How far the read looked: acknowledge this after handling `events`, so that events filtered out
	 * by type or phone number are passed over too.
	 */
	position: number;
}

/**
 * What one prune deletes. Each part is optional: what is not asked for is kept. Rows go in batches,
 * each its own short write transaction, so ingest and sends wait at most one batch.
 */
export interface PruneOptions {
	/** Messages (and their pricing) older than this epoch ms, and closed conversations whose last message is, are deleted. */
	messagesBefore?: number;
	/** Only this business number's messages and conversations (each credential has its own retention). */
	phoneNumberId?: string;
	/** Status receipts (the keys that recognise Meta's redeliveries of a status) older than this. */
	statusReceiptsBefore?: number;
	/** Daily-limit reservations made at or before this epoch ms (those older than 24 h count for nothing). */
	reservationsBefore?: number;
	/**
	 * Send and Wait questions resumed before this epoch ms, and those that expired before it in any
	 * state: n8n ended their wait an hour after the expiry (WAIT_BACKSTOP_MS), so nothing resumes them.
	 */
	waitingAnswersBefore?: number;
	/** Cursors not moved or touched since this epoch ms are deleted: their trigger no longer runs. */
	forgetSubscribersIdleSince?: number;
	/** Events created before this epoch ms that every remaining cursor has passed. */
	eventsBefore?: number;
	/** Rows per transaction and kind (default 500). */
	batchSize?: number;
	/** Pause between two batches, so writers of other processes get the lock in between (default 5 ms). */
	pauseMs?: number;
}

export interface PruneResult {
	messages: number;
	conversations: number;
	statusReceipts: number;
	reservations: number;
	waitingAnswers: number;
	/** Pricing rows of messages (deleted with messagesBefore). */
	pricing: number;
	events: number;
	/** The cursors that were forgotten. */
	forgottenSubscribers: string[];
}

/**
 * Where a new subscriber starts: only what happens from now on, everything the log still holds, or
 * right after a known event id.
 */
export type SubscribeFrom = 'now' | 'beginning' | { after: number };

/**
 * The conversation store: one interface, several engines (embedded SQLite, PostgreSQL). Every method
 * that writes does so in one transaction, events included; the conformance suite in
 * test/store-conformance runs any engine through the same checks.
 */
export interface ConversationStore {
	readonly engine: string;

	ingest(webhook: ParsedWebhook, options: IngestOptions): Promise<IngestResult>;
	recordOutbound(message: OutboundMessage, options: LifecycleOptions): Promise<RecordOutboundResult>;
	/** A customer message from another channel: joins the conversation, moves no window, logs no message.received. */
	recordCustomerMessage(message: CustomerMessage, options: LifecycleOptions): Promise<RecordCustomerMessageResult>;

	/**
	 * One customer, one key. Every method that takes a customer id accepts any id of the customer and
	 * works on the customer's key, which this returns (for outputs that flows match against trigger
	 * items):
	 * - a phone number in any form (E.164, formatted, wa_id, a legacy wa_id such as Brazil's without
	 *   the mobile 9 or Mexico's with the old 1) → its normalized wa_id digits (customerKey);
	 * - a BSUID → the phone number key it is linked to, else the BSUID itself.
	 * Links: when Meta reports a customer's phone number and BSUID together (a message's
	 * contacts[].wa_id and user_id, a status's recipient_id and recipient_user_id), the BSUID becomes an
	 * alias of the phone number key for that business number, and rows stored under the BSUID alone
	 * merge into the phone number key (contact, conversations, limit reservation; rules in
	 * lifecycle.ts mergeCustomer). A phone number is never an alias: a customer known by a number is
	 * keyed by it. Until Meta reports both ids together, a username customer and a phone number are two
	 * customers; a BSUID later reported with another number is re-linked to that number.
	 */
	resolveCustomerId(phoneNumberId: string, customerId: string): Promise<string>;
	getWindow(phoneNumberId: string, customerId: string, now: number): Promise<CustomerWindow>;
	getContact(phoneNumberId: string, customerId: string): Promise<ContactRecord | null>;
	setOptOut(phoneNumberId: string, customerId: string, optedOut: boolean, now: number): Promise<ContactRecord>;

	reserveDailyLimit(request: LimitReservationRequest): Promise<LimitReservation>;
	/** Gives back a unit whose message never left (the API refused it). */
	releaseDailyLimit(reservation: LimitReservation): Promise<void>;
	dailyLimitUsage(scope: string, now: number): Promise<number>;
	/**
	 * Remembers Meta's messaging limit of a scope (the account); an observation older than the stored
	 * one changes nothing and answers false, so a late webhook never undoes a newer read.
	 */
	recordMessagingLimit(limit: KnownMessagingLimit, now: number): Promise<boolean>;
	/** The last messaging limit Meta reported for the scope, or null when none was ever recorded. */
	getMessagingLimit(scope: string): Promise<KnownMessagingLimit | null>;
	/**
	 * Messages Meta priced (status webhooks' `pricing`) in the range, counted per number, conversation,
	 * category, type and UTC day; failed messages are left out, as Meta charges delivered messages.
	 */
	usageCounts(filter: UsageFilter): Promise<UsageCount[]>;

	getConversation(id: string): Promise<ConversationRecord | null>;
	findOpenConversation(phoneNumberId: string, customerId: string): Promise<ConversationRecord | null>;
	listConversations(filter: ConversationFilter): Promise<ConversationRecord[]>;
	getTranscript(conversationId: string, options?: { limit?: number }): Promise<StoredMessage[]>;
	/** The stored message with this Meta message id, in whichever conversation holds it. */
	getMessage(wamid: string): Promise<StoredMessage | null>;
	closeConversation(id: string, options: { now: number; reason?: CloseReason }): Promise<ConversationRecord>;
	sweepIdleConversations(options: SweepOptions): Promise<ConversationRecord[]>;
	setAiEnabled(conversationId: string, enabled: boolean): Promise<ConversationRecord>;
	mergeConversationVariables(
		conversationId: string,
		variables: { input?: Record<string, unknown>; extracted?: Record<string, unknown> },
	): Promise<ConversationRecord>;

	/**
	 * Creates the subscriber's cursor if it has none; an existing cursor is kept (that is the
	 * durability) and counts as touched, like every read-and-acknowledge: a cursor untouched for
	 * `forgetSubscribersIdleSince` is forgotten by prune.
	 */
	subscribe(subscriberId: string, from?: SubscribeFrom): Promise<void>;
	unsubscribe(subscriberId: string): Promise<void>;
	/** Events after the subscriber's cursor, oldest first; the cursor moves only on acknowledge. */
	readEvents(subscriberId: string, options?: ReadEventsOptions): Promise<EventBatch>;
	/**
	 * Moves the cursor forward to `position` (never back), after the events up to it were handled, and
	 * marks it touched at `now` (default: the clock). An idle reader acknowledging its empty reads is
	 * what keeps its cursor alive.
	 */
	acknowledge(subscriberId: string, position: number, now?: number): Promise<void>;
	/**
	 * Holds a received message in the subscriber's pending burst of its customer instead of handing it
	 * on now, and moves the cursor past it in the same transaction. The burst survives restarts.
	 */
	holdInBurst(subscriberId: string, event: ReceivedEvent, now?: number): Promise<void>;
	/**
	 * Takes the subscriber's bursts that are due at `now` (rules in bursts.ts) out of the store: each is
	 * returned to one caller once, and a message held after the take starts the next burst.
	 */
	takeDueBursts(subscriberId: string, limits: BurstLimits, now?: number): Promise<DueBursts>;
	/**
	 * Send and Wait (rules in waiting-answers.ts): records that an execution waits for this customer's
	 * next message (the customer id may be any id of the customer). The customer's next answering
	 * message settles it in the ingest transaction, once.
	 */
	waitForAnswer(row: NewWaitingAnswer): Promise<void>;
	getWaitingAnswer(waitId: string): Promise<WaitingAnswer | null>;
	/** Settles the waiting questions expired at `now` as timed out. */
	expireWaitingAnswers(now: number): Promise<number>;
	/** Settled questions whose execution is due to be resumed, each claimed for one caller for `claimMs`. */
	claimWaitingAnswerResumes(now: number, claimMs: number, limit: number): Promise<WaitingAnswer[]>;
	/** The execution was resumed (or can never be): the question is done. */
	markWaitingAnswerResumed(waitId: string, now: number): Promise<void>;
	/** Forgets a question that certainly never reached the customer (its send failed), whatever its state. */
	cancelWaitingAnswer(waitId: string): Promise<void>;
	/** The resume call failed: try again at `resumeAfter`. */
	deferWaitingAnswerResume(waitId: string, resumeAfter: number): Promise<void>;
	/** Calls back when events may have been appended (in this process at once, others by polling). */
	onEventsAppended(listener: () => void): () => void;
	/** Deletes events every subscriber has passed, that no pending burst holds and that are older than the given epoch ms. */
	pruneEvents(olderThan: number): Promise<number>;
	/** Deletes what the options say is due, in batches (see PruneOptions); contacts are always kept. */
	prune(options: PruneOptions): Promise<PruneResult>;

	close(): Promise<void>;
}
