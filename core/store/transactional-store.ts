import { EventEmitter } from 'node:events';

import type { CloseReason, ContactRecord, ConversationRecord, StoredMessage } from '../conversation/types';
import { StoreError } from '../errors';
import { LIMIT_WINDOW_MS } from '../policy/limits';
import * as operations from '../conversation/lifecycle';
import type { StoreReader, StoreWriter } from '../conversation/engine';
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
} from '../conversation/store';

const DEFAULT_EVENT_BATCH = 100;
/** Rows one prune transaction deletes: a few milliseconds of holding the write lock. */
const DEFAULT_PRUNE_BATCH = 500;

/**
 * Everything a store does, expressed through an engine's `read` and `write` transactions. Engines
 * extend this and supply the two transaction kinds plus, for other processes' commits, a wake-up.
 */
export abstract class TransactionalStore implements ConversationStore {
	abstract readonly engine: string;
	/** In-process wake-ups; engines add their cross-process signal (polling, LISTEN/NOTIFY). */
	protected readonly appended = new EventEmitter();

	constructor() {
		this.appended.setMaxListeners(0);
	}

	protected abstract read<T>(work: (tx: StoreReader) => Promise<T>): Promise<T>;
	protected abstract write<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T>;
	/** Starts and stops the engine's watch for other processes' events while anyone listens. */
	protected abstract watchOtherProcesses(active: boolean): void;
	abstract close(): Promise<void>;

