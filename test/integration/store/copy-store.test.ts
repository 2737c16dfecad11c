import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { STORE_TABLES, TABLE_COLUMNS, copyStore, type CopyableStore, type DataRow, type StoreTable } from '../../../core/store/migrate-data';
import { SqliteConversationStore } from '../../../core/conversation/open';
import type { ConversationStore } from '../../../core/conversation/store';
import { BUSINESS, inbound, status, webhookOf } from '../../../tools/traffic/builders';
import { lastJsonLine, runTs } from '../../support/child';
import { PG_TEST_URL, SchemaFixture } from './postgres-support';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const TIMEOUT = 30 * MINUTE;
const at = (minutes: number) => ({ now: T0 + minutes * MINUTE, inactivityTimeoutMs: TIMEOUT });

type Tables = Record<StoreTable, DataRow[]>;

/** Both engines' rows, JSON compared by value (JSONB orders keys its own way). */
async function exportTables(store: CopyableStore): Promise<Tables> {
	const tables = Object.fromEntries(STORE_TABLES.map((table) => [table, []])) as unknown as Tables;
	await store.dataPort().exportData(async (table, rows) => {
		for (const row of rows) {
			const normalized: DataRow = { ...row };
			for (const [column, kind] of Object.entries(TABLE_COLUMNS[table])) {
				if (kind === 'json' && typeof row[column] === 'string') normalized[column] = JSON.stringify(JSON.parse(row[column] as string), Object.keys(JSON.parse(row[column] as string)).sort());
			}
			tables[table].push(normalized);
		}
	}, { pageSize: 7 });
	return tables;
}

/** A store that has seen a bit of everything, with old events pruned so ids have a gap. */
async function populate(store: ConversationStore): Promise<void> {
	await store.subscribe('early', 'beginning');
	await store.ingest(webhookOf({ messages: [inbound({ customerId: '111', timestamp: T0, text: 'hello' })] }), at(0));
	await store.acknowledge('early', (await store.readEvents('early')).position);
	expect(await store.pruneEvents(T0 + 1)).toBe(2);

	await store.subscribe('trigger-a', 'now');
	await store.recordOutbound({ ...BUSINESS, wamid: 'wamid.out-1', customerId: '111', type: 'text', text: 'hi there', payload: { kind: 'reply' }, timestamp: T0 + MINUTE }, at(1));
	await store.ingest(
		webhookOf({
			messages: [inbound({ customerId: '222', timestamp: T0 + 2 * MINUTE, text: 'STOP' }), inbound({ customerId: '333', timestamp: T0 + 2 * MINUTE, text: 'price?' })],
			statuses: [
				status('wamid.out-1', 'delivered', { recipientId: '111', pricing: { billable: false, category: 'service', pricingModel: 'PMP', type: 'free_customer_service' } }),
				status('wamid.out-1', 'read'),
			],
		}),
		at(2),
	);
	const [withVariables] = await store.listConversations({ customerId: '333' });
	await store.mergeConversationVariables(withVariables.id, { input: { plan: 'pro', zone: 'EU' }, extracted: { intent: 'price' } });
	await store.setAiEnabled(withVariables.id, false);
	await store.closeConversation((await store.listConversations({ customerId: '222' }))[0].id, { now: T0 + 3 * MINUTE });
	await store.setOptOut(BUSINESS.phoneNumberId, '444', true, T0 + 3 * MINUTE);
	for (const customerId of ['r1', 'r2', 'r3']) await store.reserveDailyLimit({ scope: 'portfolio', customerId, tier: 'TIER_250', now: T0 });
	await store.releaseDailyLimit(await store.reserveDailyLimit({ scope: 'portfolio', customerId: 'r4', tier: 'TIER_250', now: T0 }));
	await store.sweepIdleConversations({ now: T0 + 2 * MINUTE + TIMEOUT, inactivityTimeoutMs: TIMEOUT, phoneNumberId: BUSINESS.phoneNumberId, batchSize: 1 });
	// trigger-a has handled part of the log; early is far behind.
	const partial = await store.readEvents('trigger-a', { limit: 3 });
	await store.acknowledge('trigger-a', partial.position);
}

