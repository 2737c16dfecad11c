import { v7 as timeOrderedUuid } from 'uuid';

import { StoreError } from '../errors';
import type { AccountEventPayload, ConversationSummary } from '../events/types';
import { windowState } from '../policy/window';
import { classifyOptKeyword } from '../policy/optout';
import { LIMIT_WINDOW_MS, limitReachedError, reservationFits, tierLimit } from '../policy/limits';
import { customerKey, isBsuid } from '../policy/customer';
import { parseMetaMessagingLimit } from '../number-health/messaging-limit';
import { changesTemplates, marketingOptOutOf, type AccountEvent } from '../webhook/account-events';
import type { InboundMessage, StatusUpdate } from '../webhook/types';
import type { StoreReader, StoreWriter } from './engine';
import { putMarketingPreference, recordDeliveryFacts } from './delivery';
import { capPayload } from './payload-cap';
import { answerOf } from './waiting-answers';
import type {
	IngestOptions,
	IngestResult,
	LifecycleOptions,
	LimitReservation,
	LimitReservationRequest,
	OutboundMessage,
	RecordCustomerMessageResult,
	RecordOutboundResult,
	CustomerMessage,
	SweepOptions,
	CustomerWindow,
} from './store';
import type { CloseReason, ContactRecord, ConversationRecord, Initiator, MessageDirection, StoredMessage } from './types';

/**
 * The conversation lifecycle: what happens when a message arrives, is sent or gets a status, when a
 * conversation goes idle or is closed, when a customer turns out to have two ids, and how the daily
 * limit is reserved. Written once for every engine: each function runs inside the caller's
 * transaction (see service.ts), so data and events commit together or not at all.
 */

/** How long a conversation may sit idle before the sweep closes it, unless configured otherwise. */
export const DEFAULT_INACTIVITY_TIMEOUT_MS = 30 * 60 * 1000;

/** Idle past the timeout: the next message starts a new conversation, and the sweep may close this one. */
export function isIdle(
	conversation: Pick<ConversationRecord, 'lastMessageAt'>,
	now: number,
	inactivityTimeoutMs: number,
): boolean {
	return now - conversation.lastMessageAt >= inactivityTimeoutMs;
}

/** The newest moment a conversation may have been active and still count as idle at `now`. */
export function idleCutoff(now: number, inactivityTimeoutMs: number): number {
	return now - inactivityTimeoutMs;
}

// Statuses only move forward: a late `delivered` must not overwrite `read`. `failed` ends the line.
const STATUS_RANK: Readonly<Record<string, number>> = {
	sent: 1,
	delivered: 2,
	read: 3,
	played: 4,
	failed: 5,
	deleted: 5,
};

/** Whether a status update should replace the status a message already has. */
export function supersedesStatus(current: string | null, incoming: string): boolean {
	if (current === null) return true;
	return (STATUS_RANK[incoming] ?? 0) > (STATUS_RANK[current] ?? 0);
}

/** A message about to be stored, in either direction, with the conversation facts it carries. */
interface MessageToAppend {
	businessAccountId: string | null;
	phoneNumberId: string;
	displayPhoneNumber: string | null;
	customerId: string;
	customerName: string | null;
	/** Who opens the conversation if this message starts one. */
	initiatedBy: Initiator;
	/** False for a customer message from an unauthenticated delivery; recorded on conversation.started. */
	authenticated: boolean;
	stored: Pick<StoredMessage, 'wamid' | 'direction' | 'type' | 'text' | 'timestamp' | 'status' | 'statusAt' | 'payload'>;
}

interface TouchedConversation {
	conversation: ConversationRecord;
	summary: ConversationSummary;
}

/** The facts every message carries, whichever way it came in. */
type MessageFacts = Pick<OutboundMessage, 'businessAccountId' | 'phoneNumberId' | 'customerId' | 'wamid' | 'type' | 'text' | 'timestamp'> & {
	displayPhoneNumber?: string | null;
};

