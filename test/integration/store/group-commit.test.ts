/**
 * Group commit on a real SQLite file: writes asked for together share one COMMIT; a failing write is
 * undone alone; nobody is answered before the COMMIT that holds their write; and when SQLite itself
 * ends the transaction, no write is reported done that is not in the file.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { GroupCommit, TransactionQueue } from '../../../core/store/sqlite/group-commit';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { runTs } from '../../support/child';

let folder: string;
let path: string;
let db: DatabaseSync;
let reader: DatabaseSync;
let commits: number;

/** The connection, with its COMMIT statement counted. */
function countingCommits(connection: DatabaseSync): DatabaseSync {
	return new Proxy(connection, {
		get(target, property) {
			if (property !== 'prepare') {
				const value = Reflect.get(target, property, target) as unknown;
				return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
			}
			return (sql: string) => {
				const statement = target.prepare(sql);
				if (sql !== 'COMMIT') return statement;
				return {
					run: () => {
						const result = statement.run();
						commits++;
						return result;
					},
				};
			};
		},
	});
}

function rows(): string[] {
	return reader
		.prepare('SELECT name FROM items ORDER BY name')
		.all()
		.map((row) => String(row.name));
}

beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'wa-group-commit-'));
	path = join(folder, 'store.sqlite');
	db = new DatabaseSync(path);
	db.exec('PRAGMA journal_mode = WAL; CREATE TABLE items (name TEXT PRIMARY KEY)');
	reader = new DatabaseSync(path);
	commits = 0;
});

afterEach(() => {
	reader.close();
	if (db.isOpen) db.close();
	rmSync(folder, { recursive: true, force: true });
});

function groupCommit(): GroupCommit<DatabaseSync> {
	return new GroupCommit(countingCommits(db), db, new TransactionQueue());
}

const insert = (name: string) => async (tx: DatabaseSync) => {
	tx.prepare('INSERT INTO items (name) VALUES (?)').run(name);
	return name;
};

describe('group commit', () => {
	it('commits the writes asked for together in one COMMIT, each answered after it', async () => {
		const writes = groupCommit();
		const seenAtAnswer: string[][] = [];
		const names = Array.from({ length: 16 }, (_, index) => `item-${String(index).padStart(2, '0')}`);
		const answered = await Promise.all(
			names.map((name) =>
				writes.write(insert(name)).then((value) => {
					seenAtAnswer.push(rows());
					return value;
				}),
			),
		);
		expect(answered).toEqual(names);
		expect(commits).toBe(1);
		// Another connection already sees every row when the first caller hears back: it was committed.
		for (const seen of seenAtAnswer) expect(seen).toEqual(names);
	});

	it('writes asked for while a commit runs go into the next one', async () => {
		const writes = groupCommit();
		const first = writes.write(async (tx) => {
			await insert('a')(tx);
			// Asked for while the first transaction is open: it cannot join a commit already under way.
			late = writes.write(insert('b'));
			return 'a';
		});
		let late: Promise<string> | undefined;
		await first;
		expect(rows()).toEqual(['a']);
		await late;
		expect(rows()).toEqual(['a', 'b']);
		expect(commits).toBe(2);
	});

	it('undoes a failing write alone; the others of its commit are kept', async () => {
		const writes = groupCommit();
		const results = await Promise.allSettled([
			writes.write(insert('a')),
			writes.write(async (tx) => {
				await insert('b')(tx);
				throw new Error('rule broken');
			}),
			writes.write(insert('c')),
		]);
		expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('rule broken'));
		expect(rows()).toEqual(['a', 'c']);
		expect(commits).toBe(1);
	});

	it('a write that breaks a constraint fails alone too', async () => {
		const writes = groupCommit();
		const results = await Promise.allSettled([writes.write(insert('a')), writes.write(insert('a')), writes.write(insert('b'))]);
		expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		expect(rows()).toEqual(['a', 'b']);
	});

	it('when SQLite ends the transaction, the writes before are failed (not in the file) and those after commit next', async () => {
		const writes = groupCommit();
		const results = await Promise.allSettled([
			writes.write(insert('a')),
			writes.write(async (tx) => {
				// What SQLite does on a disk-full or I/O error: the whole transaction is rolled back.
				tx.exec('ROLLBACK');
				throw new Error('disk I/O error');
			}),
			writes.write(insert('c')),
		]);
		expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
		expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('disk I/O error'));
		expect(rows()).toEqual(['c']);
	});

	it('a failing write alone rolls back its transaction', async () => {
		const writes = groupCommit();
		await expect(
			writes.write(async (tx) => {
				await insert('a')(tx);
				throw new Error('no');
			}),
		).rejects.toThrow('no');
		expect(db.isTransaction).toBe(false);
		expect(rows()).toEqual([]);
		await writes.write(insert('b'));
		expect(rows()).toEqual(['b']);
	});
});

describe('the store on group commit', () => {
	it('commits what was asked for before close, then closes', async () => {
		const storePath = join(folder, 'conversations.sqlite');
		const store = new SqliteConversationStore({ path: storePath });
		const optOut = store.setOptOut('106540352242922', '16505551234', true, 1_767_000_000_000);
		await store.close();
		await expect(optOut).resolves.toMatchObject({ optedOut: true });
		const reopened = new SqliteConversationStore({ path: storePath });
		await expect(reopened.getContact('106540352242922', '16505551234')).resolves.toMatchObject({ optedOut: true });
		await reopened.close();
	});
});

describe('checkpoints on a thread of their own', () => {
	it('copies the WAL into the store file without waiting for SQLite to do it inside a commit', async () => {
		const storePath = join(folder, 'checkpointed.sqlite');
		const store = new SqliteConversationStore({ path: storePath });
		// Everything so far (the schema) sits in the WAL: SQLite itself checkpoints only at 8,000 pages.
		const before = statSync(storePath).size;
		// Not for a store that has written little; the 200th commit asks for one.
		for (let index = 0; index < 199; index++) await store.setOptOut('106540352242922', `1650555${1000 + index}`, true, 1_767_000_000_000);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(statSync(storePath).size).toBe(before);
		await store.setOptOut('106540352242922', '16505559999', true, 1_767_000_000_000);
		const deadline = Date.now() + 5_000;
		while (statSync(storePath).size <= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(statSync(storePath).size).toBeGreaterThan(before);
		await store.close();
	});

	it('does not keep a process alive that left its store open', async () => {
		const output = await runTs(join(__dirname, 'left-open-worker.ts'), [join(folder, 'left-open.sqlite')]);
		expect(output).toBe('done\n');
	}, 20_000);
});
