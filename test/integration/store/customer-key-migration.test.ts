import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { postgresMigrations } from '../../../core/store/postgres/migrations';
import { SQLITE_MIGRATIONS } from '../../../core/store/sqlite/migrations';
import { SqliteConversationStore } from '../../../core/conversation/open';
import type { ConversationStore } from '../../../core/conversation/store';
import { SchemaFixture, withAdmin } from './postgres-support';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const P = '106540352242922';
const SCOPE = '102290129340398';
const LEGACY = '551191234567';
const KEY = '5511991234567';

type Exec = (sql: string, params?: ReadonlyArray<string | number | boolean | null>) => Promise<void>;

/**
 * A store written before customer keys: one Brazilian customer under the legacy wa_id Meta reported
 * (their message, STOP and an old conversation) and under the modern number the flow sent to (a
 * reply that opened a second conversation, a limit unit), plus customers that need no change.
 */
async function seedVersionOne(exec: Exec): Promise<void> {
	const contact = `INSERT INTO contacts (phone_number_id, customer_id, wa_id, name, last_inbound_at, opted_out, opted_out_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
	await exec(contact, [P, LEGACY, LEGACY, 'Ana', T0, true, T0 - HOUR, T0]);
	await exec(contact, [P, KEY, KEY, null, null, false, null, T0 - 2 * HOUR]);
	await exec(contact, [P, '5215512345678', '5215512345678', 'Luis', T0, false, null, T0]);
	await exec(contact, [P, '16505551234', '16505551234', 'Sheena', T0, false, null, T0]);
	await exec(contact, [P, 'US.13491208655302741918', null, 'Kai', T0, false, null, T0]);

	const conversation = `INSERT INTO conversations (id, business_account_id, phone_number_id, display_phone_number, customer_id, customer_name, status,
		initiated_by, started_at, last_message_at, closed_at, close_reason, message_count, ai_enabled, input_variables, extracted_variables)
		VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')`;
	await exec(conversation, ['conv-old', SCOPE, P, LEGACY, 'Ana', 'closed', 'customer', T0 - 48 * HOUR, T0 - 47 * HOUR, T0 - 46 * HOUR, 'inactivity', 1, true, '{}']);
	await exec(conversation, ['conv-customer', SCOPE, P, LEGACY, 'Ana', 'open', 'customer', T0, T0, null, null, 1, true, '{"order":"A-1"}']);
	await exec(conversation, ['conv-reply', SCOPE, P, KEY, null, 'open', 'business', T0 + MINUTE, T0 + MINUTE, null, null, 1, true, '{"agent":"bot"}']);
	await exec(conversation, ['conv-other', SCOPE, P, '16505551234', 'Sheena', 'open', 'customer', T0, T0, null, null, 1, true, '{}']);

	const message = `INSERT INTO messages (wamid, conversation_id, direction, type, text, timestamp, status, status_at, error, payload) VALUES (?, ?, ?, 'text', ?, ?, NULL, NULL, NULL, '{}')`;
	await exec(message, ['wamid.old', 'conv-old', 'inbound', 'Oi', T0 - 48 * HOUR]);
	await exec(message, ['wamid.in', 'conv-customer', 'inbound', 'Vocês entregam amanhã?', T0]);
	await exec(message, ['wamid.out', 'conv-reply', 'outbound', 'Sim, até as 18h.', T0 + MINUTE]);
	await exec(message, ['wamid.other', 'conv-other', 'inbound', 'Hello', T0]);

	const reservation = 'INSERT INTO limit_reservations (scope, customer_id, reserved_at) VALUES (?, ?, ?)';
	await exec(reservation, [SCOPE, LEGACY, T0 - 2 * HOUR]);
	await exec(reservation, [SCOPE, KEY, T0 - 3 * HOUR]);
	await exec(reservation, [SCOPE, '16505551234', T0]);
}

