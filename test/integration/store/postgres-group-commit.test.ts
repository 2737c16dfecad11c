import { Client } from 'pg';

import { ConversationService } from '../../../core/conversation/service';
import { PostgresEngine } from '../../../core/store/postgres/postgres-engine';
import { inbound, webhookOf } from '../../../tools/traffic/builders';
import { waitFor } from '../../store-conformance/conformance';
import { SchemaFixture, testStoreOptions, withAdmin } from './postgres-support';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const HOUR = 60 * 60_000;
const lifecycle = { now: T0, inactivityTimeoutMs: 30 * 60_000 };

/** Counts commits and holds each one at its last moment until the test lets it go. */
class GatedEngine extends PostgresEngine {
	commits = 0;
	readonly waiting: (() => void)[] = [];

	protected override async beforeCommit(): Promise<void> {
		await new Promise<void>((resolve) => this.waiting.push(resolve));
		this.commits++;
	}
}

/** Settles to its outcome without throwing, so a test can look at it while it is still pending. */
function track<T>(promise: Promise<T>): { settled: boolean; error?: unknown } {
	const state: { settled: boolean; error?: unknown } = { settled: false };
	promise.then(
		() => (state.settled = true),
		(error: unknown) => Object.assign(state, { settled: true, error }),
	);
	return state;
}

