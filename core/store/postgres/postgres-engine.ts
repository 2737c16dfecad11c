import type { Pool, PoolClient } from 'pg';

import type { StoreEngine, StoreReader, StoreWriter } from '../../conversation/engine';
import { StoreError, WhatsAppConversationsError } from '../../errors';
import type { CopyableStore, StoreDataPort } from '../migrate-data';
import {
	clientConfig,
	createPool,
	isUnavailable,
	postgresTarget,
	quoteIdent,
	unavailableError,
	type PostgresConnectionOptions,
	type PostgresTarget,
} from './connection';
import { migratePostgres, migrationFailedError } from './migrations';
import { NotificationWatch } from './notification-watch';
import { postgresDataPort } from './postgres-data';
import { isStalePlan, PostgresTransaction, WriteConflict, type PendingEvent, type PostgresSchema } from './postgres-transaction';

export interface PostgresStoreOptions extends PostgresConnectionOptions {
	/** How often to look for other processes' events while the LISTEN connection is down. */
	pollIntervalMs?: number;
}

const MAX_WRITE_ATTEMPTS = 12;

/**
 * Writes one transaction takes at most. Each keeps a subtransaction id until the commit, and past 64
 * in one transaction PostgreSQL's snapshots slow down for every session (subxid cache overflow).
 */
const MAX_BATCH = 32;

/**
 * A synchronous commit of a transaction that wrote WAL: it returns once the WAL is flushed up to
 * here, which covers every commit this connection made before it (the WAL is one sequence).
 * Concurrent barriers share one flush. The message itself is ignored (no logical decoding reads it).
 */
const FLUSH_BARRIER = "SELECT pg_logical_emit_message(true, 'whatsapp-conversations', '')";

/**
 * How a transaction holding a limit scope commits. The scope's lock is held until COMMIT returns;
 * with a synchronous commit that is through the WAL flush, which would cap reservations at the
 * disk's flush rate. Committed without waiting, the lock goes at once, and the writes are answered
 * only after the flush barrier, in the same round trip (it runs in a transaction of its own, after
 * COMMIT returned).
 */
const EARLY_COMMIT = `SET LOCAL synchronous_commit = off; COMMIT; ${FLUSH_BARRIER}`;

interface WriteJob {
	work: (tx: StoreWriter) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
	attempt: number;
}

/**
 * Conflicts that only mean "another writer got there first": the whole transaction is run again on
 * fresh reads. Serialization failures and deadlocks (40001, 40P01) can come from lock order in a
 * multi-message delivery; 23505 only from the one-open-conversation index (two first messages); a
 * stale prepared statement (isStalePlan) from a migration another process just ran.
 */
function isRetryable(error: unknown): boolean {
	if (error instanceof WriteConflict) return true;
	const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
	if (isStalePlan(error)) return true;
	return code === '40001' || code === '40P01' || (code === '23505' && constraint === 'conversations_one_open');
}

