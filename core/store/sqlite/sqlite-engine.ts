import { resolve } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

import type { StoreEngine, StoreReader, StoreWriter } from '../../conversation/engine';
import type { CopyableStore, StoreDataPort } from '../migrate-data';
import { openSqliteDatabase, type SqliteConnectionOptions } from './connection';
import { sqliteDataPort } from './sqlite-data';
import { GroupCommit, TransactionQueue } from './group-commit';
import { SqliteTransaction } from './sqlite-transaction';

export interface SqliteStoreOptions extends SqliteConnectionOptions {
	/** How often to look for events committed by other processes while a subscriber waits. */
	pollIntervalMs?: number;
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
	private readonly writes: GroupCommit<SqliteTransaction>;
	// Prepared once: a window check is a read of a few microseconds, where parsing BEGIN again shows.
	private readonly beginRead: StatementSync;
	private readonly endRead: StatementSync;
	private readonly pollIntervalMs: number;
	private poller: NodeJS.Timeout | null = null;
	private closed = false;

	constructor(options: SqliteStoreOptions) {
		this.db = openSqliteDatabase(options);
		this.tx = new SqliteTransaction(this.db);
		this.queue = queueFor(resolve(options.path));
		this.writes = new GroupCommit(this.db, this.tx, this.queue);
		this.beginRead = this.db.prepare('BEGIN');
		this.endRead = this.db.prepare('COMMIT');
		this.pollIntervalMs = options.pollIntervalMs ?? 100;
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
		await this.writes.flush();
		await this.queue.run(async () => this.db.close());
	}
}
