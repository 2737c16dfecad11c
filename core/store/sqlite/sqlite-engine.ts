import { resolve } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

import type { StoreEngine, StoreReader, StoreWriter } from '../../conversation/engine';
import type { CopyableStore, StoreDataPort } from '../migrate-data';
import { openSqliteDatabase, type SqliteConnectionOptions } from './connection';
import { FileChangeSignal } from './file-change-signal';
import { sqliteDataPort } from './sqlite-data';
import { BackgroundCheckpointer } from './checkpointer';
import { GroupCommit, TransactionQueue } from './group-commit';
import { SqliteTransaction } from './sqlite-transaction';

export interface SqliteStoreOptions extends SqliteConnectionOptions {
	/**
	 * While a subscriber waits, writes to the store's file wake it at once (its folder is watched);
	 * this is how often to look for other processes' commits when the folder cannot be watched.
	 */
	pollIntervalMs?: number;
	/** How often to look anyway while the folder is watched, should a change signal be missed. */
	watchedPollIntervalMs?: number;
}

const queuesByFile = new Map<string, TransactionQueue>();

/** One queue per file of this process; each in-memory database is a database of its own. */
function queueFor(path: string): TransactionQueue {
	if (path === ':memory:') return new TransactionQueue();
	const file = resolve(path);
	let queue = queuesByFile.get(file);
	if (!queue) {
		queue = new TransactionQueue();
		queuesByFile.set(file, queue);
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
	private readonly writes: GroupCommit<SqliteTransaction>;
	private readonly checkpointer: BackgroundCheckpointer | null;
	// Prepared once: a window check is a read of a few microseconds, where parsing BEGIN again shows.
	private readonly beginRead: StatementSync;
	private readonly endRead: StatementSync;
	private readonly path: string;
	private readonly pollIntervalMs: number;
	private readonly watchedPollIntervalMs: number;
	private signal: FileChangeSignal | null = null;
	private closed = false;

	constructor(options: SqliteStoreOptions) {
		this.db = openSqliteDatabase(options);
		this.tx = new SqliteTransaction(this.db);
		this.queue = queueFor(options.path);
		this.checkpointer = options.path === ':memory:' ? null : new BackgroundCheckpointer(resolve(options.path));
		this.writes = new GroupCommit(this.db, this.tx, this.queue, () => this.checkpointer?.afterCommit());
		this.beginRead = this.db.prepare('BEGIN');
		this.endRead = this.db.prepare('COMMIT');
		this.path = options.path;
		this.pollIntervalMs = options.pollIntervalMs ?? 100;
		this.watchedPollIntervalMs = options.watchedPollIntervalMs ?? 1_000;
	}

	read<T>(work: (tx: StoreReader) => Promise<T>): Promise<T> {
		// One read transaction gives one snapshot, so a page of events and the head agree.
		return this.queue.run(async () => {
			this.beginRead.run();
			try {
				return await work(this.tx);
			} finally {
				if (this.db.isTransaction) this.endRead.run();
			}
		});
	}

	write<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
		return this.writes.write(work);
	}

	watchOtherProcesses(wake: (() => void) | null): void {
		if (!wake || this.closed) {
			this.signal?.stop();
			this.signal = null;
			return;
		}
		// No other process can open an in-memory database.
		if (this.signal || this.path === ':memory:') return;
		// data_version changes whenever another connection commits and costs next to nothing to read;
		// only a commit that moved the log's head wakes, or two processes' subscribers would wake each
		// other forever by acknowledging (a write) each wake-up.
		const dataVersion = this.db.prepare('PRAGMA data_version');
		const head = this.db.prepare('SELECT max(id) AS head FROM events');
		let seenVersion = dataVersion.get()?.data_version;
		let seenHead = head.get()?.head;
		this.signal = new FileChangeSignal({
			path: this.path,
			pollIntervalMs: this.pollIntervalMs,
			watchedPollIntervalMs: this.watchedPollIntervalMs,
			look: () => {
				// A transaction's snapshot hides newer commits: look once it ended.
				if (this.db.isTransaction) return false;
				const version = dataVersion.get()?.data_version;
				if (version === seenVersion) return true;
				seenVersion = version;
				const newHead = head.get()?.head;
				if (newHead !== seenHead) {
					seenHead = newHead;
					wake();
				}
				return true;
			},
		});
		this.signal.start();
	}

	dataPort(): StoreDataPort {
		return sqliteDataPort(this.db, (work) => this.queue.run(work));
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.watchOtherProcesses(null);
		await this.writes.flush();
		await this.checkpointer?.close();
		await this.queue.run(async () => this.db.close());
	}
}
