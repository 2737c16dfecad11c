import type { PoolClient } from 'pg';

import { STORE_TABLES, TABLE_COLUMNS, TABLE_KEYS, storeNotEmptyError, toDataRow, type DataRow, type StoreDataPort, type StoreTable } from '../migrate-data';
import type { Row } from '../rows';
import { quoteIdent } from './connection';
import type { PostgresSchema } from './postgres-transaction';

/** Columns stored as JSONB (the rest of the JSON columns are TEXT holding JSON, see migrations). */
const JSONB_COLUMNS = new Set(['input_variables', 'extracted_variables', 'error']);

type WithClient = <T>(work: (client: PoolClient) => Promise<T>) => Promise<T>;

function orderBy(table: StoreTable): string {
	// Bytewise for text keys, as SQLite orders them, so both engines export rows in the same order.
	return TABLE_KEYS[table]
		.map((column) => (TABLE_COLUMNS[table][column] === 'text' ? `${quoteIdent(column)} COLLATE "C"` : quoteIdent(column)))
		.join(', ');
}

/** Neutral row → what json_populate_recordset turns into the table's row type. */
function toRecord(row: DataRow): Record<string, unknown> {
	const record: Record<string, unknown> = {};
	for (const [column, value] of Object.entries(row)) {
		record[column] = JSONB_COLUMNS.has(column) && typeof value === 'string' ? JSON.parse(value) : value;
	}
	return record;
}

export function postgresDataPort(schema: PostgresSchema, withClient: WithClient): StoreDataPort {
	const { s } = schema;
	return {
		exportData(onPage, options = {}) {
			const pageSize = options.pageSize ?? 500;
			return withClient(async (client) => {
				await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
				for (const table of STORE_TABLES) {
					await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR SELECT * FROM ${s}.${table} ORDER BY ${orderBy(table)}`);
					for (;;) {
						const page = await client.query<Row>(`FETCH FORWARD ${pageSize} FROM export_rows`);
						if (page.rows.length > 0) await onPage(table, page.rows.map((row) => toDataRow(table, row)));
						if (page.rows.length < pageSize) break;
					}
					await client.query('CLOSE export_rows');
				}
				const head = await client.query<Row>(`SELECT id FROM ${s}.event_head`);
				await client.query('COMMIT');
				return { latestEventId: Number(head.rows[0]?.id ?? 0) };
			});
		},

		importData(fill) {
			return withClient(async (client) => {
				await client.query('BEGIN');
				// Holding the head row keeps any process from appending events in the middle of the import.
				await client.query(`SELECT id FROM ${s}.event_head FOR UPDATE`);
				for (const table of STORE_TABLES) {
					const found = await client.query(`SELECT 1 FROM ${s}.${table} LIMIT 1`);
					if ((found.rowCount ?? 0) > 0) throw storeNotEmptyError('PostgreSQL');
				}
				const { latestEventId } = await fill(async (table, rows) => {
					if (rows.length === 0) return;
					const columns = Object.keys(TABLE_COLUMNS[table]).map(quoteIdent).join(', ');
					await client.query(
						`INSERT INTO ${s}.${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${s}.${table}, $1::json)`,
						[JSON.stringify(rows.map(toRecord))],
					);
				});
				// New messages and events continue above the copied ones; the head never goes back.
				await client.query(
					`SELECT setval(pg_get_serial_sequence('${s}.messages', 'seq'), coalesce(max(seq), 1), max(seq) IS NOT NULL) FROM ${s}.messages`,
				);
				await client.query(`UPDATE ${s}.event_head SET id = GREATEST(id, $1, (SELECT coalesce(max(id), 0) FROM ${s}.events))`, [
					latestEventId,
				]);
				await client.query('COMMIT');
			});
		},
	};
}
