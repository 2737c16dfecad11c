// The embedded store opens only its own files: a new store is marked with its application id, a store
// from before the mark is adopted, and any other database (n8n's own database.sqlite, say) is refused
// and left exactly as it was.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { StoreError } from '../../../core/errors';
import { STORE_APPLICATION_ID } from '../../../core/store/sqlite/connection';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { inbound, webhookOf } from '../../../tools/traffic/builders';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = { now: T0, inactivityTimeoutMs: 30 * 60_000 };

let folder: string;
beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'wa-identity-'));
});
afterEach(() => {
	rmSync(folder, { recursive: true, force: true });
});

function inspect(path: string): { applicationId: number; tables: string[]; journalMode: string } {
	const db = new DatabaseSync(path);
	try {
		return {
			applicationId: Number(db.prepare('PRAGMA application_id').get()?.application_id),
			tables: db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((row) => String(row.name)),
			journalMode: String(db.prepare('PRAGMA journal_mode').get()?.journal_mode),
		};
	} finally {
		db.close();
	}
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function refusal(path: string): StoreError {
	try {
		new SqliteConversationStore({ path });
	} catch (error) {
		if (error instanceof StoreError) return error;
		throw error;
	}
	throw new Error('the store opened');
}

describe('the SQLite store and files that are not its own', () => {
	it('marks a new store with its application id', async () => {
		const path = join(folder, 'store.sqlite');
		const store = new SqliteConversationStore({ path });
		await store.close();
		expect(STORE_APPLICATION_ID).toBe(0x57414353);
		expect(inspect(path).applicationId).toBe(STORE_APPLICATION_ID);
	});

	it("refuses a database holding another application's tables, and neither migrates nor changes it", () => {
		// Shaped like n8n's own database.sqlite: its tables, its data, the default rollback journal.
		const path = join(folder, 'database.sqlite');
		const n8n = new DatabaseSync(path);
		n8n.exec('CREATE TABLE workflow_entity (id TEXT PRIMARY KEY, name TEXT); CREATE TABLE credentials_entity (id TEXT PRIMARY KEY, data TEXT)');
		n8n.exec("INSERT INTO workflow_entity VALUES ('1', 'My workflow')");
		n8n.close();
		const before = digest(path);

		const error = refusal(path);
		expect(error).toMatchObject({ code: 'STORE_FILE_FOREIGN', retryable: false });
		expect(error.message).toContain(path);
		expect(error.hint).toMatch(/Store File Path/);
		expect(digest(path)).toBe(before);
		expect(inspect(path)).toEqual({ applicationId: 0, tables: ['credentials_entity', 'workflow_entity'], journalMode: 'delete' });
	});

	it('refuses a database marked by another application, even when it is empty', () => {
		const path = join(folder, 'other.sqlite');
		const other = new DatabaseSync(path);
		other.exec('PRAGMA application_id = 1234');
		other.close();
		expect(refusal(path).code).toBe('STORE_FILE_FOREIGN');
		expect(inspect(path)).toMatchObject({ applicationId: 1234, tables: [] });
	});

	it('refuses a file that is no SQLite database at all, and leaves it as it was', () => {
		const path = join(folder, 'notes.txt');
		writeFileSync(path, 'not a database, but someone needs this text\n'.repeat(100));
		const before = digest(path);
		expect(refusal(path).code).toBe('STORE_FILE_FOREIGN');
		expect(digest(path)).toBe(before);
	});

	it('adopts a store created before the mark existed, with its data', async () => {
		const path = join(folder, 'store.sqlite');
		const old = new SqliteConversationStore({ path });
		await old.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle);
		await old.close();
		// What a store written by an earlier version of the package looks like: no application id.
		const raw = new DatabaseSync(path);
		raw.exec('PRAGMA application_id = 0');
		raw.close();

		const reopened = new SqliteConversationStore({ path });
		expect(await reopened.listConversations({})).toHaveLength(1);
		await reopened.close();
		expect(inspect(path).applicationId).toBe(STORE_APPLICATION_ID);
	});
});