function toAppend(
	message: MessageFacts,
	details: { direction: MessageDirection; customerName: string | null; status: string | null; payload: Record<string, unknown>; authenticated?: boolean },
): MessageToAppend {
	return {
		businessAccountId: message.businessAccountId,
		phoneNumberId: message.phoneNumberId,
		displayPhoneNumber: message.displayPhoneNumber ?? null,
		customerId: message.customerId,
		customerName: details.customerName,
		// A message from the business opens a business-initiated conversation, any other a customer one.
		initiatedBy: details.direction === 'outbound' ? 'business' : 'customer',
		// Only webhook deliveries can be unauthenticated; what the workflow itself records is its own.
		authenticated: details.authenticated ?? true,
		stored: {
			wamid: message.wamid,
			direction: details.direction,
			type: message.type,
			text: message.text,
			timestamp: message.timestamp,
			status: details.status,
			statusAt: details.status === null ? null : message.timestamp,
			payload: capPayload(details.payload),
		},
	};
}

async function endConversation(
	tx: StoreWriter,
	conversation: ConversationRecord,
	closedAt: number,
	reason: CloseReason,
): Promise<ConversationRecord | null> {
	if (!(await tx.closeConversation(conversation.id, closedAt, reason))) return null;
	const closed: ConversationRecord = { ...conversation, status: 'closed', closedAt, closeReason: reason };
	await tx.appendEvent({
		type: 'conversation.ended',
		phoneNumberId: closed.phoneNumberId,
		conversationId: closed.id,
		createdAt: closedAt,
		payload: { conversation: closed, reason },
	});
	return closed;
}

/** Finds the conversation a message belongs to, closing an idle one and opening a new one as needed. */
async function touchConversation(
	tx: StoreWriter,
	touch: MessageToAppend,
	options: LifecycleOptions,
): Promise<TouchedConversation> {
	const at = touch.stored.timestamp;
	const open = await tx.findOpenConversation(touch.phoneNumberId, touch.customerId);
	if (open && !isIdle(open, options.now, options.inactivityTimeoutMs)) {
		const conversation: ConversationRecord = {
			...open,
			lastMessageAt: Math.max(open.lastMessageAt, at),
			messageCount: open.messageCount + 1,
			customerName: touch.customerName ?? open.customerName,
			displayPhoneNumber: touch.displayPhoneNumber ?? open.displayPhoneNumber,
		};
		await tx.updateConversation(conversation);
		return {
			conversation,
			summary: { id: open.id, isNew: false, initiatedBy: open.initiatedBy, startedAt: open.startedAt },
		};
	}
	// An idle conversation the sweep has not reached yet ends here, before its successor starts.
	if (open) await endConversation(tx, open, options.now, 'inactivity');

	const conversation: ConversationRecord = {
		// Time-ordered: a new conversation's id lands beside the other recent ones in the id index and the
		// transcript index, pages the cache holds, instead of anywhere in a million-entry B-tree.
		id: timeOrderedUuid(),
		businessAccountId: touch.businessAccountId,
		phoneNumberId: touch.phoneNumberId,
		displayPhoneNumber: touch.displayPhoneNumber,
		customerId: touch.customerId,
		customerName: touch.customerName,
		status: 'open',
		initiatedBy: touch.initiatedBy,
		startedAt: at,
		lastMessageAt: at,
		closedAt: null,
		closeReason: null,
		messageCount: 1,
		aiEnabled: true,
		inputVariables: {},
		extractedVariables: {},
	};
	await tx.insertConversation(conversation);
	await tx.appendEvent({
		type: 'conversation.started',
		phoneNumberId: conversation.phoneNumberId,
		conversationId: conversation.id,
		createdAt: options.now,
		payload: {
			conversation,
			firstMessage: {
				wamid: touch.stored.wamid,
				direction: touch.stored.direction,
				type: touch.stored.type,
				text: touch.stored.text,
				timestamp: at,
			},
			authenticated: touch.authenticated,
		},
	});
	return {
		conversation,
		summary: { id: conversation.id, isNew: true, initiatedBy: touch.initiatedBy, startedAt: at },
	};
}

