import { escapeLiteral, type PoolClient, type QueryConfig, type QueryResult } from 'pg';

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
} from '../rows';
import type { LimitScopeState, ScopeReservation, StoreWriter } from '../../conversation/engine';
import type { ConversationFilter, ReadEventsOptions } from '../../conversation/store';
import type { PendingBurst } from '../../conversation/bursts';
import type { NewWaitingAnswer, QuestionAnswer, WaitingAnswer } from '../../conversation/waiting-answers';
import type { MessagePricingRecord, UsageCount, UsageFilter } from '../../conversation/usage';

/**
 * A row this transaction read as absent was inserted by a concurrent transaction that committed
 * first. The transaction's reads are stale, so it is rolled back and run again from the start.
 */
export class WriteConflict extends Error {
	constructor(what: string) {
		super(`A concurrent writer stored the same ${what} first; the transaction is retried`);
		this.name = 'WriteConflict';
	}
}

export type TransactionMode = 'read' | 'write';

const statementNames = new Map<string, string>();

/**
 * The statement as a named prepared one: each connection parses and plans it once, then only binds
 * and runs it (planning is most of the server's work for these small statements). The names are this
 * process's own and the texts are finite (a store's SQL with its schema name), so the map stays small.
 */
function prepared(text: string, values: unknown[]): QueryConfig {
	let name = statementNames.get(text);
	if (name === undefined) {
		name = `wa_conversations_${statementNames.size + 1}`;
		statementNames.set(text, name);
	}
	return { name, text, values };
}

/** An epoch-ms time or a limit as SQL: only safe integers are ever written into a statement. */
function integer(value: number): string {
	if (!Number.isSafeInteger(value)) throw new TypeError(`${value} is not an integer`);
	return String(value);
}

/**
 * A prepared statement planned before a migration changed the columns it returns cannot run again on
 * its connection (0A000): such a connection is discarded and the transaction retried on another.
 */
export function isStalePlan(error: unknown): boolean {
	return (error as { code?: unknown } | null)?.code === '0A000';
}

/** What a transaction needs to know about its store: the quoted schema and the NOTIFY channel. */
export interface PostgresSchema {
	/** Quoted schema name, ready to prefix table names. */
	s: string;
	channel: string;
}

export interface PendingEvent {
	type: string;
	phoneNumberId: string;
	conversationId: string | null;
	createdAt: number;
	payload: string;
}

/**
 * The store primitives on PostgreSQL, for one transaction on one pooled connection (READ COMMITTED
 * for writes, REPEATABLE READ for reads: see PostgresConversationStore).
 *
 * How writers stay exact without one global write lock:
 * - Rows that exist are locked when a write reads them (`FOR NO KEY UPDATE`: excludes other writers,
 *   not the foreign-key checks of message inserts), so read-modify-write of a contact, conversation
 *   or message status is serialized per row, and the waiting writer then reads the committed row.
 * - Rows that do not exist yet cannot be locked. When a write read one as absent and then finds it
 *   present on insert (a contact, a message wamid), another transaction committed it in between:
 *   WriteConflict, and the store retries. A second open conversation for the same customer is
 *   refused by the partial unique index (23505 on conversations_one_open), retried the same way.
 * - Idle conversations are claimed with SKIP LOCKED, so concurrent sweeps split the work.
 * - Limit scopes are serialized on their `limit_scopes` row (lockLimitScope).
 * - Events are buffered and written at commit under the `event_head` row lock (flushEvents).
 */
export class PostgresTransaction implements StoreWriter {
	private readonly pendingEvents: PendingEvent[] = [];
	private readonly absentContacts = new Set<string>();
	private readonly absentWamids = new Set<string>();
	private readonly lock: string;
	/** Set once a limit scope is locked: the engine may then let the lock go before the commit's flush. */
	holdsLimitScope = false;
	/** Set when reserveInScope committed the transaction (see `commitWith`): nothing may follow. */
	committed = false;

	/**
	 * `commitWith`: the SQL that commits this transaction, given when the engine lets reserveInScope
	 * commit with its own statement (the transaction holds nothing else yet).
	 */
	constructor(
		private readonly client: Pick<PoolClient, 'query'>,
		private readonly schema: PostgresSchema,
		mode: TransactionMode,
		private readonly commitWith: string | null = null,
	) {
		this.lock = mode === 'write' ? ' FOR NO KEY UPDATE' : '';
	}

