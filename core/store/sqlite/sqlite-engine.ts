import { resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

import type { StoreEngine, StoreReader, StoreWriter } from '../../conversation/engine';
import type { CopyableStore, StoreDataPort } from '../migrate-data';
import { openSqliteDatabase, type SqliteConnectionOptions } from './connection';
import { sqliteDataPort } from './sqlite-data';
import { SqliteTransaction } from './sqlite-transaction';

export interface SqliteStoreOptions extends SqliteConnectionOptions {
	/** How often to look for events committed by other processes while a subscriber waits. */
	pollIntervalMs?: number;
}

/**
 * Serializes this process's transactions on one database file. Two connections of one process must
 * not contend through SQLite's lock: its busy wait blocks the thread, so the transaction holding the
 * lock could never resume. Other processes wait on the lock as usual.
 */
class TransactionQueue {
	private tail: Promise<unknown> = Promise.resolve();

	run<T>(work: () => Promise<T>): Promise<T> {
		const result = this.tail.then(work);
		this.tail = result.catch(() => undefined);
		return result;
	}
}

const queuesByFile = new Map<string, TransactionQueue>();

function queueFor(path: string): TransactionQueue {
	if (path === ':memory:') return new TransactionQueue();
	let queue = queuesByFile.get(path);
	if (!queue) {
		queue = new TransactionQueue();
		queuesByFile.set(path, queue);
	}
	return queue;
}

/**
 * The embedded engine: one file (WAL) shared by every n8n process on the host. Writers take SQLite's
 * write lock with BEGIN IMMEDIATE, which is what makes limit reservations and sweeps exact across
 * processes.
 */
export class SqliteEngine implements StoreEngine, CopyableStore {
	readonly name = 'sqlite';
	private readonly db: DatabaseSync;
	private readonly tx: SqliteTransaction;
	private readonly queue: TransactionQueue;
	private readonly pollIntervalMs: number;
	private poller: NodeJS.Timeout | null = null;
	private closed = false;

	constructor(options: SqliteStoreOptions) {
		this.db = openSqliteDatabase(options);
		this.tx = new SqliteTransaction(this.db);
		this.queue = queueFor(resolve(options.path));
		this.pollIntervalMs = options.pollIntervalMs ?? 100;
	}

	read<T>(work: (tx: StoreReader) => Promise<T>): Promise<T> {
		// One read transaction gives one snapshot, so a page of events and the head agree.
		return this.inTransaction('BEGIN', work);
	}

	write<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
		return this.inTransaction('BEGIN IMMEDIATE', work);
	}

	private inTransaction<T>(begin: string, work: (tx: SqliteTransaction) => Promise<T>): Promise<T> {
		return this.queue.run(async () => {
			this.db.exec(begin);
			try {
				const result = await work(this.tx);
				this.db.exec('COMMIT');
				return result;
			} catch (error) {
				if (this.db.isTransaction) this.db.exec('ROLLBACK');
				throw error;
			}
		});
	}

	watchOtherProcesses(wake: (() => void) | null): void {
		if (!wake || this.closed) {
			if (this.poller) clearInterval(this.poller);
			this.poller = null;
			return;
		}
		if (this.poller) return;
		// data_version changes whenever another connection commits; reading it costs next to nothing.
		const dataVersion = this.db.prepare('PRAGMA data_version');
		let seen = Number(dataVersion.get()?.data_version ?? 0);
		this.poller = setInterval(() => {
			const version = Number(dataVersion.get()?.data_version ?? 0);
			if (version !== seen) {
				seen = version;
				wake();
			}
		}, this.pollIntervalMs);
		this.poller.unref();
	}

	dataPort(): StoreDataPort {
		return sqliteDataPort(this.db, (work) => this.queue.run(work));
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.watchOtherProcesses(null);
		await this.queue.run(async () => this.db.close());
	}
}
