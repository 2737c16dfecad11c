import { EventEmitter } from 'node:events';

import type { KnownMessagingLimit } from './messaging-limit';
import { StoreError } from '../errors';
import { LIMIT_WINDOW_MS } from '../policy/limits';
import type { StoreEngine, StoreWriter } from './engine';
import * as lifecycle from './lifecycle';
import { holdInBurst, takeDueBursts, type BurstLimits, type DueBursts, type ReceivedEvent } from './bursts';
import type { NewWaitingAnswer, WaitingAnswer } from './waiting-answers';
import type { UsageCount, UsageFilter } from './usage';
import type {
	ConversationFilter,
	ConversationStore,
	EventBatch,
	IngestOptions,
	IngestResult,
	LifecycleOptions,
	LimitReservation,
	LimitReservationRequest,
	OutboundMessage,
	PruneOptions,
	PruneResult,
	ReadEventsOptions,
	RecordOutboundResult,
	CustomerMessage,
	RecordCustomerMessageResult,
	SubscribeFrom,
	SweepOptions,
	CustomerWindow,
} from './store';
import type { CloseReason, ContactRecord, ConversationRecord, StoredMessage } from './types';

const DEFAULT_EVENT_BATCH = 100;
/** Rows one prune transaction deletes: a few milliseconds of holding the write lock. */
const DEFAULT_PRUNE_BATCH = 500;

/**
 * The conversation store: runs the lifecycle rules (lifecycle.ts) and the event log's reads in the
 * transactions of the engine it holds, and wakes event listeners after its own commits and, through
 * the engine, after other processes' commits.
 */
export class ConversationService<E extends StoreEngine = StoreEngine> implements ConversationStore {
	/** In-process wake-ups; the engine adds other processes' commits (polling, LISTEN/NOTIFY). */
	private readonly appended = new EventEmitter();
	private readonly wake = () => this.appended.emit('appended');

	/**
	 * `storage` is public for tools that must write below the rules (the sandbox's time travel, the
	 * benches' commit clock); workflows go through the methods.
	 */
	constructor(readonly storage: E) {
		this.appended.setMaxListeners(0);
	}

	get engine(): string {
		return this.storage.name;
	}