describe('copying a SQLite store into PostgreSQL', () => {
	let folder: string;
	let fixture: SchemaFixture;
	const sqliteStores: SqliteConversationStore[] = [];

	function openSqlite(name: string): SqliteConversationStore {
		const store = new SqliteConversationStore({ path: join(folder, name) });
		sqliteStores.push(store);
		return store;
	}

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-copy-'));
		fixture = new SchemaFixture('copy');
	});

	afterEach(async () => {
		await Promise.all(sqliteStores.splice(0).map((store) => store.close()));
		await fixture.dispose();
		rmSync(folder, { recursive: true, force: true });
	});

	it('copies every row with its ids, so cursors, transcripts and new ids carry on unchanged', async () => {
		const source = openSqlite('source.sqlite');
		await populate(source);
		const target = await fixture.open();

		const summary = await copyStore(source, target, { pageSize: 4 });
		const copied = await exportTables(target);
		expect(copied).toEqual(await exportTables(source));
		expect(summary.rows).toEqual(Object.fromEntries(STORE_TABLES.map((table) => [table, copied[table].length])));
		expect(copied.events[0].id).toBe(3);
		expect(summary.latestEventId).toBeGreaterThan(3);

		// Through the interface, both stores now answer alike.
		expect(await target.readEvents('trigger-a')).toEqual(await source.readEvents('trigger-a'));
		expect(await target.readEvents('early')).toEqual(await source.readEvents('early'));
		expect(await target.listConversations({})).toEqual(await source.listConversations({}));
		for (const conversation of await source.listConversations({})) {
			expect(await target.getTranscript(conversation.id)).toEqual(await source.getTranscript(conversation.id));
		}
		expect(await target.getContact(BUSINESS.phoneNumberId, '222')).toEqual(await source.getContact(BUSINESS.phoneNumberId, '222'));
		expect(await target.dailyLimitUsage('portfolio', T0)).toBe(3);
		const usage = { from: T0, to: T0 + 60 * MINUTE };
		expect(await target.usageCounts(usage)).toEqual(await source.usageCounts(usage));
		expect(await target.usageCounts(usage)).toEqual([expect.objectContaining({ customerId: '111', category: 'service', billable: false, messages: 1 })]);

		// The same next delivery gets the same event ids and joins the same conversation in both.
		const next = webhookOf({ messages: [inbound({ wamid: 'wamid.after-copy', customerId: '333', timestamp: T0 + 4 * MINUTE, text: 'still there?' })] });
		await source.ingest(next, at(4));
		await target.ingest(next, at(4));
		await source.subscribe('after', { after: summary.latestEventId });
		await target.subscribe('after', { after: summary.latestEventId });
		const [fromSource, fromTarget] = [await source.readEvents('after'), await target.readEvents('after')];
		expect(fromTarget.events.map((event) => event.id)).toEqual(fromSource.events.map((event) => event.id));
		expect(fromTarget.events[0].id).toBe(summary.latestEventId + 1);
		const [conversation] = await target.listConversations({ customerId: '333' });
		expect((await target.getTranscript(conversation.id)).map((message) => message.text)).toEqual((await source.getTranscript(conversation.id)).map((message) => message.text));

		// And back: PostgreSQL → a new SQLite file gives the same rows again.
		const back = openSqlite('back.sqlite');
		await copyStore(target, back);
		expect(await exportTables(back)).toEqual(await exportTables(target));
	});

	it('keeps the event high-water mark when every event was pruned', async () => {
		const source = openSqlite('pruned.sqlite');
		await source.subscribe('only', 'beginning');
		await source.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), at(0));
		await source.acknowledge('only', (await source.readEvents('only')).position);
		expect(await source.pruneEvents(T0 + 1)).toBe(2);
		const target = await fixture.open();
		expect((await copyStore(source, target)).latestEventId).toBe(2);
		await target.ingest(webhookOf({ messages: [inbound({ timestamp: T0 + MINUTE })] }), at(1));
		// The conversation continues (one event), numbered after the pruned ones.
		expect((await target.readEvents('only')).events.map((event) => [event.id, event.type])).toEqual([[3, 'message.received']]);
	});

	it('refuses a destination that already holds data, and changes nothing there', async () => {
		const source = openSqlite('source.sqlite');
		await populate(source);
		const target = await fixture.open();
		await target.subscribe('existing', 'now');
		await expect(copyStore(source, target)).rejects.toMatchObject({ code: 'STORE_CONFIG_INVALID' });
		expect(await target.listConversations({})).toEqual([]);
	});

	it('copies from the command line', async () => {
		const path = join(folder, 'cli.sqlite');
		const source = openSqlite('cli.sqlite');
		await populate(source);
		await source.close();
		const output = await runTs(resolve(__dirname, '../../../scripts/copy-store.ts'), ['--from', `sqlite:${path}`, '--to', PG_TEST_URL, '--to-schema', fixture.schema]);
		const summary = lastJsonLine<{ rows: Record<StoreTable, number>; latestEventId: number }>(output);
		expect(summary.rows.messages).toBe(4);
		const target = await fixture.open();
		expect(await exportTables(target)).toEqual(await exportTables(openSqlite('cli.sqlite')));
		await expect(runTs(resolve(__dirname, '../../../scripts/copy-store.ts'), ['--from', `sqlite:${join(folder, 'missing.sqlite')}`, '--to', PG_TEST_URL])).rejects.toThrow(
			/There is no SQLite store/,
		);
	});
});
