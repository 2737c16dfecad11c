import { resolve } from 'node:path';

import { EventSubscriber, type EventSubscriberOptions } from '../../../core/events/subscriber';
import type { StoreEvent } from '../../../core/events/types';
import type { PostgresConversationStore } from '../../../core/store/postgres/postgres-store';
import { inbound, webhookOf } from '../../support/builders';
import { lastJsonLine, runTs, spawnTs } from '../../support/child';
import { waitFor } from '../../store-conformance/conformance';
import { SchemaFixture, withAdmin } from './postgres-support';

const WORKER = resolve(__dirname, 'workers/store-worker.ts');
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

interface MixedResult {
	stored: number;
	duplicates: number;
	statuses: number;
	outbound: number;
	new: number;
	repeat: number;
	refused: number;
	ended: string[];
}

async function scalar(sql: string): Promise<number> {
	return withAdmin(async (client) => Number((await client.query<{ value: string }>(sql)).rows[0].value));
}

/** Several Node processes on one PostgreSQL schema, as n8n's main, webhook and worker processes are. */
describe('postgres store shared by several processes', () => {
	let fixture: SchemaFixture;
	let spec: string;
	let s: string;
	const subscribers: EventSubscriber[] = [];

	// Stopped even when an assertion failed, or their timers would keep jest alive.
	function follow(options: EventSubscriberOptions): EventSubscriber {
		const subscriber = new EventSubscriber(options);
		subscribers.push(subscriber);
		return subscriber;
	}

	beforeEach(async () => {
		fixture = new SchemaFixture('multi');
		spec = `postgres:${fixture.schema}`;
		s = `"${fixture.schema}"`;
	});

	afterEach(async () => {
		await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.stop()));
		await fixture.dispose();
	});

	it('reserves exactly the tier across four processes racing for it (and for creating the schema)', async () => {
		const outputs = await Promise.all(
			[0, 1, 2, 3].map((worker) => {
				const customers = Array.from({ length: 100 }, (_, index) => `c${(worker * 80 + index) % 330}`);
				return runTs(WORKER, [spec, 'reserve', JSON.stringify({ customers, tier: 'TIER_250', now: T0 })]);
			}),
		);
		const results = outputs.map((output) => lastJsonLine<{ newUsers: number; repeats: number; refused: number }>(output));
		const total = (key: 'newUsers' | 'repeats' | 'refused') => results.reduce((sum, result) => sum + result[key], 0);
		expect(total('newUsers') + total('repeats') + total('refused')).toBe(400);
		expect(total('newUsers')).toBe(250);
		const store = await fixture.open();
		expect(await store.dailyLimitUsage('portfolio', T0)).toBe(250);
		expect(await scalar(`SELECT count(*) AS value FROM ${s}.schema_version`)).toBe(1);
	});

	it('ends each idle conversation once when four processes sweep together', async () => {
		const store = await fixture.open();
		for (let index = 0; index < 120; index++) {
			await store.ingest(webhookOf({ messages: [inbound({ customerId: `4477009${index}`, timestamp: T0 })] }), { now: T0, inactivityTimeoutMs: 60_000 });
		}
		const outputs = await Promise.all(
			[0, 1, 2, 3].map(() => runTs(WORKER, [spec, 'sweep', JSON.stringify({ now: T0 + 120_000, inactivityTimeoutMs: 60_000, rounds: 12 })])),
		);
		const ended = outputs.flatMap((output) => lastJsonLine<{ ended: string[] }>(output).ended);
		expect(ended).toHaveLength(120);
		expect(new Set(ended).size).toBe(120);
		await store.subscribe('check', 'beginning');
		expect((await store.readEvents('check', { limit: 1000, types: ['conversation.ended'] })).events).toHaveLength(120);
	});

	it('stores each message once when processes ingest the same deliveries', async () => {
		const store = await fixture.open();
		const wamids = Array.from({ length: 150 }, (_, index) => `wamid.shared-${index}`);
		const outputs = await Promise.all(
			[0, 1, 2].map(() => runTs(WORKER, [spec, 'ingest', JSON.stringify({ wamids, customerPrefix: '1650555', now: T0 })])),
		);
		expect(outputs.reduce((sum, output) => sum + lastJsonLine<{ stored: number }>(output).stored, 0)).toBe(150);
		await store.subscribe('check', 'beginning');
		expect((await store.readEvents('check', { limit: 1000, types: ['message.received'] })).events).toHaveLength(150);
		const conversations = await store.listConversations({ limit: 1000 });
		expect(conversations).toHaveLength(50);
		// A message counted twice by a losing duplicate would show here.
		expect(conversations.every((conversation) => conversation.messageCount === 3)).toBe(true);
	});

	it('keeps the final state exact when processes ingest, send, reserve and sweep at once while a reader follows', async () => {
		const reader = await fixture.open();
		const seen: StoreEvent[] = [];
		const subscriber = follow({ store: reader, subscriberId: 'follower', from: 'beginning', batchSize: 37, handle: (events) => void seen.push(...events) });
		await subscriber.start();

		const workers = 4;
		const rounds = 100;
		const outputs = await Promise.all(
			Array.from({ length: workers }, (_, worker) =>
				runTs(WORKER, [spec, 'mixed', JSON.stringify({ worker, rounds, customers: 12, now: T0, inactivityTimeoutMs: 5_000 })]),
			),
		);
		const results = outputs.map((output) => lastJsonLine<MixedResult>(output));
		const sum = (key: 'stored' | 'duplicates' | 'statuses' | 'outbound' | 'new' | 'repeat' | 'refused') =>
			results.reduce((total, result) => total + result[key], 0);

		// Messages: every distinct inbound wamid once, every redelivery recognised, every send stored.
		expect(sum('stored')).toBe(workers * rounds + rounds);
		expect(sum('duplicates')).toBe((workers - 1) * rounds);
		expect(await scalar(`SELECT count(*) AS value FROM ${s}.messages WHERE direction = 'inbound'`)).toBe(workers * rounds + rounds);
		expect(await scalar(`SELECT count(*) AS value FROM ${s}.messages WHERE direction = 'outbound'`)).toBe(workers * rounds);
		// Conversation counters agree with the messages they hold; one open conversation per customer.
		expect(await scalar(`SELECT count(*) AS value FROM ${s}.conversations c WHERE message_count <> (SELECT count(*) FROM ${s}.messages m WHERE m.conversation_id = c.id)`)).toBe(0);
		expect(await scalar(`SELECT count(*) AS value FROM (SELECT customer_id FROM ${s}.conversations WHERE status = 'open' GROUP BY customer_id HAVING count(*) > 1) x`)).toBe(0);
		// Limits: exactly the tier's worth of new users, every attempt answered.
		expect(sum('new')).toBe(250);
		expect(sum('new') + sum('repeat') + sum('refused')).toBe(workers * rounds);
		expect(await reader.dailyLimitUsage('portfolio', T0)).toBe(250);
		// Sweeps: no conversation ended twice.
		const swept = results.flatMap((result) => result.ended);
		expect(new Set(swept).size).toBe(swept.length);

		// The follower read every committed event exactly once, in id order, while they were committed.
		const total = await scalar(`SELECT count(*) AS value FROM ${s}.events`);
		await waitFor(() => seen.length >= total, 20_000);
		await subscriber.stop();
		const ids = seen.map((event) => event.id);
		expect(ids).toHaveLength(total);
		expect(new Set(ids).size).toBe(total);
		expect([...ids].sort((a, b) => a - b)).toEqual(ids);
		const count = (type: string) => seen.filter((event) => event.type === type).length;
		expect(count('message.received')).toBe(workers * rounds + rounds);
		expect(count('conversation.started')).toBe(await scalar(`SELECT count(*) AS value FROM ${s}.conversations`));
		expect(count('conversation.ended')).toBe(await scalar(`SELECT count(*) AS value FROM ${s}.conversations WHERE status = 'closed'`));
		expect(new Set(seen.filter((event) => event.type === 'conversation.ended').map((event) => event.conversationId)).size).toBe(count('conversation.ended'));
		expect(count('message.status')).toBe(sum('statuses'));
		expect(await scalar(`SELECT id AS value FROM ${s}.event_head`)).toBe(Math.max(...ids));
	}, 120_000);

	it('keeps every committed message and event when the ingesting process is killed', async () => {
		const reader: PostgresConversationStore = await fixture.open();
		await reader.subscribe('trigger', 'now');
		const wamids = Array.from({ length: 5000 }, (_, index) => `wamid.crash-${index}`);
		const child = spawnTs(WORKER, [spec, 'ingest', JSON.stringify({ wamids, customerPrefix: '4477', now: T0, announce: true })]);
		const committed: string[] = [];
		let buffer = '';
		await new Promise<void>((resolvePromise) => {
			child.stdout?.on('data', (chunk: Buffer) => {
				buffer += chunk.toString();
				const lines = buffer.split('\n');
				buffer = lines.pop() ?? '';
				for (const line of lines) if (line.startsWith('committed ')) committed.push(line.slice('committed '.length));
				if (committed.length >= 300 && !child.killed) child.kill('SIGKILL');
			});
			child.on('exit', () => resolvePromise());
		});
		expect(committed.length).toBeGreaterThanOrEqual(300);
		expect(committed.length).toBeLessThan(wamids.length);

		const restarted = await fixture.open();
		const delivered = new Set<string>();
		for (;;) {
			const batch = await restarted.readEvents('trigger', { limit: 500, types: ['message.received'] });
			for (const event of batch.events) if (event.type === 'message.received') delivered.add(event.payload.message.wamid);
			await restarted.acknowledge('trigger', batch.position);
			if (batch.events.length < 500) break;
		}
		for (const wamid of committed) expect(delivered.has(wamid)).toBe(true);
	});
});