async function expectMigrated(store: ConversationStore, rawIds: () => Promise<string[]>): Promise<void> {
	expect(await store.getContact(P, '+55 11 99123-4567')).toEqual({
		phoneNumberId: P,
		customerId: KEY,
		waId: LEGACY,
		name: 'Ana',
		lastInboundAt: T0,
		optedOut: true,
		optedOutAt: T0 - HOUR,
	});
	expect(await store.getWindow(P, KEY, T0 + HOUR)).toMatchObject({ open: true, lastInboundAt: T0 });

	const open = await store.listConversations({ status: 'open', customerId: KEY });
	expect(open).toHaveLength(1);
	expect(open[0]).toMatchObject({ id: 'conv-customer', customerId: KEY, messageCount: 2, lastMessageAt: T0 + MINUTE, inputVariables: { order: 'A-1', agent: 'bot' } });
	expect((await store.getTranscript('conv-customer')).map((message) => message.text)).toEqual(['Vocês entregam amanhã?', 'Sim, até as 18h.']);
	expect(await store.getConversation('conv-reply')).toMatchObject({ status: 'closed', closeReason: 'merged', messageCount: 0, customerId: KEY });
	expect(await store.getConversation('conv-old')).toMatchObject({ status: 'closed', closeReason: 'inactivity', customerId: KEY });

	// The latest reservation of the customer stands, once.
	expect(await store.dailyLimitUsage(SCOPE, T0)).toBe(2);
	expect(await store.reserveDailyLimit({ scope: SCOPE, customerId: KEY, tier: 'TIER_250', now: T0 + HOUR })).toMatchObject({
		counted: false,
		previousReservedAt: T0 - 2 * HOUR,
	});

	// Customers already under their key are untouched; the Mexican legacy form moved to its key.
	expect(await store.getContact(P, '525512345678')).toMatchObject({ customerId: '525512345678', waId: '5215512345678', name: 'Luis' });
	expect(await store.findOpenConversation(P, '16505551234')).toMatchObject({ id: 'conv-other', messageCount: 1 });
	expect(await store.getContact(P, 'US.13491208655302741918')).toMatchObject({ name: 'Kai' });
	expect((await rawIds()).sort()).toEqual(['16505551234', '525512345678', KEY, 'US.13491208655302741918'].sort());
}

const DISTINCT_IDS = `SELECT customer_id FROM contacts UNION SELECT customer_id FROM conversations UNION SELECT customer_id FROM limit_reservations`;

describe('the customer-key migration', () => {
	it('re-keys and merges a legacy customer in a SQLite store written before customer keys', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'wa-rekey-'));
		const path = join(folder, 'store.sqlite');
		try {
			const old = new DatabaseSync(path);
			old.exec(SQLITE_MIGRATIONS[0] as string);
			old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version (version) VALUES (1)');
			await seedVersionOne(async (sql, params = []) => void old.prepare(sql).run(...params.map((value) => (typeof value === 'boolean' ? Number(value) : value))));
			old.close();

			const store = new SqliteConversationStore({ path });
			try {
				const check = new DatabaseSync(path, { readOnly: true });
				await expectMigrated(store, async () => check.prepare(DISTINCT_IDS).all().map((row) => String(row.customer_id)));
				check.close();
			} finally {
				await store.close();
			}
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('re-keys every legacy customer of a store larger than a page of the migration', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'wa-rekey-'));
		const path = join(folder, 'store.sqlite');
		const count = 2_500;
		try {
			const old = new DatabaseSync(path);
			old.exec(SQLITE_MIGRATIONS[0] as string);
			old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version (version) VALUES (1)');
			const insert = old.prepare(
				'INSERT INTO contacts (phone_number_id, customer_id, wa_id, name, last_inbound_at, opted_out, opted_out_at, updated_at) VALUES (?, ?, ?, NULL, ?, 0, NULL, ?)',
			);
			old.exec('BEGIN');
			for (let index = 0; index < count; index++) {
				const legacy = `551191${String(index).padStart(6, '0')}`;
				insert.run(P, legacy, legacy, T0, T0);
				insert.run(P, `1650555${String(index).padStart(4, '0')}`, null, T0, T0);
			}
			old.exec('COMMIT');
			old.close();

			const store = new SqliteConversationStore({ path });
			try {
				expect(await store.getContact(P, '+55 11 99100-2499')).toMatchObject({ customerId: '5511991002499', waId: '551191002499' });
				const check = new DatabaseSync(path, { readOnly: true });
				const rows = check.prepare(`SELECT count(*) AS n, sum(customer_id LIKE '5511991%') AS rekeyed FROM contacts`).get();
				check.close();
				expect(rows).toEqual({ n: 2 * count, rekeyed: count });
			} finally {
				await store.close();
			}
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('does the same in a PostgreSQL schema written before customer keys', async () => {
		const fixture = new SchemaFixture('rekey');
		const s = `"${fixture.schema}"`;
		try {
			await withAdmin(async (client) => {
				await client.query(`CREATE SCHEMA ${s}`);
				await client.query(postgresMigrations(s)[0] as string);
				await client.query(`CREATE TABLE ${s}.schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`);
				await client.query(`INSERT INTO ${s}.schema_version (version, applied_at) VALUES (1, 0)`);
				await client.query(`SET search_path TO ${s}`);
				await seedVersionOne(async (sql, params = []) => {
					let index = 0;
					await client.query(sql.replace(/\?/g, () => `$${++index}`), [...params]);
				});
			});
			const store = await fixture.open();
			await expectMigrated(store, () =>
				withAdmin(async (client) => {
					await client.query(`SET search_path TO ${s}`);
					return (await client.query<{ customer_id: string }>(DISTINCT_IDS)).rows.map((row) => row.customer_id);
				}),
			);
		} finally {
			await fixture.dispose();
		}
	});
});
