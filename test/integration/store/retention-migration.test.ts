import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import type { PoolClient } from 'pg';

import { postgresMigrations } from '../../../core/store/postgres/migrations';
import { SQLITE_MIGRATIONS } from '../../../core/store/sqlite/migrations';
import { SqliteConversationStore } from '../../../core/conversation/open';
import type { ConversationStore } from '../../../core/conversation/store';
import { BUSINESS } from '../../../tools/traffic/builders';
import { SchemaFixture, withAdmin } from './postgres-support';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2025, 0, 1);
const isRetentionMigration = (migration: unknown) => typeof migration === 'string' && migration.includes('messages_timestamp');

/** Rows as a store written before the retention migration holds them (the message row still has `raw`). */
const OLD_ROWS = [
	`INSERT INTO {s}conversations (id, phone_number_id, customer_id, status, initiated_by, started_at, last_message_at, closed_at, close_reason, message_count)
	VALUES ('c-old', '${BUSINESS.phoneNumberId}', '16505551234', 'closed', 'customer', ${T0}, ${T0}, ${T0 + 3_600_000}, 'inactivity', 1)`,
	`INSERT INTO {s}messages (wamid, conversation_id, direction, type, text, timestamp, payload)
	VALUES ('wamid.old', 'c-old', 'inbound', 'text', 'Hello', ${T0}, '{"wamid":"wamid.old","raw":{"id":"wamid.old"}}')`,
	`INSERT INTO {s}message_statuses (wamid, status, timestamp) VALUES ('wamid.out-old', 'read', ${T0})`,
	`INSERT INTO {s}contacts (phone_number_id, customer_id, last_inbound_at, opted_out, opted_out_at, updated_at)
	VALUES ('${BUSINESS.phoneNumberId}', '16505551234', ${T0}, {true}, ${T0}, ${T0})`,
];

/** After the migration the old rows are pruned like new ones, and the contact's opt-out stays. */
async function expectPrunable(store: ConversationStore): Promise<void> {
	const result = await store.prune({ messagesBefore: T0 + 90 * DAY, statusReceiptsBefore: T0 + 90 * DAY, pauseMs: 0 });
	expect(result).toMatchObject({ messages: 1, conversations: 1, statusReceipts: 1 });
	expect(await store.getConversation('c-old')).toBeNull();
	expect(await store.getContact(BUSINESS.phoneNumberId, '16505551234')).toMatchObject({ optedOut: true });
}

describe('retention migration on a store that already holds data', () => {
	it('SQLite: adds the indexes pruning uses, and the old rows prune', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'wa-retention-migration-'));
		const path = join(folder, 'store.sqlite');
		try {
			const before = SQLITE_MIGRATIONS.findIndex(isRetentionMigration);
			expect(before).toBeGreaterThan(0);
			const db = new DatabaseSync(path);
			db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
			for (let index = 0; index < before; index++) {
				const migration = SQLITE_MIGRATIONS[index];
				if (typeof migration === 'string') db.exec(migration);
				else migration(db);
				db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(index + 1);
			}
			for (const sql of OLD_ROWS) db.exec(sql.replace(/\{s\}/g, '').replace('{true}', '1'));
			db.close();

			const store = new SqliteConversationStore({ path });
			try {
				await expectPrunable(store);
			} finally {
				await store.close();
			}
			const check = new DatabaseSync(path, { readOnly: true });
			const indexes = check.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_timestamp'`).all();
			check.close();
			expect(indexes.map((row) => row.name).sort()).toEqual(['message_pricing_timestamp', 'message_statuses_timestamp', 'messages_timestamp']);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('PostgreSQL: adds the indexes pruning uses, and the old rows prune', async () => {
		const fixture = new SchemaFixture('retmig');
		const s = `"${fixture.schema}"`;
		const migrations = postgresMigrations(s);
		const before = migrations.findIndex(isRetentionMigration);
		expect(before).toBeGreaterThan(0);
		try {
			await withAdmin(async (client) => {
				await client.query(`CREATE SCHEMA ${s}`);
				await client.query(`CREATE TABLE ${s}.schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`);
				for (let index = 0; index < before; index++) {
					const migration = migrations[index];
					if (typeof migration === 'string') await client.query(migration);
					else await migration(client as unknown as PoolClient);
					await client.query(`INSERT INTO ${s}.schema_version (version, applied_at) VALUES ($1, $2)`, [index + 1, T0]);
				}
				for (const sql of OLD_ROWS) await client.query(sql.replace(/\{s\}/g, `${s}.`).replace('{true}', 'true'));
			});
			await expectPrunable(await fixture.open());
			const indexes = await withAdmin((client) =>
				client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE '%_timestamp' ORDER BY indexname`, [
					fixture.schema,
				]),
			);
			expect(indexes.rows.map((row) => row.indexname)).toEqual(['message_pricing_timestamp', 'message_statuses_timestamp', 'messages_timestamp']);
		} finally {
			await fixture.dispose();
		}
	});
});