	/** A write that may have appended events: listeners hear of it once it is committed. */
	protected async writeAndNotify<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
		const result = await this.write(work);
		this.appended.emit('appended');
		return result;
	}

	async ingest(webhook: Parameters<typeof operations.ingestWebhook>[1], options: IngestOptions): Promise<IngestResult> {
		if (webhook.messages.length === 0 && webhook.statuses.length === 0) return operations.emptyIngestResult();
		return this.writeAndNotify((tx) => operations.ingestWebhook(tx, webhook, options));
	}

	recordOutbound(message: OutboundMessage, options: LifecycleOptions): Promise<RecordOutboundResult> {
		return this.writeAndNotify((tx) => operations.recordOutbound(tx, message, options));
	}

	recordCustomerMessage(message: CustomerMessage, options: LifecycleOptions): Promise<RecordCustomerMessageResult> {
		return this.writeAndNotify((tx) => operations.recordCustomerMessage(tx, message, options));
	}

	resolveCustomerId(phoneNumberId: string, customerId: string): Promise<string> {
		return this.read((tx) => operations.resolveCustomer(tx, phoneNumberId, customerId));
	}

	getWindow(phoneNumberId: string, customerId: string, now: number): Promise<CustomerWindow> {
		return this.read(async (tx) => {
			const key = await operations.resolveCustomer(tx, phoneNumberId, customerId);
			return operations.toCustomerWindow(await tx.getContact(phoneNumberId, key), now);
		});
	}

	getContact(phoneNumberId: string, customerId: string): Promise<ContactRecord | null> {
		return this.read(async (tx) => tx.getContact(phoneNumberId, await operations.resolveCustomer(tx, phoneNumberId, customerId)));
	}

	setOptOut(phoneNumberId: string, anyCustomerId: string, optedOut: boolean, now: number): Promise<ContactRecord> {
		return this.write(async (tx) => {
			const customerId = await operations.resolveCustomer(tx, phoneNumberId, anyCustomerId);
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
		return this.write((tx) => operations.reserveLimit(tx, request));
	}

	releaseDailyLimit(reservation: LimitReservation): Promise<void> {
		return this.write((tx) => operations.releaseLimit(tx, reservation));
	}

	dailyLimitUsage(scope: string, now: number): Promise<number> {
		return this.read((tx) => tx.countReservations(scope, now - LIMIT_WINDOW_MS));
	}

	getConversation(id: string): Promise<ConversationRecord | null> {
		return this.read((tx) => tx.getConversation(id));
	}

	findOpenConversation(phoneNumberId: string, customerId: string): Promise<ConversationRecord | null> {
		return this.read(async (tx) =>
			tx.findOpenConversation(phoneNumberId, await operations.resolveCustomer(tx, phoneNumberId, customerId)),
		);
	}

	listConversations(filter: ConversationFilter): Promise<ConversationRecord[]> {
		return this.read(async (tx) => {
			if (!filter.customerId) return tx.listConversations(filter);
			const customerId = await operations.resolveCustomer(tx, filter.phoneNumberId ?? null, filter.customerId);
			return tx.listConversations({ ...filter, customerId });
		});
	}

	getTranscript(conversationId: string, options: { limit?: number } = {}): Promise<StoredMessage[]> {
		return this.read((tx) => tx.getTranscript(conversationId, options.limit ?? null));
	}

	closeConversation(id: string, options: { now: number; reason?: CloseReason }): Promise<ConversationRecord> {
		return this.writeAndNotify((tx) => operations.closeManually(tx, id, options.now, options.reason ?? 'manual'));
	}

	sweepIdleConversations(options: SweepOptions): Promise<ConversationRecord[]> {
		return this.writeAndNotify((tx) => operations.sweepIdle(tx, options));
	}

	setAiEnabled(conversationId: string, enabled: boolean): Promise<ConversationRecord> {
		return this.write(async (tx) => {
			const conversation = { ...(await operations.requireConversation(tx, conversationId)), aiEnabled: enabled };
			await tx.updateConversation(conversation);
			return conversation;
		});
	}

	mergeConversationVariables(
		conversationId: string,
		variables: { input?: Record<string, unknown>; extracted?: Record<string, unknown> },
	): Promise<ConversationRecord> {
		return this.write(async (tx) => {
			const current = await operations.requireConversation(tx, conversationId);
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
		return this.write(async (tx) => {
			const existing = await tx.subscriptionPosition(subscriberId);
			// Kept where it is, and touched: a trigger starting again is alive.
			if (existing !== null) return tx.advanceSubscription(subscriberId, existing, Date.now());
			const position = from === 'now' ? await tx.latestEventId() : from === 'beginning' ? 0 : Math.max(0, from.after);
			await tx.putSubscription(subscriberId, position, Date.now());
		});
	}

	unsubscribe(subscriberId: string): Promise<void> {
		return this.write((tx) => tx.deleteSubscription(subscriberId));
	}

	readEvents(subscriberId: string, options: ReadEventsOptions = {}): Promise<EventBatch> {
		const limit = options.limit ?? DEFAULT_EVENT_BATCH;
		return this.read(async (tx) => {
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
		return this.write((tx) => tx.advanceSubscription(subscriberId, position, now));
	}

	onEventsAppended(listener: () => void): () => void {
		this.appended.on('appended', listener);
		this.watchOtherProcesses(true);
		return () => {
			this.appended.off('appended', listener);
			if (this.appended.listenerCount('appended') === 0) this.watchOtherProcesses(false);
		};
	}

	async pruneEvents(olderThan: number): Promise<number> {
		return (await this.prune({ eventsBefore: olderThan })).events;
	}

	async prune(options: PruneOptions): Promise<PruneResult> {
		const limit = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_PRUNE_BATCH));
		const pauseMs = Math.max(0, options.pauseMs ?? 5);
		const result: PruneResult = { messages: 0, conversations: 0, statusReceipts: 0, reservations: 0, events: 0, forgottenSubscribers: [] };
		let batches = 0;
		// One kind's batches, each its own transaction, until a short one says nothing is left.
		const drain = async (batch: (tx: StoreWriter) => Promise<number>): Promise<number> => {
			let total = 0;
			for (;;) {
				if (batches++ > 0 && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
				const deleted = await this.write(batch);
				total += deleted;
				if (deleted < limit) return total;
			}
		};
		const { messagesBefore, statusReceiptsBefore, reservationsBefore, forgetSubscribersIdleSince, eventsBefore } = options;
		const phoneNumberId = options.phoneNumberId ?? null;
		if (messagesBefore !== undefined) {
			result.messages = await drain((tx) => tx.deleteMessagesBefore(messagesBefore, phoneNumberId, limit));
			result.conversations = await drain((tx) => tx.deleteClosedConversationsBefore(messagesBefore, phoneNumberId, limit));
		}
		if (statusReceiptsBefore !== undefined) {
			result.statusReceipts = await drain((tx) => tx.deleteStatusReceiptsBefore(statusReceiptsBefore, limit));
		}
		if (reservationsBefore !== undefined) {
			result.reservations = await drain((tx) => tx.deleteReservationsBefore(reservationsBefore, limit));
		}
		// Forgotten cursors first, so that they no longer hold back the events below.
		if (forgetSubscribersIdleSince !== undefined) {
			result.forgottenSubscribers = await this.write((tx) => tx.deleteIdleSubscriptions(forgetSubscribersIdleSince));
		}
		if (eventsBefore !== undefined) {
			result.events = await drain(async (tx) => {
				const slowest = await tx.minimumSubscriptionPosition();
				return tx.deleteEventsBefore(eventsBefore, slowest ?? (await tx.latestEventId()), limit);
			});
		}
		return result;
	}
}
