import { Client } from 'pg';

import { PostgresConversationStore, type PostgresStoreOptions } from '../../../core/conversation/open';

/**
 * The real PostgreSQL the store tests run against (CI: 127.0.0.1:5432, database `test`, trust auth).
 * Every test works in a schema of its own, so parallel test files and runs never collide.
 */
export const PG_TEST_URL = process.env.WA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let counter = 0;

export function freshSchemaName(label = 't'): string {
	counter++;
	return `wa_test_${label}_${process.pid}_${counter}_${Date.now().toString(36)}`;
}

export function testStoreOptions(schema: string, overrides: Partial<PostgresStoreOptions> = {}): PostgresStoreOptions {
	return { connectionString: PG_TEST_URL, schema, poolSize: 4, pollIntervalMs: 50, ...overrides };
}

/** Runs SQL on a connection of its own (schema setup and checks behind the store's back). */
export async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
	const client = new Client({ connectionString: PG_TEST_URL });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

export async function dropSchema(schema: string): Promise<void> {
	await withAdmin((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** Opens stores on one fresh schema and drops it afterwards. */
export class SchemaFixture {
	readonly schema: string;
	private readonly opened: PostgresConversationStore[] = [];

	constructor(label?: string) {
		this.schema = freshSchemaName(label);
	}

	async open(overrides: Partial<PostgresStoreOptions> = {}): Promise<PostgresConversationStore> {
		const store = new PostgresConversationStore(testStoreOptions(this.schema, overrides));
		this.opened.push(store);
		await store.ready();
		return store;
	}

	async dispose(): Promise<void> {
		await Promise.all(this.opened.map((store) => store.close()));
		await dropSchema(this.schema);
	}
}