	private query(config: QueryConfig): Promise<QueryResult<Row>> {
		if (this.committed) throw new Error('This transaction already committed with its reservation: reserveInScope must be its last step');
		return this.client.query<Row>(config);
	}

	private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
		return (await this.query(prepared(sql, params))).rows;
	}

	private async first(sql: string, params: unknown[] = []): Promise<Row | undefined> {
		return (await this.rows(sql, params))[0];
	}

	private async changes(sql: string, params: unknown[] = []): Promise<number> {
		return (await this.query(prepared(sql, params))).rowCount ?? 0;
	}

	private get s(): string {
		return this.schema.s;
	}

	async getContact(phoneNumberId: string, customerId: string): Promise<ContactRecord | null> {
		const row = await this.first(
			`SELECT * FROM ${this.s}.contacts WHERE phone_number_id = $1 AND customer_id = $2${this.lock}`,
			[phoneNumberId, customerId],
		);
		if (!row) this.absentContacts.add(JSON.stringify([phoneNumberId, customerId]));
		return row ? toContact(row) : null;
	}

	async putContact(contact: ContactRecord, now: number): Promise<void> {
		const key = JSON.stringify([contact.phoneNumberId, contact.customerId]);
		const values = contactValues(contact, now);
		const insert = `INSERT INTO ${this.s}.contacts (${CONTACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
		if (this.absentContacts.delete(key)) {
			// Computed from "no contact yet": overwriting a contact another writer just created would
			// lose its changes (an opt-out, say).
			if ((await this.changes(`${insert} ON CONFLICT DO NOTHING`, values)) === 0) throw new WriteConflict('contact');
			return;
		}
		await this.changes(
			`${insert} ON CONFLICT (phone_number_id, customer_id) DO UPDATE SET wa_id = excluded.wa_id, name = excluded.name,
				last_inbound_at = excluded.last_inbound_at, opted_out = excluded.opted_out,
				opted_out_at = excluded.opted_out_at, updated_at = excluded.updated_at`,
			values,
		);
	}

	async getConversation(id: string): Promise<ConversationRecord | null> {
		const row = await this.first(`SELECT ${CONVERSATION_COLUMNS} FROM ${this.s}.conversations WHERE id = $1${this.lock}`, [id]);
		return row ? toConversation(row) : null;
	}

	async findOpenConversation(phoneNumberId: string, customerId: string): Promise<ConversationRecord | null> {
		// Under the lock a concurrent close is seen: the row no longer matches status = 'open' and is
		// skipped, and the new conversation this writer then inserts meets the partial unique index.
		const row = await this.first(
			`SELECT ${CONVERSATION_COLUMNS} FROM ${this.s}.conversations
			WHERE phone_number_id = $1 AND customer_id = $2 AND status = 'open'${this.lock}`,
			[phoneNumberId, customerId],
		);
		return row ? toConversation(row) : null;
	}

	async listConversations(filter: ConversationFilter): Promise<ConversationRecord[]> {
		const conditions: string[] = [];
		const params: unknown[] = [];
		const add = (condition: string, value: unknown) => {
			params.push(value);
			conditions.push(condition.replace('?', `$${params.length}`));
		};
		if (filter.status) add('status = ?', filter.status);
		if (filter.phoneNumberId) add('phone_number_id = ?', filter.phoneNumberId);
		if (filter.customerId) add('customer_id = ?', filter.customerId);
		if (filter.since !== undefined) add('last_message_at >= ?', filter.since);
		const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
		params.push(filter.limit ?? 100, filter.offset ?? 0);
		return (
			await this.rows(
				`SELECT ${CONVERSATION_COLUMNS} FROM ${this.s}.conversations ${where}
				ORDER BY last_message_at DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
				params,
			)
		).map(toConversation);
	}

	async insertConversation(conversation: ConversationRecord): Promise<void> {
		await this.changes(
			`INSERT INTO ${this.s}.conversations (${CONVERSATION_COLUMNS})
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			conversationValues(conversation),
		);
	}

	async updateConversation(conversation: ConversationRecord): Promise<void> {
		await this.changes(
			`UPDATE ${this.s}.conversations SET display_phone_number = $1, customer_name = $2, last_message_at = $3,
				message_count = $4, ai_enabled = $5, input_variables = $6, extracted_variables = $7 WHERE id = $8`,
			conversationUpdateValues(conversation),
		);
	}

	async closeConversation(id: string, closedAt: number, reason: CloseReason): Promise<boolean> {
		const changed = await this.changes(
			`UPDATE ${this.s}.conversations SET status = 'closed', closed_at = $1, close_reason = $2 WHERE id = $3 AND status = 'open'`,
			[closedAt, reason, id],
		);
		return changed === 1;
	}

	async claimIdleConversations(cutoff: number, phoneNumberId: string | null, limit: number): Promise<ConversationRecord[]> {
		// SKIP LOCKED: rows another sweep (or a message ingest) holds are left to it, never waited for,
		// so concurrent sweeps take disjoint batches and each conversation ends once.
		return (
			await this.rows(
				`SELECT ${CONVERSATION_COLUMNS} FROM ${this.s}.conversations
				WHERE status = 'open' AND last_message_at <= $1 AND ($2::text IS NULL OR phone_number_id = $2)
				ORDER BY last_message_at LIMIT $3 FOR NO KEY UPDATE SKIP LOCKED`,
				[cutoff, phoneNumberId, limit],
			)
		).map(toConversation);
	}

	async getTranscript(conversationId: string, limit: number | null): Promise<StoredMessage[]> {
		// The latest `limit` messages, returned oldest first; LIMIT NULL means no limit.
		return (
			await this.rows(
				`SELECT * FROM (SELECT * FROM ${this.s}.messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2) latest ORDER BY seq`,
				[conversationId, limit],
			)
		).map(toStoredMessage);
	}

	async getMessageByWamid(wamid: string): Promise<StoredMessage | null> {
		// Locked in writes: two status updates of one message apply in turn, each on the other's result.
		const row = await this.first(`SELECT * FROM ${this.s}.messages WHERE wamid = $1${this.lock}`, [wamid]);
		if (!row) this.absentWamids.add(wamid);
		return row ? toStoredMessage(row) : null;
	}

	async insertMessage(message: Omit<StoredMessage, 'seq'>): Promise<boolean> {
		const inserted =
			(await this.changes(
				`INSERT INTO ${this.s}.messages (wamid, conversation_id, direction, "type", "text", "timestamp", status, status_at, error, payload)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (wamid) DO NOTHING`,
				messageValues(message),
			)) === 1;
		// The same delivery being ingested by another process committed between our dedupe check and
		// here: our conversation update and events would count the message twice.
		if (!inserted && message.wamid !== null && this.absentWamids.has(message.wamid)) throw new WriteConflict('message');
		return inserted;
	}

	async updateMessageStatus(wamid: string, status: string, statusAt: number, error: StoredMessage['error']): Promise<void> {
		await this.changes(`UPDATE ${this.s}.messages SET status = $1, status_at = $2, error = $3 WHERE wamid = $4`, [
			status,
			statusAt,
			errorValue(error),
			wamid,
		]);
	}

	async recordStatusReceipt(wamid: string, status: string, timestamp: number): Promise<boolean> {
		// A concurrent insert of the same pair makes this one wait for its commit, then do nothing.
		const changed = await this.changes(
			`INSERT INTO ${this.s}.message_statuses (wamid, status, "timestamp") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			[wamid, status, timestamp],
		);
		return changed === 1;
	}

	async appendEvent(event: NewStoreEvent): Promise<void> {
		// Serialized now, so a payload that cannot be stored fails the operation that made it.
		this.pendingEvents.push({
			type: event.type,
			phoneNumberId: event.phoneNumberId,
			conversationId: event.conversationId,
			createdAt: event.createdAt,
			payload: JSON.stringify(event.payload),
		});
	}

	/** Hands over the buffered events: a group commit writes those of its successful deliveries together. */
	takeEvents(): PendingEvent[] {
		return this.pendingEvents.splice(0);
	}

	/**
	 * Writes events (by default this transaction's buffered ones); the engine calls it right before
	 * COMMIT, once for all the deliveries a group commit takes.
	 *
	 * Why: a reader's cursor moves to the highest id it saw, so an id must never become visible before
	 * a lower one. A sequence does not promise that (ids are taken at insert, commits land in any
	 * order), so a reader could pass an id whose transaction commits a moment later and skip it for
	 * good. Here ids come from the single `event_head` row, whose row lock is held until COMMIT: an
	 * event-writing transaction takes its ids only after the previous one committed, so ids become
	 * visible in order, and `event_head` is the log's committed high-water mark (it survives pruning).
	 * Taking the lock only now, when the transaction's other work is done, keeps the serialized part
	 * to this one statement and the commit, and no row lock is ever awaited while holding it (so it
	 * adds no deadlocks). pg_notify in the same statement is delivered by PostgreSQL on commit only.
	 */
	async flushEvents(events: readonly PendingEvent[] = this.takeEvents()): Promise<void> {
		if (events.length === 0) return;
		await this.changes(
			`WITH head AS (
				UPDATE ${this.s}.event_head SET id = id + $1 RETURNING id - $1 AS base
			), appended AS (
				INSERT INTO ${this.s}.events (id, "type", phone_number_id, conversation_id, created_at, payload)
				SELECT head.base + e.ord, e.type, e.phone_number_id, e.conversation_id, e.created_at, e.payload
				FROM head, unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
					WITH ORDINALITY AS e(type, phone_number_id, conversation_id, created_at, payload, ord)
				RETURNING id
			)
			SELECT pg_notify($7, (SELECT max(id) FROM appended)::text)`,
			[
				events.length,
				events.map((event) => event.type),
				events.map((event) => event.phoneNumberId),
				events.map((event) => event.conversationId),
				events.map((event) => event.createdAt),
				events.map((event) => event.payload),
				this.schema.channel,
			],
		);
	}

	async eventsAfter(position: number, options: ReadEventsOptions & { limit: number }): Promise<StoreEvent[]> {
		const conditions = ['id > $1'];
		const params: unknown[] = [position];
		if (options.types && options.types.length > 0) {
			params.push([...options.types]);
			conditions.push(`"type" = ANY($${params.length}::text[])`);
		}
		if (options.phoneNumberId) {
			params.push(options.phoneNumberId);
			conditions.push(`phone_number_id = $${params.length}`);
		}
		params.push(options.limit);
		return (
			await this.rows(`SELECT * FROM ${this.s}.events WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT $${params.length}`, params)
		).map(toStoreEvent);
	}

	async latestEventId(): Promise<number> {
		const row = await this.first(`SELECT id FROM ${this.s}.event_head`);
		return Number(row?.id ?? 0);
	}

	async subscriptionPosition(subscriberId: string): Promise<number | null> {
		const row = await this.first(`SELECT "position" FROM ${this.s}.subscriptions WHERE subscriber_id = $1`, [subscriberId]);
		return row ? Number(row.position) : null;
	}

	async putSubscription(subscriberId: string, position: number, now: number): Promise<void> {
		await this.changes(
			`INSERT INTO ${this.s}.subscriptions (subscriber_id, "position", updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			[subscriberId, position, now],
		);
	}

	async advanceSubscription(subscriberId: string, position: number, now: number): Promise<void> {
		await this.changes(
			`UPDATE ${this.s}.subscriptions SET "position" = GREATEST("position", $1), updated_at = $2 WHERE subscriber_id = $3`,
			[position, now, subscriberId],
		);
	}

	async deleteSubscription(subscriberId: string): Promise<void> {
		await this.changes(`DELETE FROM ${this.s}.subscriptions WHERE subscriber_id = $1`, [subscriberId]);
		await this.changes(`DELETE FROM ${this.s}.event_bursts WHERE subscriber_id = $1`, [subscriberId]);
	}

	async putBurstEvent(subscriberId: string, entry: { eventId: number; phoneNumberId: string; customerId: string; arrivedAt: number }): Promise<void> {
		await this.changes(
			`INSERT INTO ${this.s}.event_bursts (subscriber_id, event_id, phone_number_id, customer_id, arrived_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`,
			[subscriberId, entry.eventId, entry.phoneNumberId, entry.customerId, entry.arrivedAt],
		);
	}

	async pendingBursts(subscriberId: string): Promise<PendingBurst[]> {
		const rows = await this.rows(
			`SELECT phone_number_id, customer_id, count(*) AS size, min(arrived_at) AS first_at, max(arrived_at) AS last_at
			FROM ${this.s}.event_bursts WHERE subscriber_id = $1 GROUP BY phone_number_id, customer_id`,
			[subscriberId],
		);
		return rows.map(toPendingBurst);
	}

	// DELETE ... RETURNING: of two concurrent takers, each row goes to one (the other's delete finds it gone).
	async takeBurst(subscriberId: string, phoneNumberId: string, customerId: string): Promise<number[]> {
		const rows = await this.rows(
			`DELETE FROM ${this.s}.event_bursts WHERE subscriber_id = $1 AND phone_number_id = $2 AND customer_id = $3 RETURNING event_id`,
			[subscriberId, phoneNumberId, customerId],
		);
		return rows.map((row) => Number(row.event_id));
	}

	async putWaitingAnswer(row: NewWaitingAnswer): Promise<void> {
		await this.changes(
			`INSERT INTO ${this.s}.waiting_answers (wait_id, phone_number_id, customer_id, resume_url, created_at, expires_at, state)
			VALUES ($1, $2, $3, $4, $5, $6, 'waiting') ON CONFLICT DO NOTHING`,
			[row.waitId, row.phoneNumberId, row.customerId, row.resumeUrl, row.createdAt, row.expiresAt],
		);
	}

	async getWaitingAnswer(waitId: string): Promise<WaitingAnswer | null> {
		const row = await this.first(`SELECT * FROM ${this.s}.waiting_answers WHERE wait_id = $1`, [waitId]);
		return row ? toWaitingAnswer(row) : null;
	}

	// The outer `state = 'waiting'` is re-checked on the locked row: of two concurrent answers (or an
	// answer and the expiry) only one settles the question; the other updates nothing.
	async answerWaitingQuestion(phoneNumberId: string, customerId: string, answer: QuestionAnswer, now: number): Promise<boolean> {
		const changed = await this.changes(
			`UPDATE ${this.s}.waiting_answers SET state = 'answered', answer = $1::jsonb, settled_at = $2, resume_after = $2
			WHERE state = 'waiting' AND wait_id = (SELECT wait_id FROM ${this.s}.waiting_answers WHERE phone_number_id = $3
				AND customer_id = $4 AND state = 'waiting' AND expires_at > $2 ORDER BY created_at, wait_id LIMIT 1 FOR UPDATE)`,
			[JSON.stringify(answer), now, phoneNumberId, customerId],
		);
		return changed > 0;
	}

	async expireWaitingAnswers(now: number): Promise<number> {
		return this.changes(
			`UPDATE ${this.s}.waiting_answers SET state = 'timed_out', settled_at = expires_at, resume_after = $1
			WHERE state = 'waiting' AND expires_at <= $1`,
			[now],
		);
	}

	// SKIP LOCKED: concurrent claimers take different rows instead of waiting on each other's.
	async claimWaitingAnswerResumes(now: number, claimMs: number, limit: number): Promise<WaitingAnswer[]> {
		const rows = await this.rows(
			`UPDATE ${this.s}.waiting_answers SET resume_after = $1, attempts = attempts + 1
			WHERE wait_id IN (SELECT wait_id FROM ${this.s}.waiting_answers WHERE state IN ('answered', 'timed_out') AND resume_after <= $2
				ORDER BY resume_after LIMIT $3 FOR UPDATE SKIP LOCKED)
			RETURNING *`,
			[now + claimMs, now, limit],
		);
		return rows.map(toWaitingAnswer);
	}

	async setWaitingAnswerResumed(waitId: string, now: number): Promise<void> {
		await this.changes(
			`UPDATE ${this.s}.waiting_answers SET state = 'resumed', resume_after = NULL, settled_at = coalesce(settled_at, $1) WHERE wait_id = $2`,
			[now, waitId],
		);
	}

	async deferWaitingAnswerResume(waitId: string, resumeAfter: number): Promise<void> {
		await this.changes(
			`UPDATE ${this.s}.waiting_answers SET resume_after = $1 WHERE wait_id = $2 AND state IN ('answered', 'timed_out')`,
			[resumeAfter, waitId],
		);
	}

	async eventsByIds(ids: readonly number[]): Promise<StoreEvent[]> {
		if (ids.length === 0) return [];
		return (await this.rows(`SELECT * FROM ${this.s}.events WHERE id = ANY($1::bigint[]) ORDER BY id`, [[...ids]])).map(toStoreEvent);
	}

	async minimumSubscriptionPosition(): Promise<number | null> {
		const row = await this.first(`SELECT min("position") AS position FROM ${this.s}.subscriptions`);
		return row?.position === null || row?.position === undefined ? null : Number(row.position);
	}

	async deleteEventsBefore(createdBefore: number, maxId: number, limit?: number): Promise<number> {
		// LIMIT NULL means no limit.
		return this.changes(
			`DELETE FROM ${this.s}.events WHERE id IN (
				SELECT id FROM ${this.s}.events e WHERE created_at < $1 AND id <= $2
					AND NOT EXISTS (SELECT 1 FROM ${this.s}.event_bursts b WHERE b.event_id = e.id) ORDER BY id LIMIT $3)`,
			[createdBefore, maxId, limit ?? null],
		);
	}

	// The deletes below take at most `limit` rows, skipping rows another transaction holds (a status
	// update, a concurrent prune): those are left for the next batch instead of waited for.

	async deleteMessagesBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number> {
		return this.changes(
			`DELETE FROM ${this.s}.messages WHERE seq IN (
				SELECT m.seq FROM ${this.s}.messages m JOIN ${this.s}.conversations c ON c.id = m.conversation_id
				WHERE m."timestamp" < $1 AND ($2::text IS NULL OR c.phone_number_id = $2)
				ORDER BY m."timestamp" LIMIT $3 FOR UPDATE OF m SKIP LOCKED)`,
			[before, phoneNumberId, limit],
		);
	}

	async putMessagePricing(record: MessagePricingRecord): Promise<void> {
		// A concurrent insert of the same wamid makes this one wait for its commit, then fill the gaps.
		await this.changes(
			`INSERT INTO ${this.s}.message_pricing (${MESSAGE_PRICING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (wamid) DO UPDATE SET
				conversation_id = coalesce(message_pricing.conversation_id, excluded.conversation_id),
				customer_id = coalesce(message_pricing.customer_id, excluded.customer_id)`,
			messagePricingValues(record),
		);
	}

	async usageCounts(filter: UsageFilter): Promise<UsageCount[]> {
		const rows = await this.rows(
			`SELECT p.phone_number_id, p.conversation_id, p.customer_id, p.category, p.pricing_type, p.billable, p."timestamp" / ${USAGE_DAY_MS} AS day, count(*) AS messages
			FROM ${this.s}.message_pricing p LEFT JOIN ${this.s}.messages m ON m.wamid = p.wamid
			WHERE p."timestamp" >= $1 AND p."timestamp" < $2 AND ($3::text IS NULL OR p.phone_number_id = $3) AND (m.status IS NULL OR m.status <> 'failed')
			GROUP BY p.phone_number_id, p.conversation_id, p.customer_id, p.category, p.pricing_type, p.billable, day
			ORDER BY day, p.phone_number_id`,
			[filter.from, filter.to, filter.phoneNumberId ?? null],
		);
		return rows.map(toUsageCount);
	}

	async deleteMessagePricingBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number> {
		return this.changes(
			`DELETE FROM ${this.s}.message_pricing WHERE wamid IN (
				SELECT wamid FROM ${this.s}.message_pricing WHERE "timestamp" < $1 AND ($2::text IS NULL OR phone_number_id = $2)
				ORDER BY "timestamp" LIMIT $3 FOR UPDATE SKIP LOCKED)`,
			[before, phoneNumberId, limit],
		);
	}

	async deleteClosedConversationsBefore(before: number, phoneNumberId: string | null, limit: number): Promise<number> {
		return this.changes(
			`DELETE FROM ${this.s}.conversations WHERE id IN (
				SELECT c.id FROM ${this.s}.conversations c
				WHERE c.status = 'closed' AND c.last_message_at < $1 AND ($2::text IS NULL OR c.phone_number_id = $2)
					AND NOT EXISTS (SELECT 1 FROM ${this.s}.messages m WHERE m.conversation_id = c.id)
				ORDER BY c.last_message_at LIMIT $3 FOR UPDATE SKIP LOCKED)`,
			[before, phoneNumberId, limit],
		);
	}

	async deleteStatusReceiptsBefore(before: number, limit: number): Promise<number> {
		return this.changes(
			`DELETE FROM ${this.s}.message_statuses WHERE (wamid, status) IN (
				SELECT wamid, status FROM ${this.s}.message_statuses WHERE "timestamp" < $1
				ORDER BY "timestamp" LIMIT $2 FOR UPDATE SKIP LOCKED)`,
			[before, limit],
		);
	}

	async deleteReservationsBefore(expiredAtOrBefore: number, limit: number): Promise<number> {
		return this.changes(
			// Scope rows first, as reservers lock them (the delete updates their counts): taking them in the
			// other order could deadlock with a reserver; a scope being reserved in is left for next time.
			`DELETE FROM ${this.s}.limit_reservations WHERE (scope, customer_id) IN (
				SELECT scope, customer_id FROM ${this.s}.limit_reservations WHERE reserved_at <= $1
					AND scope IN (SELECT scope FROM ${this.s}.limit_scopes FOR UPDATE SKIP LOCKED)
				LIMIT $2 FOR UPDATE SKIP LOCKED)`,
			[expiredAtOrBefore, limit],
		);
	}

	async deleteWaitingAnswer(waitId: string): Promise<void> {
		await this.changes(`DELETE FROM ${this.s}.waiting_answers WHERE wait_id = $1`, [waitId]);
	}

	async deleteWaitingAnswersBefore(before: number, limit: number): Promise<number> {
		return this.changes(
			`DELETE FROM ${this.s}.waiting_answers WHERE wait_id IN (
				SELECT wait_id FROM ${this.s}.waiting_answers WHERE (state = 'resumed' AND settled_at < $1) OR expires_at < $1
				LIMIT $2 FOR UPDATE SKIP LOCKED)`,
			[before, limit],
		);
	}

	async deleteIdleSubscriptions(idleSince: number): Promise<string[]> {
		const rows = await this.rows(`DELETE FROM ${this.s}.subscriptions WHERE updated_at < $1 RETURNING subscriber_id`, [idleSince]);
		const forgotten = rows.map((row) => String(row.subscriber_id));
		if (forgotten.length > 0) {
			await this.changes(`DELETE FROM ${this.s}.event_bursts WHERE subscriber_id = ANY($1::text[])`, [forgotten]);
		}
		return forgotten;
	}

	async countReservations(scope: string, after: number): Promise<number> {
		const row = await this.first(
			`SELECT count(*) AS used FROM ${this.s}.limit_reservations WHERE scope = $1 AND reserved_at > $2`,
			[scope, after],
		);
		return Number(row?.used ?? 0);
	}

	async getReservation(scope: string, customerId: string): Promise<number | null> {
		const row = await this.first(
			`SELECT reserved_at FROM ${this.s}.limit_reservations WHERE scope = $1 AND customer_id = $2`,
			[scope, customerId],
		);
		return row ? Number(row.reserved_at) : null;
	}

	async getMessagingLimit(scope: string): Promise<KnownMessagingLimit | null> {
		const row = await this.first(`SELECT scope, tier, observed_at, reported_by FROM ${this.s}.messaging_limits WHERE scope = $1`, [scope]);
		return row ? toKnownMessagingLimit(row) : null;
	}

	async putMessagingLimit(limit: KnownMessagingLimit, now: number): Promise<boolean> {
		const changed = await this.changes(
			`INSERT INTO ${this.s}.messaging_limits AS known (scope, tier, observed_at, reported_by, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (scope) DO UPDATE SET tier = excluded.tier, observed_at = excluded.observed_at,
				reported_by = excluded.reported_by, updated_at = excluded.updated_at
			WHERE excluded.observed_at >= known.observed_at`,
			[limit.scope, limit.tier, limit.observedAt, limit.reportedBy, now],
		);
		return changed > 0;
	}

	/**
	 * Why a row lock: reserving is "count, then add one if below the tier" — two writers counting at
	 * once would both pass at 249 of 250. Locking the scope's row first makes them take turns, and in
	 * READ COMMITTED each statement after the lock sees what the previous holder committed, so the
	 * count is exact. (SERIALIZABLE would also be exact, but fails and retries most of a burst, and an
	 * advisory lock would share its key space with everything else in the database.)
	 */
	async lockLimitScope(scope: string): Promise<void> {
		this.holdsLimitScope = true;
		const lock = `SELECT scope FROM ${this.s}.limit_scopes WHERE scope = $1 FOR UPDATE`;
		if ((await this.changes(lock, [scope])) === 1) return;
		await this.changes(`INSERT INTO ${this.s}.limit_scopes (scope) VALUES ($1) ON CONFLICT DO NOTHING`, [scope]);
		await this.changes(lock, [scope]);
	}

	async putReservation(scope: string, customerId: string, reservedAt: number): Promise<void> {
		await this.changes(
			`INSERT INTO ${this.s}.limit_reservations (scope, customer_id, reserved_at) VALUES ($1, $2, $3)
			ON CONFLICT (scope, customer_id) DO UPDATE SET reserved_at = excluded.reserved_at`,
			[scope, customerId, reservedAt],
		);
	}

	async deleteReservation(scope: string, customerId: string, reservedAt: number): Promise<boolean> {
		const changed = await this.changes(
			`DELETE FROM ${this.s}.limit_reservations WHERE scope = $1 AND customer_id = $2 AND reserved_at = $3`,
			[scope, customerId, reservedAt],
		);
		return changed === 1;
	}

	/**
	 * One round trip (reserve_in_scope, see migrations). When the engine allows it (`commitWith`: the
	 * reservation is all this transaction holds), the statement and the commit go in one message, so
	 * the scope's lock is never held while a client answers: the server takes it and lets it go.
	 */
	async reserveInScope(request: ScopeReservation): Promise<LimitScopeState> {
		this.holdsLimitScope = true;
		const call = `SELECT previous_reserved_at, used FROM ${this.s}.reserve_in_scope`;
		let row: Row | undefined;
		if (this.commitWith !== null && this.pendingEvents.length === 0) {
			// A message of several statements takes no parameters: the values are written as literals.
			const values = [escapeLiteral(request.scope), escapeLiteral(request.customerId), integer(request.reservedAt), integer(request.expiredAtOrBefore)];
			const sql = `${call}(${values.join(', ')}, ${request.limit === null ? 'NULL' : integer(request.limit)}); ${this.commitWith}`;
			const results = (await this.query({ text: sql })) as unknown as QueryResult<Row>[];
			this.committed = true;
			row = results[0].rows[0];
		} else {
			row = await this.first(`${call}($1, $2, $3, $4, $5)`, [
				request.scope,
				request.customerId,
				request.reservedAt,
				request.expiredAtOrBefore,
				request.limit,
			]);
		}
		const previous = row?.previous_reserved_at;
		return { previousReservedAt: previous === null || previous === undefined ? null : Number(previous), used: Number(row?.used ?? 0) };
	}

	async getCustomerAlias(phoneNumberId: string | null, alias: string): Promise<string | null> {
		const row =
			phoneNumberId === null
				? await this.first(`SELECT customer_id FROM ${this.s}.customer_aliases WHERE alias = $1 ORDER BY updated_at DESC LIMIT 1`, [alias])
				: await this.first(`SELECT customer_id FROM ${this.s}.customer_aliases WHERE phone_number_id = $1 AND alias = $2`, [
						phoneNumberId,
						alias,
					]);
		return row ? String(row.customer_id) : null;
	}

	async putCustomerAlias(phoneNumberId: string, alias: string, customerId: string, now: number): Promise<void> {
		await this.changes(
			`INSERT INTO ${this.s}.customer_aliases (phone_number_id, alias, customer_id, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (phone_number_id, alias) DO UPDATE SET customer_id = excluded.customer_id, updated_at = excluded.updated_at`,
			[phoneNumberId, alias, customerId, now],
		);
	}

	async deleteContact(phoneNumberId: string, customerId: string): Promise<void> {
		await this.changes(`DELETE FROM ${this.s}.contacts WHERE phone_number_id = $1 AND customer_id = $2`, [phoneNumberId, customerId]);
	}

	async moveMessages(fromConversationId: string, toConversationId: string): Promise<void> {
		await this.changes(`UPDATE ${this.s}.messages SET conversation_id = $1 WHERE conversation_id = $2`, [toConversationId, fromConversationId]);
	}

	async reassignConversations(phoneNumberId: string, fromCustomerId: string, toCustomerId: string): Promise<void> {
		await this.changes(`UPDATE ${this.s}.conversations SET customer_id = $1 WHERE phone_number_id = $2 AND customer_id = $3`, [
			toCustomerId,
			phoneNumberId,
			fromCustomerId,
		]);
	}
}
