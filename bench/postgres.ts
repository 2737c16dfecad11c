/**
 * The PostgreSQL engine, when this checkout has it committed: loaded at run time so that the benches
 * build and run without it (then its figures read "PostgreSQL engine not available").
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import type { StoreEngine } from '../core/conversation/engine';
import type { ConversationStore } from '../core/conversation/store';
import { CommitTimedStore, type CommitTimed } from './commit-timed';

export const PG_BENCH_URL = process.env.WA_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ENGINE_FILE = 'core/store/postgres/postgres-engine.ts';
const ROOT = resolve(__dirname, '..');

interface PostgresOptions {
	connectionString: string;
	schema: string;
	poolSize?: number;
}

/** The engine's class as far as the benches use it. */
type PostgresEngineClass = new (options: PostgresOptions) => StoreEngine & { ready(): Promise<void> };

interface PgClient {
	connect(): Promise<void>;
	query(sql: string): Promise<unknown>;
	end(): Promise<void>;
}

function isCommitted(file: string): boolean {
	try {
		execFileSync('git', ['ls-files', '--error-unmatch', file], { cwd: ROOT, stdio: 'ignore' });
		return existsSync(resolve(ROOT, file));
	} catch {
		return false;
	}
}

export interface PostgresBench {
	/** A store on `schema` that notes its commit times. */
	open(schema: string): Promise<ConversationStore & CommitTimed>;
	dropSchema(schema: string): Promise<void>;
}

/** Null when the engine is not committed in this checkout or the server does not answer. */
export async function loadPostgres(): Promise<PostgresBench | null> {
	if (!isCommitted(ENGINE_FILE)) return null;
	// Imported by computed names on purpose: static imports would tie the benches to the engine and pg.
	const enginePath = resolve(ROOT, ENGINE_FILE);
	const pgName = 'pg';
	const engine = (await import(enginePath)) as { PostgresEngine: PostgresEngineClass };
	const pg = (await import(pgName)) as { Client: new (options: { connectionString: string }) => PgClient };
	const admin = async (sql: string) => {
		const client = new pg.Client({ connectionString: PG_BENCH_URL });
		await client.connect();
		try {
			await client.query(sql);
		} finally {
			await client.end();
		}
	};
	try {
		await admin('SELECT 1');
	} catch {
		return null;
	}
	return {
		open: async (schema) => {
			const store = new CommitTimedStore(new engine.PostgresEngine({ connectionString: PG_BENCH_URL, schema, poolSize: 4 }));
			await store.storage.ready();
			return store;
		},
		dropSchema: (schema) => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
	};
}
