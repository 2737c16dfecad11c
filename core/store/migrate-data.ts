import { StoreError } from '../errors';
import { toBoolean, toNumber, type Row, type RowValue } from './rows';

/**
 * Moving a store's data from one engine to another (SQLite → PostgreSQL when a deployment moves to
 * queue mode, or back). Both engines name tables and columns alike; rows travel in one neutral form,
 * and every id is kept: conversation ids (workflows store them), message order, and event ids, so
 * that subscriber cursors (event positions) mean the same events after the copy.
 */

/** In copy order: a message's conversation is copied before it. */
export const STORE_TABLES = [
	'contacts',
	'conversations',
	'messages',
	'message_statuses',
	'events',
	'subscriptions',
	'limit_reservations',
	'customer_aliases',
	'event_bursts',
	'waiting_answers',
	'message_pricing',
	'messaging_limits',
] as const;

export type StoreTable = (typeof STORE_TABLES)[number];

type ColumnKind = 'text' | 'number' | 'boolean' | 'json';

/** The columns each engine must accept and produce, with their neutral kind. */
export const TABLE_COLUMNS: Record<StoreTable, Readonly<Record<string, ColumnKind>>> = {
	contacts: {
		phone_number_id: 'text',
		customer_id: 'text',
		wa_id: 'text',
		name: 'text',
		last_inbound_at: 'number',
		opted_out: 'boolean',
		opted_out_at: 'number',
		updated_at: 'number',
	},
	conversations: {
		id: 'text',
		business_account_id: 'text',
		phone_number_id: 'text',
		display_phone_number: 'text',
		customer_id: 'text',
		customer_name: 'text',
		status: 'text',
		initiated_by: 'text',
		started_at: 'number',
		last_message_at: 'number',
		closed_at: 'number',
		close_reason: 'text',
		message_count: 'number',
		ai_enabled: 'boolean',
		input_variables: 'json',
		extracted_variables: 'json',
	},
	messages: {
		seq: 'number',
		wamid: 'text',
		conversation_id: 'text',
		direction: 'text',
		type: 'text',
		text: 'text',
		timestamp: 'number',
		status: 'text',
		status_at: 'number',
		error: 'json',
		payload: 'json',
	},
	message_statuses: { wamid: 'text', status: 'text', timestamp: 'number' },
	events: { id: 'number', type: 'text', phone_number_id: 'text', conversation_id: 'text', created_at: 'number', payload: 'json' },
	subscriptions: { subscriber_id: 'text', position: 'number', updated_at: 'number' },
	limit_reservations: { scope: 'text', customer_id: 'text', reserved_at: 'number' },
	customer_aliases: { phone_number_id: 'text', alias: 'text', customer_id: 'text', updated_at: 'number' },
	event_bursts: { subscriber_id: 'text', event_id: 'number', phone_number_id: 'text', customer_id: 'text', arrived_at: 'number' },
	waiting_answers: {
		wait_id: 'text',
		phone_number_id: 'text',
		customer_id: 'text',
		resume_url: 'text',
		created_at: 'number',
		expires_at: 'number',
		state: 'text',
		answer: 'json',
		settled_at: 'number',
		resume_after: 'number',
		attempts: 'number',
	},
	message_pricing: {
		wamid: 'text',
		phone_number_id: 'text',
		conversation_id: 'text',
		customer_id: 'text',
		category: 'text',
		pricing_model: 'text',
		pricing_type: 'text',
		billable: 'boolean',
		timestamp: 'number',
	},
	messaging_limits: { scope: 'text', tier: 'text', observed_at: 'number', reported_by: 'text', updated_at: 'number' },
};

/** Export order within a table (its primary key), so that two engines' exports compare row by row. */
export const TABLE_KEYS: Record<StoreTable, readonly string[]> = {
	contacts: ['phone_number_id', 'customer_id'],
	conversations: ['id'],
	messages: ['seq'],
	message_statuses: ['wamid', 'status'],
	events: ['id'],
	subscriptions: ['subscriber_id'],
	limit_reservations: ['scope', 'customer_id'],
	customer_aliases: ['phone_number_id', 'alias'],
	event_bursts: ['subscriber_id', 'event_id'],
	waiting_answers: ['wait_id'],
	messaging_limits: ['scope'],
	message_pricing: ['wamid'],
};

/** A row in the neutral form: epoch ms as numbers, flags as booleans, JSON as JSON text. */
export type DataRow = Record<string, RowValue>;

/** Engine row → neutral row (PostgreSQL gives BIGINT as strings and JSONB as objects, SQLite flags as 0/1). */
export function toDataRow(table: StoreTable, row: Row): DataRow {
	const result: DataRow = {};
	for (const [column, kind] of Object.entries(TABLE_COLUMNS[table])) {
		const value = row[column];
		if (value === null || value === undefined) result[column] = null;
		else if (kind === 'number') result[column] = toNumber(value);
		else if (kind === 'boolean') result[column] = toBoolean(value);
		else if (kind === 'json') result[column] = typeof value === 'string' ? value : JSON.stringify(value);
		else result[column] = String(value);
	}
	return result;
}

export type WriteRows = (table: StoreTable, rows: DataRow[]) => Promise<void>;

/** What an engine offers for copying: export from one snapshot, import into an empty store at once. */
export interface StoreDataPort {
	/**
	 * Streams every row, table by table in STORE_TABLES order, from one consistent snapshot, and
	 * returns the highest event id ever given (above the last row when old events were pruned).
	 */
	exportData(onPage: WriteRows, options?: { pageSize?: number }): Promise<{ latestEventId: number }>;
	/**
	 * Runs `fill` in one transaction on an empty store (a STORE_CONFIG_INVALID error otherwise) and rolls all of
	 * it back if `fill` throws; afterwards new ids continue above the imported ones.
	 */
	importData(fill: (write: WriteRows) => Promise<{ latestEventId: number }>): Promise<void>;
}

export interface CopyableStore {
	dataPort(): StoreDataPort;
}

export interface CopySummary {
	rows: Record<StoreTable, number>;
	latestEventId: number;
}

/**
 * Copies everything from one store into another, empty one, keeping every id. Stop the n8n
 * processes that write to the source first: rows written after the export snapshot are not copied.
 */
export async function copyStore(from: CopyableStore, to: CopyableStore, options: { pageSize?: number } = {}): Promise<CopySummary> {
	const rows = Object.fromEntries(STORE_TABLES.map((table) => [table, 0])) as Record<StoreTable, number>;
	let latestEventId = 0;
	await to.dataPort().importData(async (write) => {
		const exported = await from.dataPort().exportData(async (table, page) => {
			rows[table] += page.length;
			await write(table, page);
		}, options);
		latestEventId = exported.latestEventId;
		return exported;
	});
	return { rows, latestEventId };
}

export function storeNotEmptyError(engine: string): StoreError {
	return new StoreError(
		'STORE_CONFIG_INVALID',
		`The ${engine} conversation store to copy into already holds data`,
		'Copy into a new, empty store (for PostgreSQL a new schema); merging two stores would mix their ids.',
	);
}