describe('postgres group commit', () => {
	let fixture: SchemaFixture;
	const gated: ConversationService<GatedEngine>[] = [];

	beforeEach(() => {
		fixture = new SchemaFixture('group');
	});

	afterEach(async () => {
		for (const store of gated) store.storage.waiting.splice(0).forEach((release) => release());
		await Promise.all(gated.splice(0).map((store) => store.close()));
		await fixture.dispose();
	});

	async function openGated(): Promise<ConversationService<GatedEngine>> {
		const store = new ConversationService(new GatedEngine(testStoreOptions(fixture.schema)));
		gated.push(store);
		await store.storage.ready();
		return store;
	}

	const storedMessages = () =>
		withAdmin(async (client) => Number((await client.query(`SELECT count(*) AS n FROM "${fixture.schema}".messages`)).rows[0].n));

	it('commits the writes that arrive during a commit together, each acknowledged after that commit, a failing one rolled back alone', async () => {
		const store = await openGated();
		const first = track(store.ingest(webhookOf({ messages: [inbound({ customerId: '111', timestamp: T0 })] }), lifecycle));
		await waitFor(() => store.storage.waiting.length === 1);

		// While the first transaction commits, four deliveries and one failing write arrive.
		const next = ['222', '333', '444', '555'].map((customerId) =>
			track(store.ingest(webhookOf({ messages: [inbound({ customerId, timestamp: T0 })] }), lifecycle)),
		);
		const failing = track(
			store.storage.write(async (tx) => {
				await tx.putContact({ phoneNumberId: 'pn-bad', customerId: 'bad', waId: null, name: null, lastInboundAt: T0, optedOut: false, optedOutAt: null }, T0);
				throw new Error('this delivery cannot be stored');
			}),
		);
		// They share the next transaction; it runs them now, but takes its event ids (and commits) only
		// after the first one committed.
		await waitFor(() => failing.settled);
		expect(failing.error).toEqual(new Error('this delivery cannot be stored'));
		expect([first, ...next].some((write) => write.settled)).toBe(false);
		expect(await storedMessages()).toBe(0);

		store.storage.waiting[0]();
		await waitFor(() => first.settled && store.storage.waiting.length === 2);
		expect(first.error).toBeUndefined();
		expect(next.some((write) => write.settled)).toBe(false);
		expect(await storedMessages()).toBe(1);

		store.storage.waiting[1]();
		await waitFor(() => next.every((write) => write.settled));
		expect(next.map((write) => write.error)).toEqual([undefined, undefined, undefined, undefined]);
		expect(store.storage.commits).toBe(2);
		expect(await storedMessages()).toBe(5);
		const badContacts = await withAdmin(
			async (client) => (await client.query(`SELECT 1 FROM "${fixture.schema}".contacts WHERE customer_id = 'bad'`)).rowCount,
		);
		expect(badContacts).toBe(0);
	});

	it('commits a reservation with its own statement, before the WAL flush, answering after the flush barrier; writes with events commit synchronously', async () => {
		const store = await fixture.open();
		const sent: string[] = [];
		const original = Client.prototype.query;
		const query = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
			const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown }).text;
			if (typeof text === 'string' && text.includes('COMMIT')) sent.push(text);
			return (original as (...all: unknown[]) => unknown).apply(this, args);
		} as typeof original);
		try {
			// Written as literals in that message: a quote in an id stays data.
			await store.reserveDailyLimit({ scope: "wa'ba", customerId: "r'1", tier: 'TIER_250', now: T0 });
			await store.ingest(webhookOf({ messages: [inbound({ customerId: 'r2', timestamp: T0 })] }), lifecycle);
		} finally {
			query.mockRestore();
		}
		expect(sent).toEqual([
			`SELECT previous_reserved_at, used FROM "${fixture.schema}".reserve_in_scope('wa''ba', 'r''1', ${T0}, ${T0 - 24 * HOUR}, 250); ` +
				"SET LOCAL synchronous_commit = off; COMMIT; SELECT pg_logical_emit_message(true, 'whatsapp-conversations', '')",
			'COMMIT',
		]);
		expect(await store.reserveDailyLimit({ scope: "wa'ba", customerId: "r'1", tier: 'TIER_250', now: T0 + HOUR })).toMatchObject({ counted: false, used: 1 });
	});

	it('reserves exactly when one process reserves many at once, and refuses past the tier with the reservation step committed', async () => {
		const store = await fixture.open();
		const outcomes = await Promise.allSettled(
			Array.from({ length: 40 }, (_, index) => store.reserveDailyLimit({ scope: 'busy', customerId: `c${index % 30}`, tier: 'TIER_250', now: T0 + index })),
		);
		expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
		const counted = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value.counted).length;
		expect(counted).toBe(30);
		expect(await store.dailyLimitUsage('busy', T0 + 40)).toBe(30);
		const refused = await store.reserveDailyLimit({ scope: 'small', customerId: 'x', tier: 'TIER_250', now: T0 }).then(async () => {
			for (let index = 0; index < 249; index++) await store.reserveDailyLimit({ scope: 'small', customerId: `y${index}`, tier: 'TIER_250', now: T0 });
			return Promise.allSettled([
				store.reserveDailyLimit({ scope: 'small', customerId: 'late-1', tier: 'TIER_250', now: T0 }),
				store.reserveDailyLimit({ scope: 'small', customerId: 'late-2', tier: 'TIER_250', now: T0 }),
				store.reserveDailyLimit({ scope: 'small', customerId: 'x', tier: 'TIER_250', now: T0 + 1 }),
			]);
		});
		expect(refused.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
		expect(await store.dailyLimitUsage('small', T0 + 1)).toBe(250);
	});

	it('keeps each scope\'s count of reservations equal to its rows through reserving, releasing, pruning and the migration', async () => {
		const store = await fixture.open();
		const scope = 'waba-count';
		const reservations = [];
		for (let index = 0; index < 6; index++) {
			reservations.push(await store.reserveDailyLimit({ scope, customerId: `1650555000${index}`, tier: 'TIER_250', now: T0 + index * HOUR }));
		}
		await store.releaseDailyLimit(reservations[5]);
		await store.reserveDailyLimit({ scope: 'waba-other', customerId: '16505550000', tier: 'TIER_250', now: T0 });
		// The scope's reservations made at or before T0 + 1 h are pruned; then one expires on reserving.
		await store.prune({ reservationsBefore: T0 + HOUR });
		expect(await store.reserveDailyLimit({ scope, customerId: '16505550009', tier: 'TIER_250', now: T0 + 26 * HOUR + 1 })).toMatchObject({
			counted: true,
			used: 3,
		});

		const counts = () =>
			withAdmin(async (client) =>
				(
					await client.query<{ scope: string; used: string; rows: string }>(
						`SELECT s.scope, s.used, (SELECT count(*) FROM "${fixture.schema}".limit_reservations r WHERE r.scope = s.scope) AS rows
						FROM "${fixture.schema}".limit_scopes s ORDER BY s.scope`,
					)
				).rows.map((row) => [row.scope, Number(row.used), Number(row.rows)]),
			);
		expect(await counts()).toEqual([
			[scope, 3, 3],
			['waba-other', 0, 0],
		]);

		// A store from before the counts: the migration counts what is there.
		await withAdmin(async (client) => {
			const s = `"${fixture.schema}"`;
			const current = Number((await client.query(`SELECT max(version) AS v FROM ${s}.schema_version`)).rows[0].v);
			await client.query(`DROP FUNCTION ${s}.reserve_in_scope; DROP FUNCTION ${s}.count_limit_reservations CASCADE;
				DROP FUNCTION ${s}.keep_reservation_scope CASCADE; ALTER TABLE ${s}.limit_scopes DROP COLUMN used;
				DELETE FROM ${s}.limit_scopes; DELETE FROM ${s}.schema_version WHERE version = ${current}`);
		});
		const migrated = await fixture.open();
		expect(await counts()).toEqual([[scope, 3, 3]]);
		expect(await migrated.reserveDailyLimit({ scope, customerId: '16505550010', tier: 'TIER_250', now: T0 + 26 * HOUR + 2 })).toMatchObject({ used: 4 });
	});
});