function pause(attempt: number): Promise<void> {
	// Jittered, growing: writers that collided should not collide again in lockstep.
	const ms = Math.random() * Math.min(250, 4 * 2 ** attempt);
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function passwordInUrl(connectionString: string | undefined): string | undefined {
	const match = connectionString ? /^[^:]+:\/\/[^:/@]*:([^@]*)@/.exec(connectionString) : null;
	if (!match) return undefined;
	try {
		return decodeURIComponent(match[1]);
	} catch {
		return match[1];
	}
}

/**
 * The PostgreSQL engine, for n8n queue mode: main, webhook and worker processes on several hosts
 * share one database. One pool per store (per process), writes in READ COMMITTED with row locks and
 * retries on conflicts (see PostgresTransaction), reads in REPEATABLE READ so a page of events and
 * the log's head come from one snapshot, and a LISTEN connection that wakes subscribers on commit.
 *
 * The constructor does no I/O (nodes open stores synchronously); the schema is created or migrated
 * by the first operation, or by `ready()` for callers that want to fail early.
 */
export class PostgresEngine implements StoreEngine, CopyableStore {
	readonly name = 'postgres';
	readonly target: PostgresTarget;
	private readonly pool: Pool;
	private readonly schema: PostgresSchema;
	private readonly watch: NotificationWatch;
	private readonly secrets: (string | undefined)[];
	private migration: Promise<void> | null = null;
	private wake: (() => void) | null = null;
	private closed = false;
	private readonly queue: WriteJob[] = [];
	private building = false;
	private barrierCheck: Promise<boolean> | null = null;

	constructor(options: PostgresStoreOptions) {
		this.target = postgresTarget(options);
		this.schema = { s: quoteIdent(this.target.schema), channel: `wa_events.${this.target.schema}`.slice(0, 63) };
		this.secrets = [options.password, passwordInUrl(options.connectionString)];
		this.pool = createPool(options);
		this.watch = new NotificationWatch({
			clientConfig: clientConfig(options, 'n8n-whatsapp-conversations:listen'),
			channel: this.schema.channel,
			wake: () => this.wake?.(),
			readHead: () => this.read((tx) => tx.latestEventId()),
			pollIntervalMs: options.pollIntervalMs ?? 1_000,
		});
	}

	/** Resolves once the schema is up to date. A failure is not kept: the next call tries again. */
	ready(): Promise<void> {
		if (this.closed) return Promise.reject(this.closedError());
		if (!this.migration) {
			this.migration = migratePostgres(this.pool, this.target.schema).catch((error: unknown) => {
				this.migration = null;
				throw isUnavailable(error) ? this.unavailable(error) : migrationFailedError(this.target.schema, error);
			});
		}
		return this.migration;
	}

	/** True while other processes' events arrive by LISTEN/NOTIFY rather than by polling. */
	get listening(): boolean {
		return this.watch.listening;
	}

	read<T>(work: (tx: StoreReader) => Promise<T>): Promise<T> {
		return this.withClient(async (client) => {
			// One snapshot for the whole read, so a page of events and the head agree.
			await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
			const result = await work(new PostgresTransaction(client, this.schema, 'read'));
			await client.query('COMMIT');
			return result;
		});
	}

	/**
	 * Group commit: writes that arrive while a transaction is running or committing share the next
	 * one, each in a savepoint of its own (a delivery that fails is rolled back alone and the others go
	 * on), and each resolves only after the shared COMMIT. Fewer commits is what lets many deliveries
	 * a second through: every event-writing commit holds `event_head` through the WAL flush, so commits
	 * take turns at the disk's flush rate whatever the pool size.
	 */
	write<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.enqueue({ work, resolve: resolve as (value: unknown) => void, reject, attempt: 1 });
		});
	}

	private enqueue(job: WriteJob): void {
		this.queue.push(job);
		if (!this.building) void this.buildBatches();
	}

	/**
	 * One batch is built at a time, on one connection, so the deliveries of this process never wait on
	 * each other's row locks in two open transactions (a deadlock PostgreSQL would take a second to
	 * break); the next batch starts building while the previous one commits.
	 */
	private async buildBatches(): Promise<void> {
		this.building = true;
		try {
			while (this.queue.length > 0) await this.runBatch();
		} finally {
			this.building = false;
		}
	}

	/** Resolves when the batch stops taking writes; its commit goes on in the background. */
	private async runBatch(): Promise<void> {
		let built!: () => void;
		const stoppedTaking = new Promise<void>((resolve) => (built = resolve));
		const taken: WriteJob[] = [];
		const done: { job: WriteJob; result: unknown }[] = [];
		const events: PendingEvent[] = [];
		let holdsLimitScope = false;
		let ended = false;
		let barrier = false;
		const committed = this.withClient(async (client) => {
			try {
				await client.query('BEGIN; SAVEPOINT delivery');
				barrier = await this.flushBarrierUsable(client);
				for (let job = this.queue.shift(); job; job = done.length < MAX_BATCH && !ended ? this.queue.shift() : undefined) {
					taken.push(job);
					// The batch's first write may commit with its reservation (reserveInScope), ending the batch.
					const tx = new PostgresTransaction(client, this.schema, 'write', barrier && done.length === 0 ? EARLY_COMMIT : null);
					let result: unknown;
					try {
						result = await job.work(tx);
					} catch (error) {
						// These end the batch: the connection is lost, or discarded with its stale statements.
						if (isUnavailable(error) || isStalePlan(error)) throw error;
						if (tx.committed) {
							// Refused after its reservation step committed (which then recorded nothing).
							ended = true;
							taken.pop();
							this.failed(job, error);
							continue;
						}
						// The savepoint stays in place for the next delivery.
						await client.query('ROLLBACK TO SAVEPOINT delivery');
						taken.pop();
						this.failed(job, error);
						continue;
					}
					done.push({ job, result });
					if (tx.committed) {
						ended = true;
						continue;
					}
					events.push(...tx.takeEvents());
					holdsLimitScope ||= tx.holdsLimitScope;
					if (this.queue.length > 0 && done.length < MAX_BATCH) await client.query('RELEASE SAVEPOINT delivery; SAVEPOINT delivery');
				}
			} finally {
				built();
			}
			if (ended) return;
			if (done.length === 0) {
				await client.query('ROLLBACK');
				return;
			}
			await new PostgresTransaction(client, this.schema, 'write').flushEvents(events);
			await this.beforeCommit();
			// See EARLY_COMMIT; not with events: subscribers are notified at COMMIT and must only see durable ones.
			await client.query(holdsLimitScope && events.length === 0 && barrier ? EARLY_COMMIT : 'COMMIT');
		});
		void committed.then(
			() => {
				for (const { job, result } of done) job.resolve(result);
			},
			(error: unknown) => {
				for (const job of taken) this.failed(job, error);
			},
		);
		// A batch that failed before it stopped taking writes (no connection, say) ends at once.
		await Promise.race([stoppedTaking, committed.catch(() => undefined)]);
	}

	/** Runs a failed write again later when it only met a conflict, else rejects it. */
	private failed(job: WriteJob, error: unknown): void {
		if (job.attempt >= MAX_WRITE_ATTEMPTS || !isRetryable(error)) {
			job.reject(error);
			return;
		}
		void pause(job.attempt).then(() => this.enqueue({ ...job, attempt: job.attempt + 1 }));
	}

	/** Whether this server lets us call the barrier's function (checked once, on the batch's connection). */
	private flushBarrierUsable(client: PoolClient): Promise<boolean> {
		this.barrierCheck ??= client
			.query<{ usable: boolean }>("SELECT has_function_privilege('pg_catalog.pg_logical_emit_message(boolean, text, text)', 'EXECUTE') AS usable")
			.then(
				(result) => result.rows[0]?.usable === true,
				(error: unknown) => {
					this.barrierCheck = null;
					throw error;
				},
			);
		return this.barrierCheck;
	}

	/**
	 * Runs right before a write commits, after its events took their ids (not for a reservation that
	 * commits with its own statement). Nothing to do here; a test subclass stalls in it to hold a
	 * transaction open at the worst moment for readers.
	 */
	protected async beforeCommit(): Promise<void> {}

	/** A pooled connection for one transaction: rolled back on failure, discarded when broken. */
	private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
		await this.ready();
		let client: PoolClient;
		try {
			client = await this.pool.connect();
		} catch (error) {
			throw this.closed ? this.closedError() : this.unavailable(error);
		}
		let broken: Error | undefined;
		try {
			return await work(client);
		} catch (error) {
			// A connection that failed, or cannot even roll back, is discarded instead of going back to the pool.
			if (isUnavailable(error)) {
				broken = new Error('connection lost');
				throw this.unavailable(error);
			}
			broken = await client.query('ROLLBACK').then(
				() => (isStalePlan(error) ? new Error('prepared statements outdated by a migration') : undefined),
				() => new Error('rollback failed'),
			);
			throw error;
		} finally {
			client.release(broken);
		}
	}

	watchOtherProcesses(wake: (() => void) | null): void {
		this.wake = wake;
		if (wake && !this.closed) this.watch.start();
		else void this.watch.stop();
	}

	dataPort(): StoreDataPort {
		return postgresDataPort(this.schema, (work) => this.withClient(work));
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.watch.stop();
		await this.pool.end();
	}

	private unavailable(error: unknown): WhatsAppConversationsError {
		return error instanceof WhatsAppConversationsError ? error : unavailableError(this.target, error, this.secrets);
	}

	private closedError(): StoreError {
		return new StoreError(
			'STORE_UNAVAILABLE',
			'The conversation store was closed',
			'This happens while a workflow is being deactivated; the next activation opens it again.',
		);
	}
}