/** Stores a message in its conversation, opening or extending the conversation as the rules say. */
async function appendMessage(
	tx: StoreWriter,
	message: MessageToAppend,
	options: LifecycleOptions,
): Promise<TouchedConversation> {
	const touched = await touchConversation(tx, message, options);
	await tx.insertMessage({ ...message.stored, conversationId: touched.conversation.id, error: null });
	return touched;
}

/**
 * The customer's key for any id (see ConversationStore.resolveCustomerId): customerKey's canonical
 * form, then, for a BSUID, the phone number key it is linked to. `phoneNumberId` null: a link made on
 * any business number (BSUIDs are scoped to the business, not to one of its numbers).
 */
export async function resolveCustomer(tx: StoreReader, phoneNumberId: string | null, id: string): Promise<string> {
	const key = customerKey(id);
	if (!isBsuid(key)) return key;
	return (await tx.getCustomerAlias(phoneNumberId, key)) ?? key;
}

/**
 * Meta reported a customer's phone number and BSUID together: the BSUID becomes an alias of the
 * phone number's key, and whatever was stored under the BSUID alone (the customer wrote as a
 * username before) merges into that key. Costs one read once linked.
 */
async function linkCustomerIds(
	tx: StoreWriter,
	endpoint: { phoneNumberId: string; businessAccountId: string | null },
	ids: { waId: string | null; userId: string | null },
	now: number,
): Promise<void> {
	if (ids.waId === null || ids.userId === null) return;
	const key = customerKey(ids.waId);
	const alias = customerKey(ids.userId);
	if (!isBsuid(alias) || (await tx.getCustomerAlias(endpoint.phoneNumberId, alias)) === key) return;
	await tx.putCustomerAlias(endpoint.phoneNumberId, alias, key, now);
	await mergeCustomer(tx, endpoint.phoneNumberId, endpoint.businessAccountId, alias, key, now);
}

/**
 * Moves a customer's rows from one key to another and merges them with what the other key holds:
 * - contact: the newer name and reported wa_id, the latest inbound message (so the window), and an
 *   opt-out under either key stands (opt-ins carry no time to compare; marketing to a customer who
 *   said STOP is the worse mistake, and any later START opts them in again);
 * - conversations: when both keys have an open one, the one that started first goes on with both
 *   transcripts and the other is closed with reason 'merged' and no messages (no conversation.ended
 *   event: the conversation goes on under the other id);
 * - daily-limit reservation in the business account's scope: the latest stands.
 * The legacy-form migration (rekey-customers.ts) applies the same rule in frozen SQL.
 */
async function mergeCustomer(
	tx: StoreWriter,
	phoneNumberId: string,
	scope: string | null,
	from: string,
	to: string,
	now: number,
): Promise<void> {
	const moving = await tx.getContact(phoneNumberId, from);
	if (moving) {
		await tx.putContact(mergeContacts(moving, await tx.getContact(phoneNumberId, to), to), now);
		await tx.deleteContact(phoneNumberId, from);
	}
	const openFrom = await tx.findOpenConversation(phoneNumberId, from);
	const openTo = openFrom && (await tx.findOpenConversation(phoneNumberId, to));
	if (openFrom && openTo) {
		const [kept, merged] = openFrom.startedAt <= openTo.startedAt ? [openFrom, openTo] : [openTo, openFrom];
		const newer = merged.lastMessageAt > kept.lastMessageAt ? merged : kept;
		await tx.closeConversation(merged.id, now, 'merged');
		await tx.moveMessages(merged.id, kept.id);
		await tx.updateConversation({ ...merged, messageCount: 0 });
		await tx.updateConversation({
			...kept,
			lastMessageAt: Math.max(kept.lastMessageAt, merged.lastMessageAt),
			messageCount: kept.messageCount + merged.messageCount,
			customerName: newer.customerName ?? kept.customerName ?? merged.customerName,
			// A human who took over either conversation still has the merged one.
			aiEnabled: kept.aiEnabled && merged.aiEnabled,
			inputVariables: { ...merged.inputVariables, ...kept.inputVariables },
			extractedVariables: { ...merged.extractedVariables, ...kept.extractedVariables },
		});
	}
	await tx.reassignConversations(phoneNumberId, from, to);
	if (scope === null) return;
	await tx.lockLimitScope(scope);
	const reservedAt = await tx.getReservation(scope, from);
	if (reservedAt === null) return;
	const existing = await tx.getReservation(scope, to);
	if (existing === null || existing < reservedAt) await tx.putReservation(scope, to, reservedAt);
	await tx.deleteReservation(scope, from, reservedAt);
}

