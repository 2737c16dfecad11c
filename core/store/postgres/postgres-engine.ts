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
import { PostgresTransaction, WriteConflict, type PostgresSchema } from './postgres-transaction';

export interface PostgresStoreOptions extends PostgresConnectionOptions {
	/** How often to look for other processes' events while the LISTEN connection is down. */
	pollIntervalMs?: number;
}

const MAX_WRITE_ATTEMPTS = 12;

/**
 * Conflicts that only mean "another writer got there first": the whole transaction is run again on
 * fresh reads. Serialization failures and deadlocks (40001, 40P01) can come from lock order in a
 * multi-message delivery; 23505 only from the one-open-conversation index (two first messages).
 */
function isRetryable(error: unknown): boolean {
	if (error instanceof WriteConflict) return true;
	const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
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

	async write<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.withClient(async (client) => {
					await client.query('BEGIN');
					const tx = new PostgresTransaction(client, this.schema, 'write');
					const result = await work(tx);
					await tx.flushEvents();
					await this.beforeCommit();
					await client.query('COMMIT');
					return result;
				});
			} catch (error) {
				if (attempt >= MAX_WRITE_ATTEMPTS || !isRetryable(error)) throw error;
				await pause(attempt);
			}
		}
	}

	/**
	 * Runs right before a write commits, after its events took their ids. Nothing to do here; a test
	 * subclass stalls in it to hold a transaction open at the worst moment for readers.
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
				() => undefined,
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
