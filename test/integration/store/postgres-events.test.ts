import { StoreError } from '../../../core/errors';
import { EventSubscriber, type EventSubscriberOptions } from '../../../core/events/subscriber';
import type { StoreEvent } from '../../../core/events/types';
import { acquireStore, openConversationStore, PostgresConversationStore, releaseStore, storeKey } from '../../../core/conversation/open';
import { ConversationService } from '../../../core/conversation/service';
import { postgresMigrations } from '../../../core/store/postgres/migrations';
import { PostgresEngine, type PostgresStoreOptions } from '../../../core/store/postgres/postgres-engine';
import { inbound, webhookOf } from '../../../tools/traffic/builders';
import { waitFor } from '../../store-conformance/conformance';
import { PG_TEST_URL, SchemaFixture, dropSchema, freshSchemaName, testStoreOptions, withAdmin } from './postgres-support';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = { now: T0, inactivityTimeoutMs: 30 * 60_000 };

/** Stalls a write between taking its event ids and committing: the moment a reader must not pass. */
class StallingEngine extends PostgresEngine {
	stall: (() => Promise<void>) | null = null;

	protected override async beforeCommit(): Promise<void> {
		await this.stall?.();
	}
}

type StallingStore = ConversationService<StallingEngine>;

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('postgres event log under concurrent writers', () => {
	let fixture: SchemaFixture;
	const stalling: StallingStore[] = [];
	const subscribers: EventSubscriber[] = [];

	// Stopped even when an assertion failed, or their timers would keep jest alive.
	function follow(options: EventSubscriberOptions): EventSubscriber {
		const subscriber = new EventSubscriber(options);
		subscribers.push(subscriber);
		return subscriber;
	}

	beforeEach(() => {
		fixture = new SchemaFixture('events');
	});

	afterEach(async () => {
		await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.stop()));
		await Promise.all(stalling.splice(0).map((store) => store.close()));
		await fixture.dispose();
	});

	async function openStalling(): Promise<StallingStore> {
		const store = new ConversationService(new StallingEngine(testStoreOptions(fixture.schema)));
		stalling.push(store);
		await store.storage.ready();
		return store;
	}

	it('never lets a reader pass events whose transaction commits after a later one', async () => {
		const slow = await openStalling();
		const fast = await fixture.open();
		const reader = await fixture.open();
		await reader.subscribe('reader', 'now');

		let release!: () => void;
		let stalled!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const reachedCommit = new Promise<void>((resolve) => (stalled = resolve));
		slow.storage.stall = async () => {
			slow.storage.stall = null;
			stalled();
			await gate;
		};
		const first = slow.ingest(webhookOf({ messages: [inbound({ customerId: '111', timestamp: T0 })] }), lifecycle);
		await reachedCommit;
		// The slow transaction holds its event ids, uncommitted; a second writer starts after it.
		let secondDone = false;
		const second = fast.ingest(webhookOf({ messages: [inbound({ customerId: '222', timestamp: T0 })] }), lifecycle).then(() => {
			secondDone = true;
		});
		await delay(300);
		// Its events wait for the slow commit instead of becoming visible above the slow one's ids.
		expect(secondDone).toBe(false);
		const during = await reader.readEvents('reader');
		expect(during.events).toEqual([]);
		await reader.acknowledge('reader', during.position);

		release();
		await Promise.all([first, second]);
		const after = await reader.readEvents('reader');
		expect(after.events.map((event) => [event.type, event.type === 'message.received' ? event.payload.message.customerId : null])).toEqual([
			['conversation.started', null],
			['message.received', '111'],
			['conversation.started', null],
			['message.received', '222'],
		]);
	});

	it('delivers every event exactly once to a reader that reads while writers commit in random order', async () => {
		const writers = await Promise.all([openStalling(), openStalling(), openStalling()]);
		for (const writer of writers) writer.storage.stall = () => delay(Math.random() * 15);
		const reader = await fixture.open();
		await reader.subscribe('reader', 'beginning');

		let writing = true;
		const seen: number[] = [];
		const reading = (async () => {
			for (;;) {
				const done = !writing;
				const batch = await reader.readEvents('reader', { limit: 25 });
				seen.push(...batch.events.map((event) => event.id));
				await reader.acknowledge('reader', batch.position);
				if (done && batch.events.length < 25) return;
			}
		})();
		await Promise.all(
			writers.flatMap((writer, index) =>
				Array.from({ length: 60 }, (_, round) =>
					writer.ingest(webhookOf({ messages: [inbound({ customerId: `c${index}-${round % 7}`, timestamp: T0 + round })] }), { ...lifecycle, now: T0 + round }),
				),
			),
		);
		writing = false;
		await reading;

		const stored = await withAdmin(async (client) => (await client.query<{ id: string }>(`SELECT id FROM "${fixture.schema}".events ORDER BY id`)).rows.map((row) => Number(row.id)));
		expect(stored.length).toBeGreaterThanOrEqual(180);
		expect(seen).toEqual(stored);
	});

	it('wakes a subscriber of another store through LISTEN/NOTIFY, without polling', async () => {
		// Polling once a minute: only a notification can deliver within the test's time.
		const listener = await fixture.open({ pollIntervalMs: 60_000 });
		const writer = await fixture.open();
		const received: { event: StoreEvent; at: number }[] = [];
		const subscriber = follow({
			store: listener,
			subscriberId: 'remote',
			idleRecheckMs: 60_000,
			handle: (event) => void received.push({ event, at: Date.now() }),
		});
		await subscriber.start();
		await waitFor(() => listener.listening);
		const latencies: number[] = [];
		for (let round = 0; round < 5; round++) {
			const before = Date.now();
			await writer.ingest(webhookOf({ messages: [inbound({ customerId: `n${round}`, timestamp: T0 })] }), lifecycle);
			await waitFor(() => received.length === 2 * (round + 1), 5_000);
			latencies.push(received[received.length - 1].at - before);
		}
		await subscriber.stop();
		expect(Math.max(...latencies)).toBeLessThan(1_000);
	});

	it('falls back to polling when the LISTEN connection drops, then listens again', async () => {
		const listener = await fixture.open({ pollIntervalMs: 50 });
		const writer = await fixture.open();
		const received: StoreEvent[] = [];
		const subscriber = follow({ store: listener, subscriberId: 'remote', idleRecheckMs: 60_000, handle: (event) => void received.push(event) });
		await subscriber.start();
		await waitFor(() => listener.listening);

		const terminated = await withAdmin(
			async (client) =>
				(
					await client.query(
						`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'n8n-whatsapp-conversations:listen' AND query = $1`,
						[`LISTEN "wa_events.${fixture.schema}"`],
					)
				).rowCount,
		);
		expect(terminated).toBe(1);
		await waitFor(() => !listener.listening);
		await writer.ingest(webhookOf({ messages: [inbound({ customerId: 'p1', timestamp: T0 })] }), lifecycle);
		await waitFor(() => received.length === 2);
		await waitFor(() => listener.listening, 15_000);
		await writer.ingest(webhookOf({ messages: [inbound({ customerId: 'p2', timestamp: T0 })] }), lifecycle);
		await waitFor(() => received.length === 4);
		await subscriber.stop();
	});
});