function mergeContacts(moving: ContactRecord, staying: ContactRecord | null, customerId: string): ContactRecord {
	if (staying === null) return { ...moving, customerId };
	const [newer, older] = (moving.lastInboundAt ?? 0) > (staying.lastInboundAt ?? 0) ? [moving, staying] : [staying, moving];
	const optOuts = [moving, staying].filter((contact) => contact.optedOut);
	const inbound = [moving.lastInboundAt, staying.lastInboundAt].filter((at): at is number => at !== null);
	return {
		phoneNumberId: staying.phoneNumberId,
		customerId,
		waId: newer.waId ?? older.waId,
		name: newer.name ?? older.name,
		lastInboundAt: inbound.length > 0 ? Math.max(...inbound) : null,
		optedOut: optOuts.length > 0,
		optedOutAt: optOuts.length > 0 ? Math.max(...optOuts.map((contact) => contact.optedOutAt ?? 0)) : null,
	};
}

/**
 * Meta's message object is kept once: on the message.received event (capped), where the triggers read
 * it. The message row keeps the normalized fields only; nothing reads `raw` from it.
 */
function withoutRaw(message: InboundMessage): Record<string, unknown> {
	const { raw, ...fields } = message;
	return fields;
}

async function ingestMessage(
	tx: StoreWriter,
	reported: InboundMessage,
	options: IngestOptions,
	result: IngestResult,
): Promise<boolean> {
	if (await tx.getMessageByWamid(reported.wamid)) return false;
	await linkCustomerIds(tx, reported, { waId: reported.customerWaId, userId: reported.customerUserId }, options.now);
	// Stored and announced under the customer's key; the ids Meta reported stay beside it. A timestamp
	// ahead of our clock is taken as now: it would hold the window open past now + 24 h, keep the
	// conversation from going idle and escape retention.
	const customerId = await resolveCustomer(tx, reported.phoneNumberId, reported.customerId);
	const message =
		customerId === reported.customerId && reported.timestamp <= options.now
			? reported
			: { ...reported, customerId, timestamp: Math.min(reported.timestamp, options.now) };

	const previous = await tx.getContact(message.phoneNumberId, message.customerId);
	const optKeyword =
		message.text !== null && (message.type === 'text' || message.type === 'button')
			? classifyOptKeyword(message.text, { optOut: options.optOutKeywords, optIn: options.optInKeywords })
			: null;
	const optedOut = optKeyword === null ? (previous?.optedOut ?? false) : optKeyword === 'opt_out';
	const contact: ContactRecord = {
		phoneNumberId: message.phoneNumberId,
		customerId: message.customerId,
		waId: message.customerWaId ?? previous?.waId ?? null,
		name: message.customerName ?? previous?.name ?? null,
		lastInboundAt: Math.max(previous?.lastInboundAt ?? 0, message.timestamp),
		optedOut,
		optedOutAt: optedOut ? (previous?.optedOut ? previous.optedOutAt : options.now) : null,
	};
	await tx.putContact(contact, options.now);

	const authenticated = options.authenticated ?? true;
	// Capped once, for the row and the event alike.
	const fields = capPayload(withoutRaw(message));
	const { conversation, summary } = await appendMessage(
		tx,
		toAppend(message, { direction: 'inbound', customerName: message.customerName, status: null, payload: fields, authenticated }),
		options,
	);
	// Send and Wait: the message settles the question its customer was asked, in this transaction, so
	// it is given to exactly one waiting execution; it still reaches the triggers like any message.
	const answer = answerOf(message);
	if (answer && (await tx.answerWaitingQuestion(message.phoneNumberId, message.customerId, answer, options.now))) result.questionsAnswered++;
	const window = windowState(contact.lastInboundAt, options.now);
	await tx.appendEvent({
		type: 'message.received',
		phoneNumberId: message.phoneNumberId,
		conversationId: conversation.id,
		createdAt: options.now,
		payload: {
			// Capped member by member like the row's payload: a Flow's parsed answers can be megabytes too.
			message: { ...fields, raw: capPayload(message.raw) } as InboundMessage,
			conversation: summary,
			window: { open: window.open, expiresAt: window.expiresAt },
			contact: { customerId: contact.customerId, waId: contact.waId, name: contact.name, optedOut },
			optKeyword,
			authenticated,
		},
	});
	return true;
}

