import { resolve } from 'node:path';

import { EventSubscriber, type EventSubscriberOptions } from '../../core/events/subscriber';
import type { StoreEvent } from '../../core/events/types';
import { tierLimit } from '../../core/policy/limits';
import type { ConversationStore } from '../../core/conversation/store';
import { goTogether, ranAlone, type Span } from '../../tools/processes/barrier';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { lastJsonLine, runTogether, spawnTs } from '../support/child';
import { waitFor } from '../store-conformance/conformance';
import type { MultiProcessHarness, MultiProcessHarnessFactory } from './harness';

const WORKER = resolve(__dirname, 'store-worker.ts');
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

interface Reported {
	span: Span;
}

interface MixedResult extends Reported {
	stored: number;
	duplicates: number;
	statuses: number;
	outbound: number;
	new: number;
	repeat: number;
	refused: number;
	ended: string[];
}

/** Runs one worker per options object on the scenario, all let go at once; returns what each reported. */
async function race<R extends Reported>(harness: MultiProcessHarness, scenario: string, options: readonly object[]): Promise<R[]> {
	const outputs = await runTogether(
		WORKER,
		options.map((option) => [harness.spec, scenario, JSON.stringify(option)]),
	);
	return outputs.map((output) => lastJsonLine<R>(output));
}

/**
 * Several Node processes on one database, as n8n's main, webhook and worker processes are: the
 * guarantees must hold across processes, not only across connections of one process. Every race
 * starts behind a ready/go barrier and checks that the processes' work did overlap. Run it with an
 * engine's harness factory, like the conformance suite.
 */
