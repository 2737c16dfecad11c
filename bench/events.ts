/**
 * Event delivery: from the commit of an ingest to a subscriber (what a trigger is) holding the
 * event, p50 and p99. Embedded store: a subscriber in the same process (woken at once) and one in
 * another process (woken by the change signal of the store's folder, fs.watch; polling is only its
 * fallback); PostgreSQL: a subscriber on another connection (LISTEN/NOTIFY), when the engine is available.
 */
import { join, resolve } from 'node:path';

import { EventSubscriber } from '../core/events/subscriber';
import { ingestWebhookRequest } from '../core/ingress';
import type { ConversationStore } from '../core/conversation/store';
import { onStdoutLines } from '../tools/processes/barrier';
import { spawnBenchChild, waitForLine } from './child';
import { CommitTimedSqliteStore, epochMs, type CommitTimed } from './commit-timed';
import { loadPostgres } from './postgres';
import { info, percentile, report, size, sleep, sortedCopy } from './support';
import { APP_SECRET, BENCH_EPOCH_MS, benchWebhooks, INACTIVITY_TIMEOUT_MS } from './webhooks';

const IN_PROCESS = size(2_000, 200);
const PAUSED = size(500, 50);
/** Between two deliveries when the subscriber is elsewhere: a steady 100 webhooks a second. */
const GAP_MS = 10;

type TimedStore = ConversationStore & CommitTimed;

/** Ingests each webhook, noting when it committed; `between` runs after each one. */
async function ingestTimed(store: TimedStore, count: number, prefix: string, between: (wamid: string) => Promise<void>): Promise<Map<string, number>> {
	const committed = new Map<string, number>();
	const options = { store, appSecret: APP_SECRET, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, clock: () => BENCH_EPOCH_MS };
	for (const webhook of benchWebhooks(count, 500, prefix)) {
		await ingestWebhookRequest(webhook, options);
		committed.set(webhook.wamid, store.lastCommitAt);
		await between(webhook.wamid);
	}
	return committed;
}

interface Latencies {
	text: string;
	p50: number;
	p99: number;
	missing: number;
}

function latencies(committed: Map<string, number>, seen: Map<string, number>): Latencies {
	const values = sortedCopy([...committed].flatMap(([wamid, at]) => (seen.has(wamid) ? [(seen.get(wamid) ?? 0) - at] : [])));
	const missing = committed.size - values.length;
	const p50 = percentile(values, 50);
	const p99 = percentile(values, 99);
	return { p50, p99, missing, text: `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms${missing > 0 ? `, ${missing} NOT DELIVERED` : ''} (${values.length} events)` };
}

/** A subscriber on `reader`, recording when each message.received event reached it. */
async function recordingSubscriber(reader: ConversationStore, seen: Map<string, number>): Promise<EventSubscriber> {
	const subscriber = new EventSubscriber({
		store: reader,
		subscriberId: 'bench-latency',
		types: ['message.received'],
		handle: (event) => {
			if (event.type === 'message.received') seen.set(event.payload.message.wamid, epochMs());
		},
	});
	await subscriber.start();
	return subscriber;
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!done() && Date.now() < deadline) await sleep(5);
}

async function sqliteInProcess(folder: string): Promise<void> {
	const store = new CommitTimedSqliteStore({ path: join(folder, 'events-in-process.sqlite') });
	const seen = new Map<string, number>();
	const subscriber = await recordingSubscriber(store, seen);
	// One at a time: the next webhook only once the last one was seen, so this is latency, not a queue.
	const committed = await ingestTimed(store, IN_PROCESS, 'wamid.in-', (wamid) => waitUntil(() => seen.has(wamid), 5_000));
	await subscriber.stop();
	await store.close();
	report({ name: 'event delivery, embedded, subscriber in the same process', value: latencies(committed, seen).text });
}

async function sqliteOtherProcess(folder: string): Promise<void> {
	const path = join(folder, 'events-other-process.sqlite');
	const store = new CommitTimedSqliteStore({ path });
	const child = spawnBenchChild(resolve(__dirname, 'workers/subscriber-worker.ts'), [path]);
	const seen = new Map<string, number>();
	onStdoutLines(child, (line) => {
		const [word, wamid, at] = line.split(' ');
		if (word === 'seen') seen.set(wamid, Number(at));
	});
	await waitForLine(child, 'ready');
	const committed = await ingestTimed(store, PAUSED, 'wamid.out-', () => sleep(GAP_MS));
	await waitUntil(() => seen.size >= committed.size, 10_000);
	child.kill('SIGTERM');
	await store.close();
	const measured = latencies(committed, seen);
	report({
		name: 'event delivery, embedded, subscriber in another process',
		value: measured.text,
		target: 'p50 <= 5 ms, p99 <= 20 ms',
		ratio: measured.missing > 0 ? 0 : Math.min(5 / measured.p50, 20 / measured.p99),
		note: "woken by fs.watch on the store's folder, polled only as the fallback",
		metrics: { p50Ms: measured.p50, p99Ms: measured.p99 },
	});
}

async function postgres(): Promise<void> {
	const engine = await loadPostgres();
	if (!engine) {
		report({ name: 'event delivery, PostgreSQL', value: 'PostgreSQL engine not available' });
		return;
	}
	const schema = `wa_bench_${process.pid}`;
	const writer = await engine.open(schema);
	const reader = await engine.open(schema);
	const seen = new Map<string, number>();
	try {
		const subscriber = await recordingSubscriber(reader, seen);
		const committed = await ingestTimed(writer, PAUSED, 'wamid.pg-', () => sleep(GAP_MS));
		await waitUntil(() => seen.size >= committed.size, 10_000);
		await subscriber.stop();
		const figures = latencies(committed, seen);
		report({
			name: 'event delivery, PostgreSQL, subscriber on another connection',
			value: figures.text,
			target: 'p50 <= 2 ms',
			ratio: 2 / figures.p50,
			note: 'LISTEN/NOTIFY',
			metrics: { p50Ms: figures.p50, p99Ms: figures.p99 },
		});
	} finally {
		await writer.close();
		await reader.close();
		await engine.dropSchema(schema);
	}
}

export async function benchEvents(folder: string): Promise<void> {
	await sqliteInProcess(folder);
	await sqliteOtherProcess(folder);
	try {
		await postgres();
	} catch (error) {
		info(`PostgreSQL event bench failed: ${error instanceof Error ? error.message : String(error)}`);
	}
}
