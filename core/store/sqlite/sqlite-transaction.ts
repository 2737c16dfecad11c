import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

import { toKnownMessagingLimit, type KnownMessagingLimit } from '../../conversation/messaging-limit';
import type { CloseReason, ContactRecord, ConversationRecord, StoredMessage } from '../../conversation/types';
import type { NewStoreEvent, StoreEvent } from '../../events/types';
import {
	CONTACT_COLUMNS,
	CONVERSATION_COLUMNS,
	MESSAGE_PRICING_COLUMNS,
	USAGE_DAY_MS,
	contactValues,
	conversationUpdateValues,
	conversationValues,
	errorValue,
	messagePricingValues,
	messageValues,
	toContact,
	toConversation,
	toPendingBurst,
	toWaitingAnswer,
	toStoreEvent,
	toStoredMessage,
	toUsageCount,
	type Row,
	type RowValue,
} from '../rows';
import type { LimitScopeState, ScopeReservation, StoreWriter } from '../../conversation/engine';
import { reservationFits } from '../../policy/limits';
import type { ConversationFilter, ReadEventsOptions } from '../../conversation/store';
import type { PendingBurst } from '../../conversation/bursts';
import type { NewWaitingAnswer, QuestionAnswer, WaitingAnswer } from '../../conversation/waiting-answers';
import type { MessagePricingRecord, UsageCount, UsageFilter } from '../../conversation/usage';

/** node:sqlite takes no booleans: flags are stored as 0/1. */
export function sqliteValue(value: RowValue): SQLInputValue {
	return typeof value === 'boolean' ? Number(value) : value;
}

/**
 * The store primitives on node:sqlite. Statements are prepared once per connection; the SQL is
 * synchronous, the methods are async only to share the engine-neutral lifecycle code.
 */
export class SqliteTransaction implements StoreWriter {
	private readonly statements = new Map<string, StatementSync>();

	constructor(private readonly db: DatabaseSync) {}

	private statement(sql: string): StatementSync {
		let prepared = this.statements.get(sql);
		if (!prepared) {
			prepared = this.db.prepare(sql);
			this.statements.set(sql, prepared);
		}
		return prepared;
	}