async function ingestStatus(tx: StoreWriter, reported: StatusUpdate, now: number, authenticated: boolean): Promise<boolean> {
	// As for messages: no status is later than its arrival, so retention cannot be dodged by one.
	const status = reported.timestamp <= now ? reported : { ...reported, timestamp: now };
	if (!(await tx.recordStatusReceipt(status.wamid, status.status, status.timestamp))) return false;
	await linkCustomerIds(tx, status, { waId: status.recipientWaId ?? null, userId: status.recipientUserId ?? null }, now);
	const stored = await tx.getMessageByWamid(status.wamid);
	const applied = stored !== null && supersedesStatus(stored.status, status.status);
	if (stored && applied) {
		const [firstError] = status.errors;
		await tx.updateMessageStatus(status.wamid, status.status, status.timestamp, firstError ?? null);
	}
	const recipient = status.recipientId;
	await recordDeliveryFacts(
		tx,
		status,
		{ conversationId: stored?.conversationId ?? null, customerId: async () => (recipient === null ? null : resolveCustomer(tx, status.phoneNumberId, recipient)) },
		now,
	);
	await tx.appendEvent({
		type: 'message.status',
		phoneNumberId: status.phoneNumberId,
		conversationId: stored?.conversationId ?? null,
		createdAt: now,
		payload: { status: { ...status, raw: capPayload(status.raw) }, conversationId: stored?.conversationId ?? null, applied, authenticated },
	});
	return true;
}

/**
 * Account events have no id of their own: the hash of the change is recorded among the status
 * receipts (under an `account:` prefix), so Meta's redeliveries are recognised like a status's and the
 * receipts are pruned on the same schedule.
 */
const ACCOUNT_EVENT_RECEIPT = 'account:';

/**
 * A customer's marketing preference applies to their contact at once, created if the customer never
 * wrote: marketing templates to them are refused from this transaction on.
 */
async function applyMarketingPreference(tx: StoreWriter, event: AccountEvent, now: number): Promise<AccountEventPayload['marketingOptOut']> {
	const optedOut = marketingOptOutOf(event);
	const id = event.customer?.waId ?? event.customer?.userId ?? null;
	if (optedOut === null || id === null || event.phoneNumberId === null) return null;
	const customerId = await resolveCustomer(tx, event.phoneNumberId, id);
	await putMarketingPreference(
		tx,
		{ phoneNumberId: event.phoneNumberId, customerId, waId: event.customer?.waId ?? null, name: event.customer?.name ?? null },
		optedOut,
		event.occurredAt ?? now,
		now,
	);
	return { customerId, optedOut };
}

