import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

import { StoreError } from '../errors';
import type { CopyableStore, StoreDataPort } from '../store/migrate-data';
import { postgresTarget, type PostgresTarget } from '../store/postgres/connection';
import { PostgresEngine, type PostgresStoreOptions } from '../store/postgres/postgres-engine';
import { SqliteEngine, type SqliteStoreOptions } from '../store/sqlite/sqlite-engine';
import { ConversationService } from './service';
import type { ConversationStore } from './store';

export type { PostgresStoreOptions, SqliteStoreOptions };

/** A conversation store on one SQLite file (see SqliteEngine). */
export class SqliteConversationStore extends ConversationService<SqliteEngine> implements CopyableStore {
	constructor(options: SqliteStoreOptions) {
		super(new SqliteEngine(options));
	}

	dataPort(): StoreDataPort {
		return this.storage.dataPort();
	}
}

/**
 * A conversation store on PostgreSQL (see PostgresEngine). The constructor does no I/O; the schema is
 * created or migrated by the first operation, or by `ready()` for callers that want to fail early.
 */
export class PostgresConversationStore extends ConversationService<PostgresEngine> implements CopyableStore {
	constructor(options: PostgresStoreOptions) {
		super(new PostgresEngine(options));
	}

	get target(): PostgresTarget {
		return this.storage.target;
	}

	/** True while other processes' events arrive by LISTEN/NOTIFY rather than by polling. */
	get listening(): boolean {
		return this.storage.listening;
	}

	ready(): Promise<void> {
		return this.storage.ready();
	}

	dataPort(): StoreDataPort {
		return this.storage.dataPort();
	}
}

export interface SqliteStoreConfig {
	engine: 'sqlite';
	/** Database file; defaults to the n8n user folder (see `defaultSqlitePath`). */
	path?: string;
	busyTimeoutMs?: number;
	pollIntervalMs?: number;
	watchedPollIntervalMs?: number;
}

/** PostgreSQL, for n8n queue mode: every process on every host shares the store. */
export interface PostgresStoreConfig extends PostgresStoreOptions {
	engine: 'postgres';
}

export type StoreConfig = SqliteStoreConfig | PostgresStoreConfig;

/** Where n8n keeps its data: `<N8N_USER_FOLDER or home>/.n8n`. */
export function n8nDataFolder(env: NodeJS.ProcessEnv = process.env): string {
	return join(env.N8N_USER_FOLDER ?? homedir(), '.n8n');
}

/** The store file sits beside n8n's own data. */
export function defaultSqlitePath(env: NodeJS.ProcessEnv = process.env): string {
	return join(n8nDataFolder(env), 'whatsapp-conversations.sqlite');
}

export function openConversationStore(config: StoreConfig): ConversationStore {
	if (config.engine === 'sqlite') {
		return new SqliteConversationStore({
			path: config.path ? resolve(config.path) : defaultSqlitePath(),
			busyTimeoutMs: config.busyTimeoutMs,
			pollIntervalMs: config.pollIntervalMs,
			watchedPollIntervalMs: config.watchedPollIntervalMs,
		});
	}
	if (config.engine === 'postgres') {
		// No I/O here: the schema is migrated by the store's first operation (or its ready()).
		const { engine: _engine, ...options } = config;
		return new PostgresConversationStore(options);
	}
	throw new StoreError(
		'STORE_CONFIG_INVALID',
		`Unknown conversation store engine "${(config as { engine: unknown }).engine}"`,
		'Choose the embedded SQLite store or PostgreSQL in the WhatsApp credential.',
	);
}

interface SharedStore {
	key: string;
	store: ConversationStore;
	/** Acquisitions not yet released; a holder's counts as one. */
	users: number;
	/** Who keeps this store for the life of the process (see holdStore). */
	holders: Set<string>;
}

/** The process's one cache of stores, by storeKey. */
const shared = new Map<string, SharedStore>();

/** JSON with keys in a fixed order, so equal configurations give equal text. */
function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value).filter(([, field]) => field !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
		return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

/**
 * PostgreSQL stores are shared per whole configuration, password included, so a corrected credential
 * gets a new pool at once; the key is a hash, so no password sits in it. A SQLite file is one store.
 */
export function storeKey(config: StoreConfig): string {
	if (config.engine === 'postgres') {
		// Refuses a bad URL or schema name here, with the store's own error.
		postgresTarget(config);
		return `postgres:${createHash('sha256').update(canonicalJson(config)).digest('hex')}`;
	}
	return `${config.engine}:${config.path ? resolve(config.path) : defaultSqlitePath()}`;
}

/**
 * One store per database within a process, shared by every node that uses it: the webhook that
 * ingests and the triggers that read then share one connection, and a commit wakes readers at once.
 * Each `acquireStore` must be paired with a `releaseStore`; the last release closes it. After a
 * credential change, nodes still holding the old store (active triggers) keep it until they release it.
 */
export function acquireStore(config: StoreConfig): ConversationStore {
	const key = storeKey(config);
	return acquireEntry(key, config).store;
}

function acquireEntry(key: string, config: StoreConfig): SharedStore {
	let entry = shared.get(key);
	if (!entry) {
		entry = { key, store: openConversationStore(config), users: 0, holders: new Set() };
		shared.set(key, entry);
	}
	entry.users++;
	return entry;
}

/**
 * The store for `config`, kept open for the life of the process on behalf of `holder` (the webhook
 * endpoint ingests on every request, so it holds each credential's store rather than reopening it,
 * and re-checking its schema, per delivery). Asked again with another configuration (the credential
 * was edited: a corrected password, another file), the holder lets go of its former store, which
 * closes once no one else uses it either.
 */
export function holdStore(holder: string, config: StoreConfig): ConversationStore {
	const key = storeKey(config);
	const former = [...shared.values()].find((entry) => entry.holders.has(holder));
	if (former?.key === key) return former.store;
	const entry = acquireEntry(key, config);
	entry.holders.add(holder);
	if (former) {
		former.holders.delete(holder);
		void releaseStore(former.store);
	}
	return entry.store;
}

export async function releaseStore(store: ConversationStore): Promise<void> {
	for (const [key, entry] of shared) {
		if (entry.store !== store) continue;
		entry.users--;
		if (entry.users <= 0) {
			shared.delete(key);
			await store.close();
		}
		return;
	}
}