	private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
		return this.statement(sql).get(...params);
	}

	private all(sql: string, ...params: SQLInputValue[]): Row[] {
		return this.statement(sql).all(...params);
	}

	private run(sql: string, ...params: SQLInputValue[]): number {
		return Number(this.statement(sql).run(...params).changes);
	}

	async getContact(phoneNumberId: string, customerId: string): Promise<ContactRecord | null> {
		const row = this.get('SELECT * FROM contacts WHERE phone_number_id = ? AND customer_id = ?', phoneNumberId, customerId);
		return row ? toContact(row) : null;
	}

	async putContact(contact: ContactRecord, now: number): Promise<void> {
		this.run(
			`INSERT INTO contacts (${CONTACT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (phone_number_id, customer_id) DO UPDATE SET wa_id = excluded.wa_id, name = excluded.name,
				last_inbound_at = excluded.last_inbound_at, opted_out = excluded.opted_out,
				opted_out_at = excluded.opted_out_at, updated_at = excluded.updated_at`,
			...contactValues(contact, now).map(sqliteValue),
		);
	}

	async getConversation(id: string): Promise<ConversationRecord | null> {
		const row = this.get(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = ?`, id);
		return row ? toConversation(row) : null;
	}

	async findOpenConversation(phoneNumberId: string, customerId: string): Promise<ConversationRecord | null> {
		const row = this.get(
			`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE phone_number_id = ? AND customer_id = ? AND status = 'open'`,
			phoneNumberId,
			customerId,
		);
		return row ? toConversation(row) : null;
	}

	async listConversations(filter: ConversationFilter): Promise<ConversationRecord[]> {
		const conditions: string[] = [];
		const params: SQLInputValue[] = [];
		if (filter.status) {
			conditions.push('status = ?');
			params.push(filter.status);
		}
		if (filter.phoneNumberId) {
			conditions.push('phone_number_id = ?');
			params.push(filter.phoneNumberId);
		}
		if (filter.customerId) {
			conditions.push('customer_id = ?');
			params.push(filter.customerId);
		}
		if (filter.since !== undefined) {
			conditions.push('last_message_at >= ?');
			params.push(filter.since);
		}
		const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
		params.push(filter.limit ?? 100, filter.offset ?? 0);
		return this.all(
			`SELECT ${CONVERSATION_COLUMNS} FROM conversations ${where} ORDER BY last_message_at DESC, id LIMIT ? OFFSET ?`,
			...params,
		).map(toConversation);
	}

	async insertConversation(conversation: ConversationRecord): Promise<void> {
		this.run(
			`INSERT INTO conversations (${CONVERSATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			...conversationValues(conversation).map(sqliteValue),
		);
	}

	async updateConversation(conversation: ConversationRecord): Promise<void> {
		this.run(
			`UPDATE conversations SET display_phone_number = ?, customer_name = ?, last_message_at = ?, message_count = ?,
				ai_enabled = ?, input_variables = ?, extracted_variables = ? WHERE id = ?`,
			...conversationUpdateValues(conversation).map(sqliteValue),
		);
	}

	async closeConversation(id: string, closedAt: number, reason: CloseReason): Promise<boolean> {
		return (
			this.run(
				`UPDATE conversations SET status = 'closed', closed_at = ?, close_reason = ? WHERE id = ? AND status = 'open'`,
				closedAt,
				reason,
				id,
			) === 1
		);
	}

	// SQLite has one writer at a time: inside BEGIN IMMEDIATE these rows are already ours.
	async claimIdleConversations(cutoff: number, phoneNumberId: string | null, limit: number): Promise<ConversationRecord[]> {
		return this.all(
			`SELECT ${CONVERSATION_COLUMNS} FROM conversations
			WHERE status = 'open' AND last_message_at <= ? AND (? IS NULL OR phone_number_id = ?)
			ORDER BY last_message_at LIMIT ?`,
			cutoff,
			phoneNumberId,
			phoneNumberId,
			limit,
		).map(toConversation);
	}

	async getTranscript(conversationId: string, limit: number | null): Promise<StoredMessage[]> {
		// The latest `limit` messages, returned oldest first.
		return this.all(
			`SELECT * FROM (SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
			conversationId,
			limit ?? -1,
		).map(toStoredMessage);
	}

	async getMessageByWamid(wamid: string): Promise<StoredMessage | null> {
		const row = this.get('SELECT * FROM messages WHERE wamid = ?', wamid);
		return row ? toStoredMessage(row) : null;
	}

	async insertMessage(message: Omit<StoredMessage, 'seq'>): Promise<boolean> {
		return (
			this.run(
				`INSERT INTO messages (wamid, conversation_id, direction, type, text, timestamp, status, status_at, error, payload)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (wamid) DO NOTHING`,
				...messageValues(message).map(sqliteValue),
			) === 1
		);
	}

	async updateMessageStatus(wamid: string, status: string, statusAt: number, error: StoredMessage['error']): Promise<void> {
		this.run(
			'UPDATE messages SET status = ?, status_at = ?, error = ? WHERE wamid = ?',
			status,
			statusAt,
			errorValue(error),
			wamid,
		);
	}

	async recordStatusReceipt(wamid: string, status: string, timestamp: number): Promise<boolean> {
		return (
			this.run(
				'INSERT INTO message_statuses (wamid, status, timestamp) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
				wamid,
				status,
				timestamp,
			) === 1
		);
	}

	async appendEvent(event: NewStoreEvent): Promise<void> {
		this.run(
			'INSERT INTO events (type, phone_number_id, conversation_id, created_at, payload) VALUES (?, ?, ?, ?, ?)',
			event.type,
			event.phoneNumberId,
			event.conversationId,
			event.createdAt,
			JSON.stringify(event.payload),
		);
	}

	async eventsAfter(position: number, options: ReadEventsOptions & { limit: number }): Promise<StoreEvent[]> {
		const conditions = ['id > ?'];
		const params: SQLInputValue[] = [position];
		if (options.types && options.types.length > 0) {
			conditions.push(`type IN (${options.types.map(() => '?').join(', ')})`);
			params.push(...options.types);
		}
		if (options.phoneNumberId) {
			conditions.push('phone_number_id = ?');
			params.push(options.phoneNumberId);
		}
		params.push(options.limit);
		return this.all(`SELECT * FROM events WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT ?`, ...params).map(
			toStoreEvent,
		);
	}

	async latestEventId(): Promise<number> {
		// sqlite_sequence holds the highest id ever given, even after pruning emptied the table.
		const row = this.get(`SELECT seq FROM sqlite_sequence WHERE name = 'events'`);
		return Number(row?.seq ?? 0);
	}

	async subscriptionPosition(subscriberId: string): Promise<number | null> {
		const row = this.get('SELECT position FROM subscriptions WHERE subscriber_id = ?', subscriberId);
		return row ? Number(row.position) : null;
	}

	async putSubscription(subscriberId: string, position: number, now: number): Promise<void> {
		this.run(
			'INSERT INTO subscriptions (subscriber_id, position, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
			subscriberId,
			position,
			now,
		);
	}

	async advanceSubscription(subscriberId: string, position: number, now: number): Promise<void> {
		this.run(
			'UPDATE subscriptions SET position = max(position, ?), updated_at = ? WHERE subscriber_id = ?',
			position,
			now,
			subscriberId,
		);
	}

	async deleteSubscription(subscriberId: string): Promise<void> {
		this.run('DELETE FROM subscriptions WHERE subscriber_id = ?', subscriberId);
		this.run('DELETE FROM event_bursts WHERE subscriber_id = ?', subscriberId);
	}

	async putBurstEvent(subscriberId: string, entry: { eventId: number; phoneNumberId: string; customerId: string; arrivedAt: number }): Promise<void> {
		this.run(
			`INSERT INTO event_bursts (subscriber_id, event_id, phone_number_id, customer_id, arrived_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`,
			subscriberId,
			entry.eventId,
			entry.phoneNumberId,
			entry.customerId,
			entry.arrivedAt,
		);
	}

	async pendingBursts(subscriberId: string): Promise<PendingBurst[]> {
		return this.all(
			`SELECT phone_number_id, customer_id, count(*) AS size, min(arrived_at) AS first_at, max(arrived_at) AS last_at
			FROM event_bursts WHERE subscriber_id = ? GROUP BY phone_number_id, customer_id`,
			subscriberId,
		).map(toPendingBurst);
	}

	async takeBurst(subscriberId: string, phoneNumberId: string, customerId: string): Promise<number[]> {
		return this.all(
			'DELETE FROM event_bursts WHERE subscriber_id = ? AND phone_number_id = ? AND customer_id = ? RETURNING event_id',
			subscriberId,
			phoneNumberId,
			customerId,
		).map((row) => Number(row.event_id));
	}

	async putWaitingAnswer(row: NewWaitingAnswer): Promise<void> {
		this.run(
			`INSERT INTO waiting_answers (wait_id, phone_number_id, customer_id, resume_url, created_at, expires_at, state)
			VALUES (?, ?, ?, ?, ?, ?, 'waiting') ON CONFLICT DO NOTHING`,
			row.waitId,
			row.phoneNumberId,
			row.customerId,
			row.resumeUrl,
			row.createdAt,
			row.expiresAt,
		);
	}

	async getWaitingAnswer(waitId: string): Promise<WaitingAnswer | null> {
		const row = this.get('SELECT * FROM waiting_answers WHERE wait_id = ?', waitId);
		return row ? toWaitingAnswer(row) : null;
	}

	async answerWaitingQuestion(phoneNumberId: string, customerId: string, answer: QuestionAnswer, now: number): Promise<boolean> {
		// Asked for every inbound message, and almost always nobody waits: a read finds that out
		// without an UPDATE. Inside BEGIN IMMEDIATE no other writer can settle the row in between.
		const waiting = this.get(
			`SELECT wait_id FROM waiting_answers WHERE phone_number_id = ? AND customer_id = ? AND state = 'waiting'
			AND expires_at > ? ORDER BY created_at, wait_id LIMIT 1`,
			phoneNumberId,
			customerId,
			now,
		);
		if (!waiting) return false;
		return (
			this.run(
				`UPDATE waiting_answers SET state = 'answered', answer = ?, settled_at = ?, resume_after = ? WHERE wait_id = ? AND state = 'waiting'`,
				JSON.stringify(answer),
				now,
				now,
				String(waiting.wait_id),
			) > 0
		);
	}

	async expireWaitingAnswers(now: number): Promise<number> {
		return this.run(
			`UPDATE waiting_answers SET state = 'timed_out', settled_at = expires_at, resume_after = ? WHERE state = 'waiting' AND expires_at <= ?`,
			now,
			now,
		);
	}

	async claimWaitingAnswerResumes(now: number, claimMs: number, limit: number): Promise<WaitingAnswer[]> {
		return this.all(
			`UPDATE waiting_answers SET resume_after = ?, attempts = attempts + 1
			WHERE wait_id IN (SELECT wait_id FROM waiting_answers WHERE state IN ('answered', 'timed_out') AND resume_after <= ?
				ORDER BY resume_after LIMIT ?)
			RETURNING *`,
			now + claimMs,
			now,
			limit,
		).map(toWaitingAnswer);
	}

	async setWaitingAnswerResumed(waitId: string, now: number): Promise<void> {
		this.run(`UPDATE waiting_answers SET state = 'resumed', resume_after = NULL, settled_at = coalesce(settled_at, ?) WHERE wait_id = ?`, now, waitId);
	}

	async deleteWaitingAnswer(waitId: string): Promise<void> {
		this.run('DELETE FROM waiting_answers WHERE wait_id = ?', waitId);
	}

	async deferWaitingAnswerResume(waitId: string, resumeAfter: number): Promise<void> {
		this.run(`UPDATE waiting_answers SET resume_after = ? WHERE wait_id = ? AND state IN ('answered', 'timed_out')`, resumeAfter, waitId);
	}

	async eventsByIds(ids: readonly number[]): Promise<StoreEvent[]> {
		if (ids.length === 0) return [];
		return this.all(`SELECT * FROM events WHERE id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`, ...ids).map(toStoreEvent);
	}

	async minimumSubscriptionPosition(): Promise<number | null> {
		const row = this.get('SELECT min(position) AS position FROM subscriptions');
		return row?.position === null || row?.position === undefined ? null : Number(row.position);
	}

	async deleteEventsBefore(createdBefore: number, maxId: number, limit?: number): Promise<number> {
		return this.run(
			`DELETE FROM events WHERE id IN (SELECT id FROM events e WHERE created_at < ? AND id <= ?
				AND NOT EXISTS (SELECT 1 FROM event_bursts b WHERE b.event_id = e.id) ORDER BY id LIMIT ?)`,
			createdBefore,
			maxId,
			limit ?? -1,
		);
	}

	async deleteMessagesBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number> {
		return this.run(
			`DELETE FROM messages WHERE seq IN (
				SELECT m.seq FROM messages m JOIN conversations c ON c.id = m.conversation_id
				WHERE m.timestamp < ? AND (? IS NULL OR c.phone_number_id = ?) ORDER BY m.timestamp LIMIT ?)`,
			before,
			phoneNumberId,
			phoneNumberId,
			limit,
		);
	}

	async deleteClosedConversationsBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number> {
		return this.run(
			`DELETE FROM conversations WHERE id IN (
				SELECT c.id FROM conversations c
				WHERE c.status = 'closed' AND c.last_message_at < ? AND (? IS NULL OR c.phone_number_id = ?)
					AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)
				ORDER BY c.last_message_at LIMIT ?)`,
			before,
			phoneNumberId,
			phoneNumberId,
			limit,
		);
	}

	async deleteStatusReceiptsBefore(before: number, limit: number): Promise<number> {
		return this.run(
			`DELETE FROM message_statuses WHERE (wamid, status) IN (
				SELECT wamid, status FROM message_statuses WHERE timestamp < ? ORDER BY timestamp LIMIT ?)`,
			before,
			limit,
		);
	}

	async putMessagePricing(record: MessagePricingRecord): Promise<void> {
		this.run(
			`INSERT INTO message_pricing (${MESSAGE_PRICING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (wamid) DO UPDATE SET
				conversation_id = coalesce(message_pricing.conversation_id, excluded.conversation_id),
				customer_id = coalesce(message_pricing.customer_id, excluded.customer_id)`,
			...messagePricingValues(record).map(sqliteValue),
		);
	}

	async usageCounts(filter: UsageFilter): Promise<UsageCount[]> {
		const phoneNumberId = filter.phoneNumberId ?? null;
		return this.all(
			`SELECT p.phone_number_id, p.conversation_id, p.customer_id, p.category, p.pricing_type, p.billable, p.timestamp / ${USAGE_DAY_MS} AS day, count(*) AS messages
			FROM message_pricing p LEFT JOIN messages m ON m.wamid = p.wamid
			WHERE p.timestamp >= ? AND p.timestamp < ? AND (? IS NULL OR p.phone_number_id = ?) AND (m.status IS NULL OR m.status <> 'failed')
			GROUP BY p.phone_number_id, p.conversation_id, p.customer_id, p.category, p.pricing_type, p.billable, day
			ORDER BY day, p.phone_number_id`,
			filter.from,
			filter.to,
			phoneNumberId,
			phoneNumberId,
		).map(toUsageCount);
	}

	async deleteMessagePricingBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number> {
		return this.run(
			`DELETE FROM message_pricing WHERE wamid IN (
				SELECT wamid FROM message_pricing WHERE timestamp < ? AND (? IS NULL OR phone_number_id = ?) ORDER BY timestamp LIMIT ?)`,
			before,
			phoneNumberId,
			phoneNumberId,
			limit,
		);
	}

	async deleteReservationsBefore(expiredAtOrBefore: number, limit: number): Promise<number> {
		return this.run(
			`DELETE FROM limit_reservations WHERE (scope, customer_id) IN (
				SELECT scope, customer_id FROM limit_reservations WHERE reserved_at <= ? LIMIT ?)`,
			expiredAtOrBefore,
			limit,
		);
	}

	async deleteWaitingAnswersBefore(before: number, limit: number): Promise<number> {
		return this.run(
			`DELETE FROM waiting_answers WHERE wait_id IN (
				SELECT wait_id FROM waiting_answers WHERE (state = 'resumed' AND settled_at < ?) OR expires_at < ? LIMIT ?)`,
			before,
			before,
			limit,
		);
	}

	async deleteIdleSubscriptions(idleSince: number): Promise<string[]> {
		const forgotten = this.all('DELETE FROM subscriptions WHERE updated_at < ? RETURNING subscriber_id', idleSince).map((row) =>
			String(row.subscriber_id),
		);
		for (const subscriberId of forgotten) this.run('DELETE FROM event_bursts WHERE subscriber_id = ?', subscriberId);
		return forgotten;
	}

	async countReservations(scope: string, after: number): Promise<number> {
		const row = this.get('SELECT count(*) AS used FROM limit_reservations WHERE scope = ? AND reserved_at > ?', scope, after);
		return Number(row?.used ?? 0);
	}

	async getReservation(scope: string, customerId: string): Promise<number | null> {
		const row = this.get('SELECT reserved_at FROM limit_reservations WHERE scope = ? AND customer_id = ?', scope, customerId);
		return row ? Number(row.reserved_at) : null;
	}

	async getMessagingLimit(scope: string): Promise<KnownMessagingLimit | null> {
		const row = this.get('SELECT scope, tier, observed_at, reported_by FROM messaging_limits WHERE scope = ?', scope);
		return row ? toKnownMessagingLimit(row) : null;
	}

	async putMessagingLimit(limit: KnownMessagingLimit, now: number): Promise<boolean> {
		const changed = this.run(
			`INSERT INTO messaging_limits (scope, tier, observed_at, reported_by, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (scope) DO UPDATE SET tier = excluded.tier, observed_at = excluded.observed_at,
				reported_by = excluded.reported_by, updated_at = excluded.updated_at
			WHERE excluded.observed_at >= messaging_limits.observed_at`,
			limit.scope,
			limit.tier,
			limit.observedAt,
			limit.reportedBy,
			now,
		);
		return changed > 0;
	}

	// BEGIN IMMEDIATE already made this transaction the only writer.
	async lockLimitScope(): Promise<void> {}

	async putReservation(scope: string, customerId: string, reservedAt: number): Promise<void> {
		this.run(
			`INSERT INTO limit_reservations (scope, customer_id, reserved_at) VALUES (?, ?, ?)
			ON CONFLICT (scope, customer_id) DO UPDATE SET reserved_at = excluded.reserved_at`,
			scope,
			customerId,
			reservedAt,
		);
	}

	async deleteReservation(scope: string, customerId: string, reservedAt: number): Promise<boolean> {
		return (
			this.run(
				'DELETE FROM limit_reservations WHERE scope = ? AND customer_id = ? AND reserved_at = ?',
				scope,
				customerId,
				reservedAt,
			) === 1
		);
	}

	async reserveInScope(request: ScopeReservation): Promise<LimitScopeState> {
		const { scope, customerId, expiredAtOrBefore } = request;
		this.run('DELETE FROM limit_reservations WHERE scope = ? AND reserved_at <= ?', scope, expiredAtOrBefore);
		const found = { previousReservedAt: await this.getReservation(scope, customerId), used: await this.countReservations(scope, expiredAtOrBefore) };
		if (reservationFits(found.previousReservedAt, found.used, request.limit)) await this.putReservation(scope, customerId, request.reservedAt);
		return found;
	}

	async getCustomerAlias(phoneNumberId: string | null, alias: string): Promise<string | null> {
		const row =
			phoneNumberId === null
				? this.get('SELECT customer_id FROM customer_aliases WHERE alias = ? ORDER BY updated_at DESC LIMIT 1', alias)
				: this.get('SELECT customer_id FROM customer_aliases WHERE phone_number_id = ? AND alias = ?', phoneNumberId, alias);
		return row ? String(row.customer_id) : null;
	}

	async putCustomerAlias(phoneNumberId: string, alias: string, customerId: string, now: number): Promise<void> {
		this.run(
			`INSERT INTO customer_aliases (phone_number_id, alias, customer_id, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (phone_number_id, alias) DO UPDATE SET customer_id = excluded.customer_id, updated_at = excluded.updated_at`,
			phoneNumberId,
			alias,
			customerId,
			now,
		);
	}

	async deleteContact(phoneNumberId: string, customerId: string): Promise<void> {
		this.run('DELETE FROM contacts WHERE phone_number_id = ? AND customer_id = ?', phoneNumberId, customerId);
	}

	async moveMessages(fromConversationId: string, toConversationId: string): Promise<void> {
		this.run('UPDATE messages SET conversation_id = ? WHERE conversation_id = ?', toConversationId, fromConversationId);
	}

	async reassignConversations(phoneNumberId: string, fromCustomerId: string, toCustomerId: string): Promise<void> {
		this.run(
			'UPDATE conversations SET customer_id = ? WHERE phone_number_id = ? AND customer_id = ?',
			toCustomerId,
			phoneNumberId,
			fromCustomerId,
		);
	}
}