	/** A write that may have appended events: listeners hear of it once it is committed. */
	private async writeAndNotify<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
		const result = await this.storage.write(work);
		this.wake();
		return result;
	}

	async ingest(webhook: Parameters<typeof lifecycle.ingestWebhook>[1], options: IngestOptions): Promise<IngestResult> {
		if (webhook.messages.length === 0 && webhook.statuses.length === 0 && (webhook.accountEvents ?? []).length === 0) return lifecycle.emptyIngestResult();
		return this.writeAndNotify((tx) => lifecycle.ingestWebhook(tx, webhook, options));
	}

	recordOutbound(message: OutboundMessage, options: LifecycleOptions): Promise<RecordOutboundResult> {
		return this.writeAndNotify((tx) => lifecycle.recordOutbound(tx, message, options));
	}

	recordCustomerMessage(message: CustomerMessage, options: LifecycleOptions): Promise<RecordCustomerMessageResult> {
		return this.writeAndNotify((tx) => lifecycle.recordCustomerMessage(tx, message, options));
	}

	resolveCustomerId(phoneNumberId: string, customerId: string): Promise<string> {
		return this.storage.read((tx) => lifecycle.resolveCustomer(tx, phoneNumberId, customerId));
	}

	getWindow(phoneNumberId: string, customerId: string, now: number): Promise<CustomerWindow> {
		return this.storage.read(async (tx) => {
			// Every send asks this first, mostly with the key a trigger handed out: a contact stored under
			// the id as given is that customer (stored keys are their own key), so only other forms of an
			// id pay for reading it as a phone number (tens of µs, more than the lookup itself).
			const asGiven = await tx.getContact(phoneNumberId, customerId);
			if (asGiven) return lifecycle.toCustomerWindow(asGiven, now);
			const key = await lifecycle.resolveCustomer(tx, phoneNumberId, customerId);
			return lifecycle.toCustomerWindow(key === customerId ? null : await tx.getContact(phoneNumberId, key), now);
		});
	}

	getContact(phoneNumberId: string, customerId: string): Promise<ContactRecord | null> {
		return this.storage.read(async (tx) => tx.getContact(phoneNumberId, await lifecycle.resolveCustomer(tx, phoneNumberId, customerId)));
	}

	setOptOut(phoneNumberId: string, anyCustomerId: string, optedOut: boolean, now: number): Promise<ContactRecord> {
		return this.storage.write(async (tx) => {
			const customerId = await lifecycle.resolveCustomer(tx, phoneNumberId, anyCustomerId);
			const previous = await tx.getContact(phoneNumberId, customerId);
			const contact: ContactRecord = {
				phoneNumberId,
				customerId,
				waId: previous?.waId ?? (/^\d+$/.test(customerId) ? customerId : null),
				name: previous?.name ?? null,
				lastInboundAt: previous?.lastInboundAt ?? null,
				optedOut,
				optedOutAt: optedOut ? (previous?.optedOut ? previous.optedOutAt : now) : null,
			};
			await tx.putContact(contact, now);
			return contact;
		});
	}

	reserveDailyLimit(request: LimitReservationRequest): Promise<LimitReservation> {
		return this.storage.write((tx) => lifecycle.reserveLimit(tx, request));
	}

	releaseDailyLimit(reservation: LimitReservation): Promise<void> {
		return this.storage.write((tx) => lifecycle.releaseLimit(tx, reservation));
	}

	dailyLimitUsage(scope: string, now: number): Promise<number> {
		return this.storage.read((tx) => tx.countReservations(scope, now - LIMIT_WINDOW_MS));
	}

	recordMessagingLimit(limit: KnownMessagingLimit, now: number): Promise<boolean> {
		return this.storage.write((tx) => tx.putMessagingLimit(limit, now));
	}

	getMessagingLimit(scope: string): Promise<KnownMessagingLimit | null> {
		return this.storage.read((tx) => tx.getMessagingLimit(scope));
	}

	usageCounts(filter: UsageFilter): Promise<UsageCount[]> {
		return this.storage.read((tx) => tx.usageCounts(filter));
	}

	getConversation(id: string): Promise<ConversationRecord | null> {
		return this.storage.read((tx) => tx.getConversation(id));
	}

	findOpenConversation(phoneNumberId: string, customerId: string): Promise<ConversationRecord | null> {
		return this.storage.read(async (tx) =>
			tx.findOpenConversation(phoneNumberId, await lifecycle.resolveCustomer(tx, phoneNumberId, customerId)),
		);
	}

	listConversations(filter: ConversationFilter): Promise<ConversationRecord[]> {
		return this.storage.read(async (tx) => {
			if (!filter.customerId) return tx.listConversations(filter);
			const customerId = await lifecycle.resolveCustomer(tx, filter.phoneNumberId ?? null, filter.customerId);
			return tx.listConversations({ ...filter, customerId });
		});
	}

	getTranscript(conversationId: string, options: { limit?: number } = {}): Promise<StoredMessage[]> {
		return this.storage.read((tx) => tx.getTranscript(conversationId, options.limit ?? null));
	}

	getMessage(wamid: string): Promise<StoredMessage | null> {
		return this.storage.read((tx) => tx.getMessageByWamid(wamid));
	}

	closeConversation(id: string, options: { now: number; reason?: CloseReason }): Promise<ConversationRecord> {
		return this.writeAndNotify((tx) => lifecycle.closeManually(tx, id, options.now, options.reason ?? 'manual'));
	}

	sweepIdleConversations(options: SweepOptions): Promise<ConversationRecord[]> {
		return this.writeAndNotify((tx) => lifecycle.sweepIdle(tx, options));
	}

	setAiEnabled(conversationId: string, enabled: boolean): Promise<ConversationRecord> {
		return this.storage.write(async (tx) => {
			const conversation = { ...(await lifecycle.requireConversation(tx, conversationId)), aiEnabled: enabled };
			await tx.updateConversation(conversation);
			return conversation;
		});
	}

	mergeConversationVariables(
		conversationId: string,
		variables: { input?: Record<string, unknown>; extracted?: Record<string, unknown> },
	): Promise<ConversationRecord> {
		return this.storage.write(async (tx) => {
			const current = await lifecycle.requireConversation(tx, conversationId);
			const conversation: ConversationRecord = {
				...current,
				inputVariables: { ...current.inputVariables, ...variables.input },
				extractedVariables: { ...current.extractedVariables, ...variables.extracted },
			};
			await tx.updateConversation(conversation);
			return conversation;
		});
	}

	subscribe(subscriberId: string, from: SubscribeFrom = 'now'): Promise<void> {
		return this.storage.write(async (tx) => {
			const existing = await tx.subscriptionPosition(subscriberId);
			// Kept where it is, and touched: a trigger starting again is alive.
			if (existing !== null) return tx.advanceSubscription(subscriberId, existing, Date.now());
			const position = from === 'now' ? await tx.latestEventId() : from === 'beginning' ? 0 : Math.max(0, from.after);
			await tx.putSubscription(subscriberId, position, Date.now());
		});
	}

	unsubscribe(subscriberId: string): Promise<void> {
		return this.storage.write((tx) => tx.deleteSubscription(subscriberId));
	}

	readEvents(subscriberId: string, options: ReadEventsOptions = {}): Promise<EventBatch> {
		const limit = options.limit ?? DEFAULT_EVENT_BATCH;
		return this.storage.read(async (tx) => {
			const position = await tx.subscriptionPosition(subscriberId);
			if (position === null) {
				throw new StoreError(
					'SUBSCRIPTION_NOT_FOUND',
					`The event subscriber "${subscriberId}" has no cursor`,
					'Subscribe before reading events; a trigger does this when it is activated.',
				);
			}
			const events = await tx.eventsAfter(position, { ...options, limit });
			// A short page means the read reached the head: everything up to it was looked at,
			// including events the filters left out.
			const last = events.at(-1);
			const reachedHead = events.length < limit;
			const head = reachedHead ? await tx.latestEventId() : (last?.id ?? position);
			return { events, position: Math.max(position, head) };
		});
	}

	acknowledge(subscriberId: string, position: number, now: number = Date.now()): Promise<void> {
		return this.storage.write((tx) => tx.advanceSubscription(subscriberId, position, now));
	}

	holdInBurst(subscriberId: string, event: ReceivedEvent, now: number = Date.now()): Promise<void> {
		return this.storage.write((tx) => holdInBurst(tx, subscriberId, event, now));
	}

	takeDueBursts(subscriberId: string, limits: BurstLimits, now: number = Date.now()): Promise<DueBursts> {
		return this.storage.write((tx) => takeDueBursts(tx, subscriberId, limits, now));
	}

	async waitForAnswer(row: NewWaitingAnswer): Promise<void> {
		await this.storage.write(async (tx) =>
			tx.putWaitingAnswer({ ...row, customerId: await lifecycle.resolveCustomer(tx, row.phoneNumberId, row.customerId) }),
		);
	}

	getWaitingAnswer(waitId: string): Promise<WaitingAnswer | null> {
		return this.storage.read((tx) => tx.getWaitingAnswer(waitId));
	}

	expireWaitingAnswers(now: number): Promise<number> {
		return this.storage.write((tx) => tx.expireWaitingAnswers(now));
	}

	claimWaitingAnswerResumes(now: number, claimMs: number, limit: number): Promise<WaitingAnswer[]> {
		return this.storage.write((tx) => tx.claimWaitingAnswerResumes(now, claimMs, limit));
	}

	markWaitingAnswerResumed(waitId: string, now: number): Promise<void> {
		return this.storage.write((tx) => tx.setWaitingAnswerResumed(waitId, now));
	}

	cancelWaitingAnswer(waitId: string): Promise<void> {
		return this.storage.write((tx) => tx.deleteWaitingAnswer(waitId));
	}

	deferWaitingAnswerResume(waitId: string, resumeAfter: number): Promise<void> {
		return this.storage.write((tx) => tx.deferWaitingAnswerResume(waitId, resumeAfter));
	}

	onEventsAppended(listener: () => void): () => void {
		this.appended.on('appended', listener);
		this.storage.watchOtherProcesses(this.wake);
		return () => {
			this.appended.off('appended', listener);
			if (this.appended.listenerCount('appended') === 0) this.storage.watchOtherProcesses(null);
		};
	}

	async pruneEvents(olderThan: number): Promise<number> {
		return (await this.prune({ eventsBefore: olderThan })).events;
	}

	async prune(options: PruneOptions): Promise<PruneResult> {
		const limit = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_PRUNE_BATCH));
		const pauseMs = Math.max(0, options.pauseMs ?? 5);
		const result: PruneResult = {
			messages: 0,
			conversations: 0,
			statusReceipts: 0,
			reservations: 0,
			waitingAnswers: 0,
			pricing: 0,
			events: 0,
			forgottenSubscribers: [],
		};
		let batches = 0;
		// One kind's batches, each its own transaction, until a short one says nothing is left.
		const drain = async (batch: (tx: StoreWriter) => Promise<number>): Promise<number> => {
			let total = 0;
			for (;;) {
				if (batches++ > 0 && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
				const deleted = await this.storage.write(batch);
				total += deleted;
				if (deleted < limit) return total;
			}
		};
		const { messagesBefore, statusReceiptsBefore, reservationsBefore, waitingAnswersBefore, forgetSubscribersIdleSince, eventsBefore } = options;
		const phoneNumberId = options.phoneNumberId ?? null;
		if (messagesBefore !== undefined) {
			result.messages = await drain((tx) => tx.deleteMessagesBefore(messagesBefore, phoneNumberId, limit));
			result.conversations = await drain((tx) => tx.deleteClosedConversationsBefore(messagesBefore, phoneNumberId, limit));
			result.pricing = await drain((tx) => tx.deleteMessagePricingBefore(messagesBefore, phoneNumberId, limit));
		}
		if (statusReceiptsBefore !== undefined) {
			result.statusReceipts = await drain((tx) => tx.deleteStatusReceiptsBefore(statusReceiptsBefore, limit));
		}
		if (reservationsBefore !== undefined) {
			result.reservations = await drain((tx) => tx.deleteReservationsBefore(reservationsBefore, limit));
		}
		if (waitingAnswersBefore !== undefined) {
			result.waitingAnswers = await drain((tx) => tx.deleteWaitingAnswersBefore(waitingAnswersBefore, limit));
		}
		// Forgotten cursors first, so that they no longer hold back the events below.
		if (forgetSubscribersIdleSince !== undefined) {
			result.forgottenSubscribers = await this.storage.write((tx) => tx.deleteIdleSubscriptions(forgetSubscribersIdleSince));
		}
		if (eventsBefore !== undefined) {
			result.events = await drain(async (tx) => {
				const slowest = await tx.minimumSubscriptionPosition();
				return tx.deleteEventsBefore(eventsBefore, slowest ?? (await tx.latestEventId()), limit);
			});
		}
		return result;
	}

	async close(): Promise<void> {
		this.appended.removeAllListeners();
		await this.storage.close();
	}
}
