/**
 * A store holding a large history, built fast: one conversation is ingested through the real path to
 * get exactly the rows the store writes (contact, conversation, message, its three events), then SQL
 * copies those rows a million times with the customer, ids and times changed. The schema is the
 * store's own (its migrations ran), so the measured parts afterwards run on a file the store could
 * have written itself, only faster to make.
 */
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { join } from 'node:path';

import { ingestWebhookRequest } from '../core/ingress';
import { SqliteConversationStore } from '../core/conversation/open';
import { formatBytes, formatCount, info, nowNs, secondsSince, size } from './support';
import { APP_SECRET, BENCH_EPOCH_MS, INACTIVITY_TIMEOUT_MS, textWebhook } from './webhooks';
import { storeBytes } from './ingest';

/** One customer, one conversation, one message each: a million of all three. */
export const PREFILL_CONVERSATIONS = size(1_000_000, 20_000);
/** The history spans the 30 days before the benches' own traffic. */
const SPAN_SECONDS = 30 * 24 * 3600;
const DAY_MS = 24 * 3600 * 1000;

const TEMPLATE_CUSTOMER = '19999999999';
const TEMPLATE_MS = 1_767_123_456_000;

export interface PrefilledStore {
	path: string;
	conversations: number;
}

/** The pre-filled customers: `1` and ten digits, 1-based, never a bench customer (`1650555…`). */
export function prefilledCustomer(index: number): string {
	return `1${String(index).padStart(10, '0')}`;
}

type TemplateRow = Record<string, SQLOutputValue>;

interface Templates {
	contact: TemplateRow;
	conversation: TemplateRow;
	message: TemplateRow;
	events: TemplateRow[];
}

/** Ingests and closes the template conversation through the store, then takes its rows out again. */
async function captureTemplates(path: string): Promise<Templates> {
	const store = new SqliteConversationStore({ path });
	const webhook = textWebhook(`wamid.PREFILL${TEMPLATE_CUSTOMER}`, TEMPLATE_CUSTOMER, (TEMPLATE_MS - BENCH_EPOCH_MS) / 1000, `Message from ${TEMPLATE_CUSTOMER}: does it come in another color?`);
	await ingestWebhookRequest(webhook, { store, appSecret: APP_SECRET, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, clock: () => TEMPLATE_MS });
	const [conversation] = await store.listConversations({});
	await store.closeConversation(conversation.id, { now: TEMPLATE_MS + INACTIVITY_TIMEOUT_MS, reason: 'inactivity' });
	await store.close();

	const db = new DatabaseSync(path);
	const one = (sql: string): TemplateRow => {
		const row = db.prepare(sql).get();
		if (!row) throw new Error(`template row missing: ${sql}`);
		return row;
	};
	const templates: Templates = {
		contact: one('SELECT * FROM contacts'),
		conversation: one('SELECT * FROM conversations'),
		message: one('SELECT * FROM messages'),
		events: db.prepare('SELECT * FROM events ORDER BY id').all(),
	};
	db.exec(`DELETE FROM events; DELETE FROM messages; DELETE FROM conversations; DELETE FROM contacts; DELETE FROM sqlite_sequence WHERE name = 'events';`);
	db.close();
	return templates;
}

/**
 * The template's text with its variable parts as markers, and the SQL expression that puts a
 * planned row's values back in. Markers cannot collide with digits, unlike the values they stand for.
 */
function templated(value: SQLOutputValue, conversationId: string): string {
	const text = String(value)
		.replaceAll(conversationId, '«U»')
		.replaceAll(String(TEMPLATE_MS + DAY_MS), '«E»')
		.replaceAll(String(TEMPLATE_MS + INACTIVITY_TIMEOUT_MS), '«X»')
		.replaceAll(String(TEMPLATE_MS), '«T»')
		.replaceAll(String(TEMPLATE_MS / 1000), '«S»')
		.replaceAll(TEMPLATE_CUSTOMER, '«C»');
	const quoted = `'${text.replaceAll("'", "''")}'`;
	const markers: Array<[string, string]> = [
		['«U»', 'p.uuid'],
		['«E»', `(p.t + ${DAY_MS})`],
		['«X»', `(p.t + ${INACTIVITY_TIMEOUT_MS})`],
		['«T»', 'p.t'],
		['«S»', '(p.t / 1000)'],
		['«C»', 'p.customer'],
	];
	return markers.reduce((sql, [marker, expression]) => (text.includes(marker) ? `replace(${sql}, '${marker}', ${expression})` : sql), quoted);
}

