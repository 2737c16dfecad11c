import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

import { StoreError } from '../../errors';
import { SQLITE_MIGRATIONS } from './migrations';

export interface SqliteConnectionOptions {
	path: string;
	/** How long a writer waits for another process's write lock before failing. */
	busyTimeoutMs?: number;
}

/**
 * Opens the database file for several processes on one host: WAL lets readers run beside the one
 * writer, and synchronous=NORMAL keeps every commit safe from a process crash (a committed webhook
 * survives `kill -9`); only a power loss can drop the last commits, the trade that makes ingest fast.
 */
export function openSqliteDatabase(options: SqliteConnectionOptions): DatabaseSync {
	const sqlite = nodeSqlite();
	if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
	let db: DatabaseSync;
	try {
		db = new sqlite.DatabaseSync(options.path);
	} catch (error) {
		throw new StoreError(
			'STORE_UNAVAILABLE',
			`The conversation store file "${options.path}" cannot be opened`,
			'Check that the folder exists and n8n may write to it, or set another store path in the credential.',
			error,
		);
	}
	try {
		// Only reads until the file is known to be ours: journal_mode = WAL would persist in someone else's.
		db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
		identify(db, options.path);
		applySqlitePragmas(db, options.busyTimeoutMs);
		migrate(db, options.path);
	} catch (error) {
		db.close();
		throw error;
	}
	return db;
}

/**
 * node:sqlite, loaded when a SQLite store is opened rather than when the package loads: n8n 1.x also runs
 * on Node 20, which lacks it, and there the nodes must still load (a PostgreSQL store works).
 */
function nodeSqlite(): { DatabaseSync: typeof DatabaseSync } {
	const sqlite = process.getBuiltinModule?.('node:sqlite') as { DatabaseSync: typeof DatabaseSync } | undefined;
	if (sqlite === undefined) {
		throw new StoreError(
			'STORE_CONFIG_INVALID',
			`The embedded (SQLite) conversation store needs Node.js 22.22 or newer; this n8n runs on Node.js ${process.version}`,
			"Run n8n on Node.js 22.22 or newer, or set the credential's Conversation Store to PostgreSQL.",
		);
	}
	return sqlite;
}

/**
 * Marks a SQLite file as this package's store: `PRAGMA application_id` = 0x57414353 ("WACS", WhatsApp
 * Conversation Store). Set when the store is created and checked on every open, so a path that points
 * at another application's database (n8n's own database.sqlite) is refused and never migrated.
 */
export const STORE_APPLICATION_ID = 0x57414353;

/** Tables every store of this package has had since its first schema version. */
const OWN_TABLES = ['schema_version', 'conversations', 'messages', 'events', 'subscriptions'];

/**
 * Whether the file is this package's store, and marked as such; throws STORE_FILE_FOREIGN for any
 * other non-empty database (or a file that is no SQLite database at all).
 */
function identify(db: DatabaseSync, path: string): 'marked' | 'empty' | 'unmarked' {
	let applicationId: number;
	let tables: string[];
	try {
		applicationId = Number(db.prepare('PRAGMA application_id').get()?.application_id ?? 0);
		tables = db
			.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
			.all()
			.map((row) => String(row.name));
	} catch (error) {
		throw foreignFile(path, error);
	}
	if (applicationId === STORE_APPLICATION_ID) return 'marked';
	if (applicationId === 0 && tables.length === 0) return 'empty';
	// A store created before the mark existed: our tables and no other application's id.
	if (applicationId === 0 && OWN_TABLES.every((table) => tables.includes(table))) return 'unmarked';
	throw foreignFile(path);
}

function foreignFile(path: string, cause?: unknown): StoreError {
	return new StoreError(
		'STORE_FILE_FOREIGN',
		`The file "${path}" is not a WhatsApp conversation store: it holds another application's data, and it was left untouched`,
		"Set the credential's Store File Path to a file of its own (or leave it empty for the default); never to n8n's database.sqlite or another program's file.",
		cause,
	);
}

/**
 * The settings of every store connection. Exported so that the bench's bare-insert baseline runs on
 * exactly these, not on a copy that could drift.
 */
export function applySqlitePragmas(db: DatabaseSync, busyTimeoutMs = 10_000): void {
	db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
	db.exec('PRAGMA journal_mode = WAL');
	db.exec('PRAGMA synchronous = NORMAL');
	// NORMAL syncs only at checkpoints; checkpointing every ~32 MB of WAL instead of every 4 MB keeps
	// those syncs rare under a webhook burst (measured ~+30% ingest rate).
	db.exec('PRAGMA wal_autocheckpoint = 8000');
	// Group commit gives each write a SAVEPOINT, whose undo pages SQLite would otherwise spill to a
	// temporary file past 64 KiB (measured: half of the ingest's SQL time went there).
	db.exec('PRAGMA temp_store = MEMORY');
	db.exec('PRAGMA foreign_keys = ON');
}

/** Applies pending migrations; the write lock makes concurrent starters take turns. */
function migrate(db: DatabaseSync, path: string): void {
	db.exec('BEGIN IMMEDIATE');
	try {
		// Checked again under the lock: another process may have created the store meanwhile.
		if (identify(db, path) !== 'marked') db.exec(`PRAGMA application_id = ${STORE_APPLICATION_ID}`);
		db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
		const row = db.prepare('SELECT max(version) AS version FROM schema_version').get();
		const current = Number(row?.version ?? 0);
		if (current > SQLITE_MIGRATIONS.length) {
			throw new Error(`schema version ${current} is newer than this package knows (${SQLITE_MIGRATIONS.length})`);
		}
		for (let index = current; index < SQLITE_MIGRATIONS.length; index++) {
			const migration = SQLITE_MIGRATIONS[index];
			if (typeof migration === 'string') db.exec(migration);
			else migration(db);
			db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(index + 1);
		}
		db.exec('COMMIT');
	} catch (error) {
		db.exec('ROLLBACK');
		if (error instanceof StoreError) throw error;
		throw new StoreError(
			'STORE_MIGRATION_FAILED',
			'The conversation store schema could not be brought up to date',
			'Make sure the store file belongs to this package and is not from a newer version of it.',
			error,
		);
	}
}