export function describeMultiProcess(engineName: string, createHarness: MultiProcessHarnessFactory): void {
	describe(`${engineName} store shared by several processes`, () => {
		let harness: MultiProcessHarness;
		const subscribers: EventSubscriber[] = [];

		// Stopped even when an assertion failed, or their timers would keep jest alive.
		function follow(options: EventSubscriberOptions): EventSubscriber {
			const subscriber = new EventSubscriber(options);
			subscribers.push(subscriber);
			return subscriber;
		}

		beforeEach(async () => {
			harness = await createHarness();
		});

		afterEach(async () => {
			await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.stop()));
			await harness.dispose();
		});

		it('grants exactly the tier when 8 processes reserve for overlapping customers at once (and race to create the schema)', async () => {
			const tier = 'TIER_250';
			const limit = tierLimit(tier) ?? 0;
			const processes = 8;
			const perProcess = 150;
			// Each process asks for a run of customers overlapping its neighbours' (each customer is
			// asked for about three times), 400 customers in all: more than the tier.
			const distinct = 400;
			const results = await race<Reported & { granted: string[]; repeats: number; refused: number }>(
				harness,
				'reserve',
				Array.from({ length: processes }, (_, worker) => ({
					customers: Array.from({ length: perProcess }, (_, index) => `c${(worker * 60 + index) % distinct}`),
					tier,
					now: T0,
				})),
			);

			expect(ranAlone(results.map((result) => result.span))).toEqual([]);
			const granted = results.flatMap((result) => result.granted);
			expect(granted).toHaveLength(limit);
			expect(new Set(granted).size).toBe(limit);
			const repeats = results.reduce((sum, result) => sum + result.repeats, 0);
			const refused = results.reduce((sum, result) => sum + result.refused, 0);
			expect(granted.length + repeats + refused).toBe(processes * perProcess);
			expect(repeats).toBeGreaterThan(0);
			expect(refused).toBeGreaterThan(0);
			const store = await harness.open();
			expect(await store.dailyLimitUsage('portfolio', T0)).toBe(limit);
			// Eight processes created the schema at once: each migration was applied once.
			expect(await harness.scalar((table) => `SELECT count(*) - count(DISTINCT version) AS value FROM ${table('schema_version')}`)).toBe(0);
		});

		it('ends each idle conversation once when four processes sweep at once', async () => {
			const store = await harness.open();
			for (let index = 0; index < 120; index++) {
				await store.ingest(webhookOf({ messages: [inbound({ customerId: `4477009${index}`, timestamp: T0 })] }), { now: T0, inactivityTimeoutMs: 60_000 });
			}
			// 12 rounds of 5 per process: no process alone can end all 120, so they share the work.
			const results = await race<Reported & { ended: string[] }>(
				harness,
				'sweep',
				Array.from({ length: 4 }, () => ({ now: T0 + 120_000, inactivityTimeoutMs: 60_000, rounds: 12 })),
			);
			expect(ranAlone(results.map((result) => result.span))).toEqual([]);
			const ended = results.flatMap((result) => result.ended);
			expect(ended).toHaveLength(120);
			expect(new Set(ended).size).toBe(120);
			await store.subscribe('check', 'beginning');
			expect((await store.readEvents('check', { limit: 1000, types: ['conversation.ended'] })).events).toHaveLength(120);
		});

		it('stores each message once when three processes ingest the same deliveries at once', async () => {
			const store = await harness.open();
			const wamids = Array.from({ length: 150 }, (_, index) => `wamid.shared-${index}`);
			const results = await race<Reported & { stored: number }>(
				harness,
				'ingest',
				Array.from({ length: 3 }, () => ({ wamids, customerPrefix: '1650555', now: T0 })),
			);
			expect(ranAlone(results.map((result) => result.span))).toEqual([]);
			expect(results.reduce((sum, result) => sum + result.stored, 0)).toBe(150);
			await store.subscribe('check', 'beginning');
			expect((await store.readEvents('check', { limit: 1000, types: ['message.received'] })).events).toHaveLength(150);
			const conversations = await store.listConversations({ limit: 1000 });
			expect(conversations).toHaveLength(50);
			// A message counted twice by a losing duplicate would show here.
			expect(conversations.every((conversation) => conversation.messageCount === 3)).toBe(true);
		});

		it('keeps the final state exact when processes ingest, send, reserve and sweep at once while a reader follows', async () => {
			const reader = await harness.open();
			const seen: StoreEvent[] = [];
			const subscriber = follow({ store: reader, subscriberId: 'follower', from: 'beginning', batchSize: 37, handle: (event) => void seen.push(event) });
			await subscriber.start();
			const count = (sql: string) => harness.scalar((table) => sql.replace(/\{(\w+)\}/g, (_, name: string) => table(name)));

			const workers = 4;
			const rounds = 100;
			const results = await race<MixedResult>(
				harness,
				'mixed',
				Array.from({ length: workers }, (_, worker) => ({ worker, rounds, customers: 12, now: T0, inactivityTimeoutMs: 5_000 })),
			);
			expect(ranAlone(results.map((result) => result.span))).toEqual([]);
			const sum = (key: 'stored' | 'duplicates' | 'statuses' | 'outbound' | 'new' | 'repeat' | 'refused') =>
				results.reduce((total, result) => total + result[key], 0);

			// Messages: every distinct inbound wamid once, every redelivery recognised, every send stored.
			expect(sum('stored')).toBe(workers * rounds + rounds);
			expect(sum('duplicates')).toBe((workers - 1) * rounds);
			expect(await count(`SELECT count(*) AS value FROM {messages} WHERE direction = 'inbound'`)).toBe(workers * rounds + rounds);
			expect(await count(`SELECT count(*) AS value FROM {messages} WHERE direction = 'outbound'`)).toBe(workers * rounds);
			// Conversation counters agree with the messages they hold; one open conversation per customer.
			expect(await count(`SELECT count(*) AS value FROM {conversations} c WHERE message_count <> (SELECT count(*) FROM {messages} m WHERE m.conversation_id = c.id)`)).toBe(0);
			expect(await count(`SELECT count(*) AS value FROM (SELECT customer_id FROM {conversations} WHERE status = 'open' GROUP BY customer_id HAVING count(*) > 1) x`)).toBe(0);
			// Limits: exactly the tier's worth of new users, every attempt answered.
			expect(sum('new')).toBe(250);
			expect(sum('new') + sum('repeat') + sum('refused')).toBe(workers * rounds);
			expect(await reader.dailyLimitUsage('portfolio', T0)).toBe(250);
			// Sweeps: no conversation ended twice.
			const swept = results.flatMap((result) => result.ended);
			expect(new Set(swept).size).toBe(swept.length);

			// The follower read every committed event exactly once, in id order, while they were committed.
			const total = await count('SELECT count(*) AS value FROM {events}');
			await waitFor(() => seen.length >= total, 20_000);
			await subscriber.stop();
			const ids = seen.map((event) => event.id);
			expect(ids).toHaveLength(total);
			expect(new Set(ids).size).toBe(total);
			expect([...ids].sort((a, b) => a - b)).toEqual(ids);
			const ofType = (type: string) => seen.filter((event) => event.type === type).length;
			expect(ofType('message.received')).toBe(workers * rounds + rounds);
			expect(ofType('conversation.started')).toBe(await count('SELECT count(*) AS value FROM {conversations}'));
			expect(ofType('conversation.ended')).toBe(await count(`SELECT count(*) AS value FROM {conversations} WHERE status = 'closed'`));
			expect(new Set(seen.filter((event) => event.type === 'conversation.ended').map((event) => event.conversationId)).size).toBe(ofType('conversation.ended'));
			expect(ofType('message.status')).toBe(sum('statuses'));
		}, 120_000);

		it('keeps every committed message and event when the ingesting process is killed', async () => {
			const reader: ConversationStore = await harness.open();
			await reader.subscribe('trigger', 'now');
			const wamids = Array.from({ length: 5000 }, (_, index) => `wamid.crash-${index}`);
			const child = spawnTs(WORKER, [harness.spec, 'ingest', JSON.stringify({ wamids, customerPrefix: '4477', now: T0, announce: true })]);
			const committed: string[] = [];
			let buffer = '';
			const exited = new Promise<void>((resolvePromise) => child.on('exit', () => resolvePromise()));
			child.stdout?.on('data', (chunk: Buffer) => {
				buffer += chunk.toString();
				const lines = buffer.split('\n');
				buffer = lines.pop() ?? '';
				for (const line of lines) if (line.startsWith('committed ')) committed.push(line.slice('committed '.length));
				if (committed.length >= 300 && !child.killed) child.kill('SIGKILL');
			});
			await goTogether([child]);
			await exited;
			expect(committed.length).toBeGreaterThanOrEqual(300);
			expect(committed.length).toBeLessThan(wamids.length);

			const restarted = await harness.open();
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
}