/**
 * A limit Meta announces by webhook is remembered like one read from the Graph API, so the Automatic
 * tier follows it at the next send; the portfolio-wide field first, the deprecated per-number one else.
 */
async function applyMessagingLimit(tx: StoreWriter, event: AccountEvent, now: number): Promise<void> {
	if (event.kind !== 'phone_number_quality' && event.kind !== 'business_capability') return;
	const tier = parseMetaMessagingLimit(event.details.maxDailyConversationsPerBusiness) ?? parseMetaMessagingLimit(event.details.currentLimit);
	if (tier === null) return;
	await tx.putMessagingLimit({ scope: event.businessAccountId, tier, observedAt: event.occurredAt ?? now, reportedBy: 'webhook' }, now);
}

async function ingestAccountEvent(tx: StoreWriter, event: AccountEvent, now: number, authenticated: boolean): Promise<boolean> {
	if (!(await tx.recordStatusReceipt(`${ACCOUNT_EVENT_RECEIPT}${event.key}`, event.field, now))) return false;
	const marketingOptOut = await applyMarketingPreference(tx, event, now);
	await applyMessagingLimit(tx, event, now);
	await tx.appendEvent({
		type: 'account.event',
		// Account-wide events belong to no number; the log's column takes the empty string for them.
		phoneNumberId: event.phoneNumberId ?? '',
		conversationId: null,
		createdAt: now,
		payload: { event: { ...event, details: capPayload(event.details) }, marketingOptOut, authenticated },
	});
	return true;
}

export function emptyIngestResult(): IngestResult {
	return {
		messagesStored: 0,
		duplicateMessages: 0,
		statusesApplied: 0,
		duplicateStatuses: 0,
		questionsAnswered: 0,
		accountEventsStored: 0,
		duplicateAccountEvents: 0,
		templateEvents: 0,
	};
}

export async function ingestWebhook(
	tx: StoreWriter,
	webhook: { messages: readonly InboundMessage[]; statuses: readonly StatusUpdate[]; accountEvents?: readonly AccountEvent[] },
	options: IngestOptions,
): Promise<IngestResult> {
	const result = emptyIngestResult();
	// Within one delivery Meta may order statuses before the message they follow; messages go first.
	for (const message of webhook.messages) {
		if (await ingestMessage(tx, message, options, result)) result.messagesStored++;
		else result.duplicateMessages++;
	}
	for (const status of webhook.statuses) {
		if (await ingestStatus(tx, status, options.now, options.authenticated ?? true)) result.statusesApplied++;
		else result.duplicateStatuses++;
	}
	for (const event of webhook.accountEvents ?? []) {
		if (!(await ingestAccountEvent(tx, event, options.now, options.authenticated ?? true))) {
			result.duplicateAccountEvents++;
			continue;
		}
		result.accountEventsStored++;
		if (changesTemplates(event)) result.templateEvents++;
	}
	return result;
}

export async function recordOutbound(
	tx: StoreWriter,
	message: OutboundMessage,
	options: LifecycleOptions,
): Promise<RecordOutboundResult> {
	const customerId = await resolveCustomer(tx, message.phoneNumberId, message.customerId);
	const { conversation, summary } = await appendMessage(
		tx,
		// Meta accepted it; the status webhooks move it on to sent, delivered, read.
		toAppend({ ...message, customerId }, { direction: 'outbound', customerName: null, status: 'accepted', payload: message.payload }),
		options,
	);
	return { conversation, isNewConversation: summary.isNew };
}

/**
 * A customer message that did not come through WhatsApp's webhook (email, CRM, another channel): it
 * joins the conversation like any message, but moves no 24-hour window and logs no
 * message.received event, because WhatsApp never saw it. A wamid already stored is left as it is.
 */
