import type { DatabaseSync } from 'node:sqlite';

import { STORE_TABLES, TABLE_COLUMNS, TABLE_KEYS, storeNotEmptyError, toDataRow, type DataRow, type StoreDataPort } from '../migrate-data';
import { sqliteValue } from './sqlite-transaction';

type RunExclusive = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Export and import for the embedded store. `exclusive` is the store's transaction queue: while a
 * page is handed over (awaited), no other transaction of this process may use the connection.
 */
export function sqliteDataPort(db: DatabaseSync, exclusive: RunExclusive): StoreDataPort {
	const quote = (column: string) => `"${column}"`;
	return {
		exportData(onPage, options = {}) {
			const pageSize = options.pageSize ?? 500;
			return exclusive(async () => {
				// One read transaction: every table from the same snapshot.
				db.exec('BEGIN');
				try {
					for (const table of STORE_TABLES) {
						let page: DataRow[] = [];
						for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${TABLE_KEYS[table].map(quote).join(', ')}`).iterate()) {
							page.push(toDataRow(table, row));
							if (page.length === pageSize) {
								await onPage(table, page);
								page = [];
							}
						}
						if (page.length > 0) await onPage(table, page);
					}
					const head = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'events'`).get();
					db.exec('COMMIT');
					return { latestEventId: Number(head?.seq ?? 0) };
				} catch (error) {
					if (db.isTransaction) db.exec('ROLLBACK');
					throw error;
				}
			});
		},

		importData(fill) {
			return exclusive(async () => {
				db.exec('BEGIN IMMEDIATE');
				try {
					for (const table of STORE_TABLES) {
						if (db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get()) throw storeNotEmptyError('SQLite');
					}
					const { latestEventId } = await fill(async (table, rows) => {
						const columns = Object.keys(TABLE_COLUMNS[table]);
						const insert = db.prepare(
							`INSERT INTO ${table} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
						);
						for (const row of rows) insert.run(...columns.map((column) => sqliteValue(row[column] ?? null)));
					});
					// AUTOINCREMENT continues from sqlite_sequence: keep the source's high-water mark.
					db.prepare(`INSERT INTO sqlite_sequence (name, seq) SELECT 'events', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')`).run();
					db.prepare(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'events'`).run(latestEventId);
					db.exec('COMMIT');
				} catch (error) {
					if (db.isTransaction) db.exec('ROLLBACK');
					throw error;
				}
			});
		},
	};
}