describe('postgres store setup', () => {
	it('migrates once when many stores start on a new schema at the same moment', async () => {
		const schema = freshSchemaName('migrate');
		const stores = Array.from({ length: 6 }, () => new PostgresConversationStore(testStoreOptions(schema, { poolSize: 1 })));
		try {
			await Promise.all(stores.map((store) => store.ready()));
			const versions = await withAdmin(async (client) => (await client.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`)).rows);
			// Each migration applied once, whichever store got there first.
			expect(versions).toEqual(postgresMigrations('"x"').map((_, index) => ({ version: index + 1 })));
		} finally {
			await Promise.all(stores.map((store) => store.close()));
			await dropSchema(schema);
		}
	});

	it('opens from the store config, usable at once, one pool per configuration: a corrected password gets a new one', async () => {
		const schema = freshSchemaName('open');
		const url = new URL(PG_TEST_URL);
		const fields = { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username), schema, poolSize: 2 };
		// The test server trusts local connections, so both passwords connect: what shows is the pool.
		const wrong = { engine: 'postgres' as const, ...fields, password: 'wrong-Pa55word' };
		const corrected = { ...wrong, password: 'corrected-Pa55word' };
		const store = acquireStore(wrong);
		const again = acquireStore({ ...wrong });
		const fresh = acquireStore(corrected);
		try {
			expect(store.engine).toBe('postgres');
			expect(again).toBe(store);
			expect(fresh).not.toBe(store);
			for (const config of [wrong, corrected]) {
				expect(storeKey(config)).not.toContain(config.password);
				expect(storeKey(config)).toMatch(/^postgres:[0-9a-f]{64}$/);
			}
			// Any other change of the credential too, e.g. the pool size.
			const resized = acquireStore({ ...corrected, poolSize: 3 });
			expect(resized).not.toBe(fresh);
			await releaseStore(resized);
			// No ready() first: the first operation creates the schema.
			await store.ingest(webhookOf({ messages: [inbound({ timestamp: T0 })] }), lifecycle);
			expect(await fresh.listConversations({})).toHaveLength(1);
		} finally {
			await releaseStore(store);
			await releaseStore(store);
		}
		// The old pool closes with its last user; nodes on the corrected credential go on.
		await expect(store.listConversations({})).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
		expect(await fresh.listConversations({})).toHaveLength(1);
		await releaseStore(fresh);
		await dropSchema(schema);
	});
	it('reports an unreachable database with host, port and database, never the password', async () => {
		const password = 'sekret-Pa55';
		const attempts: PostgresStoreOptions[] = [
			{ host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', password, schema: 'unused' },
			{ connectionString: `postgres://postgres:${password}@127.0.0.1:1/test`, schema: 'unused' },
		];
		for (const options of attempts) {
			const store = openConversationStore({ engine: 'postgres', ...options });
			try {
				const error = await store.getContact('a', 'b').then(() => null, (failure: unknown) => failure);
				expect(error).toBeInstanceOf(StoreError);
				expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
				const text = [String(error), (error as StoreError).hint, JSON.stringify(error), String((error as Error).cause), (error as Error).stack].join('\n');
				expect((error as Error).message).toContain('127.0.0.1:1/test');
				expect(text).not.toContain(password);
			} finally {
				await store.close();
			}
		}
	});

	it('names a missing database, a bad schema name and a bad connection string', async () => {
		const missing = new PostgresConversationStore(testStoreOptions('unused', { connectionString: 'postgres://postgres@127.0.0.1:5432/no_such_db_wa' }));
		await expect(missing.ready()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('database does not exist') });
		await missing.close();
		expect(() => new PostgresConversationStore({ schema: 'bad"; DROP TABLE x; --' })).toThrow(expect.objectContaining({ code: 'STORE_CONFIG_INVALID' }));
		let invalid: unknown;
		try {
			new PostgresConversationStore({ connectionString: 'postgres://u:sekret@[bad' });
		} catch (error) {
			invalid = error;
		}
		expect(invalid).toMatchObject({ code: 'STORE_CONFIG_INVALID' });
		expect(JSON.stringify(invalid) + String((invalid as Error).cause)).not.toContain('sekret');
	});
});