/** SELECT list for a template row: each column from the plan when it varies, else the template's value. */
function selectList(row: TemplateRow, conversationId: string, overrides: Record<string, string> = {}): { columns: string; values: string } {
	// Integer keys (messages.seq, events.id) are left to SQLite; the conversation's text id is planned.
	const columns = Object.keys(row).filter((column) => !((column === 'seq' || column === 'id') && typeof row[column] !== 'string'));
	const values = columns.map((column) => {
		if (overrides[column] !== undefined) return overrides[column];
		const value = row[column];
		if (value === null) return 'NULL';
		if (typeof value === 'number' || typeof value === 'bigint') {
			if (Number(value) === TEMPLATE_MS) return 'p.t';
			if (Number(value) === TEMPLATE_MS + INACTIVITY_TIMEOUT_MS) return `(p.t + ${INACTIVITY_TIMEOUT_MS})`;
			return String(value);
		}
		return templated(value as string, conversationId);
	});
	return { columns: columns.join(', '), values: values.join(', ') };
}

const RANDOM_UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
	|| substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

export async function buildPrefilledStore(folder: string, conversations = PREFILL_CONVERSATIONS): Promise<PrefilledStore> {
	const started = nowNs();
	const path = join(folder, 'prefilled.sqlite');
	const templates = await captureTemplates(path);
	const conversationId = String(templates.conversation.id);

	const db = new DatabaseSync(path);
	// Bulk-load settings for this connection only; the file goes back to WAL before the store opens it.
	db.exec('PRAGMA journal_mode = DELETE; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;');
	db.exec('BEGIN');
	db.exec('CREATE TEMP TABLE plan (i INTEGER PRIMARY KEY, customer TEXT NOT NULL, uuid TEXT NOT NULL, t INTEGER NOT NULL, closed INTEGER NOT NULL)');
	// Integers written into the SQL (all ours): bound JS numbers would be REALs and divide as such.
	const count = Math.floor(conversations);
	db.exec(
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
		INSERT INTO plan SELECT i, printf('1%010d', i), ${RANDOM_UUID}, ${BENCH_EPOCH_MS} - ((${count} - i + 1) * ${SPAN_SECONDS} / ${count}) * 1000, 0 FROM n`,
	);
	// Conversations idle past the timeout by the bench's start are closed, as the sweep would have left them.
	db.exec(`UPDATE plan SET closed = 1 WHERE t + ${INACTIVITY_TIMEOUT_MS} <= ${BENCH_EPOCH_MS}`);

	const insert = (table: string, row: TemplateRow, where: string, overrides: Record<string, string> = {}) => {
		const { columns, values } = selectList(row, conversationId, overrides);
		db.exec(`INSERT INTO ${table} (${columns}) SELECT ${values} FROM plan p ${where} ORDER BY p.i`);
	};
	insert('contacts', templates.contact, '');
	insert('conversations', templates.conversation, '', {
		id: 'p.uuid',
		status: `CASE WHEN p.closed THEN 'closed' ELSE 'open' END`,
		closed_at: `CASE WHEN p.closed THEN p.t + ${INACTIVITY_TIMEOUT_MS} END`,
		close_reason: `CASE WHEN p.closed THEN 'inactivity' END`,
	});
	insert('messages', templates.message, '', { conversation_id: 'p.uuid' });
	for (const event of templates.events) {
		insert('events', event, event.type === 'conversation.ended' ? 'WHERE p.closed' : '', { conversation_id: 'p.uuid' });
	}
	db.exec('DROP TABLE plan; COMMIT');
	db.exec('PRAGMA journal_mode = WAL');
	db.close();
	// The file is written with syncs off: flushed now, or the kernel would still be writing 4 GB back
	// while the ingest on it is measured, and every fsync of that ingest would queue behind it.
	const file = openSync(path, 'r+');
	fsyncSync(file);
	closeSync(file);
	info(`pre-filled store: ${formatCount(conversations)} conversations and messages, ${formatBytes(storeBytes(path))}, built in ${secondsSince(started).toFixed(1)} s`);
	return { path, conversations };
}