export async function recordCustomerMessage(
	tx: StoreWriter,
	message: CustomerMessage,
	options: LifecycleOptions,
): Promise<RecordCustomerMessageResult> {
	const existing = await tx.getMessageByWamid(message.wamid);
	if (existing) {
		const conversation = await requireConversation(tx, existing.conversationId);
		return { conversation, isNewConversation: false, stored: false };
	}
	const customerId = await resolveCustomer(tx, message.phoneNumberId, message.customerId);
	const { conversation, summary } = await appendMessage(
		tx,
		toAppend({ ...message, customerId }, { direction: 'inbound', customerName: message.customerName ?? null, status: null, payload: message.payload }),
		options,
	);
	return { conversation, isNewConversation: summary.isNew, stored: true };
}

export async function sweepIdle(tx: StoreWriter, options: SweepOptions): Promise<ConversationRecord[]> {
	const idle = await tx.claimIdleConversations(
		idleCutoff(options.now, options.inactivityTimeoutMs),
		options.phoneNumberId ?? null,
		options.batchSize ?? 500,
	);
	const ended: ConversationRecord[] = [];
	for (const conversation of idle) {
		const closed = await endConversation(tx, conversation, options.now, 'inactivity');
		if (closed) ended.push(closed);
	}
	return ended;
}

export async function requireConversation(tx: StoreWriter, id: string): Promise<ConversationRecord> {
	const conversation = await tx.getConversation(id);
	if (!conversation) {
		throw new StoreError(
			'CONVERSATION_NOT_FOUND',
			`No conversation with id "${id}" exists in the conversation store`,
			'Use the conversation id from a trigger or from the Conversation node\'s List operation.',
		);
	}
	return conversation;
}

/** Closing twice is harmless: the second call returns the closed conversation and emits nothing. */
export async function closeManually(
	tx: StoreWriter,
	id: string,
	now: number,
	reason: CloseReason,
): Promise<ConversationRecord> {
	const conversation = await requireConversation(tx, id);
	if (conversation.status === 'closed') return conversation;
	return (await endConversation(tx, conversation, now, reason)) ?? (await requireConversation(tx, id));
}

export async function reserveLimit(tx: StoreWriter, requested: LimitReservationRequest): Promise<LimitReservation> {
	// The scope is the business account, so a BSUID's link on any of its numbers counts.
	const request = { ...requested, customerId: await resolveCustomer(tx, null, requested.customerId) };
	const windowStart = request.now - LIMIT_WINDOW_MS;
	const limit = tierLimit(request.tier);
	// Recorded by the engine in the same step when it fits, so the scope's lock is held briefly. A
	// customer reached in the last 24 h costs nothing more; the timestamp still moves, because Meta's
	// rolling window counts them until 24 h after the latest business-initiated message.
	const { previousReservedAt: previous, used } = await tx.reserveInScope({
		scope: request.scope,
		customerId: request.customerId,
		reservedAt: request.now,
		expiredAtOrBefore: windowStart,
		limit,
	});
	if (!reservationFits(previous, used, limit)) throw limitReachedError(request.tier, used);
	const counted = previous === null;
	const usedNow = counted ? used + 1 : used;
	return {
		scope: request.scope,
		customerId: request.customerId,
		counted,
		used: usedNow,
		tier: request.tier,
		limit,
		remaining: limit === null ? null : limit - usedNow,
		previousReservedAt: previous,
		reservedAt: request.now,
	};
}

export async function releaseLimit(tx: StoreWriter, reservation: LimitReservation): Promise<void> {
	await tx.lockLimitScope(reservation.scope);
	const stillOurs = await tx.deleteReservation(reservation.scope, reservation.customerId, reservation.reservedAt);
	if (stillOurs && reservation.previousReservedAt !== null) {
		await tx.putReservation(reservation.scope, reservation.customerId, reservation.previousReservedAt);
	}
}

export function toCustomerWindow(contact: ContactRecord | null, now: number): CustomerWindow {
	const lastInboundAt = contact?.lastInboundAt ?? null;
	return { ...windowState(lastInboundAt, now), lastInboundAt };
}
