/**
 * Ingest: signed webhooks verified, parsed and committed, 16 in flight, each done when its own commit
 * is (what answering Meta 200 costs), on an empty store, next to a bare SQLite insert of the same
 * rows, and on a store that already holds the pre-filled history.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { ingestWebhookRequest } from '../core/ingress';
import { applySqlitePragmas } from '../core/store/sqlite/connection';
import { SqliteConversationStore } from '../core/conversation/open';
import { loadPostgres } from './postgres';
import { formatBytes, formatCount, info, nowNs, report, secondsSince, size } from './support';
import { APP_SECRET, BENCH_EPOCH_MS, benchWebhooks, INACTIVITY_TIMEOUT_MS, type SignedWebhook } from './webhooks';

const WEBHOOKS = size(20_000, 2_000);
const POSTGRES_WEBHOOKS = size(5_000, 500);
/** Each customer writes every 500 s (10 webhooks a second): conversations continue, as in real traffic. */
const CUSTOMERS = 5_000;
const WEBHOOKS_PER_SECOND = 10;

export interface IngestRun {
	rate: number;
	seconds: number;
	stored: number;
}

/** Deliveries Meta has open at once toward one callback URL, as in the n8n bench and the PostgreSQL one. */
export const IN_FLIGHT = 16;

/**
 * Runs `deliver` for every index with `inFlight` of them open at once, each next one starting when one
 * ends: what concurrent HTTP deliveries look like to the store.
 */
export async function withInFlight(count: number, inFlight: number, deliver: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const lane = async (): Promise<void> => {
		while (next < count) await deliver(next++);
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

/**
 * Ingests every webhook through the real path, IN_FLIGHT at a time, on the store file at `path`; each
 * is done when its own commit is.
 */
export async function ingestAll(path: string, webhooks: readonly SignedWebhook[]): Promise<IngestRun> {
	const store = new SqliteConversationStore({ path });
	let stored = 0;
	const started = nowNs();
	await withInFlight(webhooks.length, IN_FLIGHT, async (index) => {
		const at = BENCH_EPOCH_MS + Math.floor(index / WEBHOOKS_PER_SECOND) * 1000;
		const options = { store, appSecret: APP_SECRET, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, clock: () => at };
		const result = await ingestWebhookRequest({ rawBody: webhooks[index].rawBody, signature: webhooks[index].signature }, options);
		stored += result.messagesStored;
	});
	const seconds = secondsSince(started);
	await store.close();
	return { rate: webhooks.length / seconds, seconds, stored };
}

/** The floor: the same message rows inserted one transaction each, on the store's own pragmas, nothing else done. */
function bareInsertRate(path: string, webhooks: readonly SignedWebhook[]): number {
	const bare = new DatabaseSync(path);
	applySqlitePragmas(bare);
	bare.exec('CREATE TABLE messages (seq INTEGER PRIMARY KEY, wamid TEXT UNIQUE, payload TEXT NOT NULL)');
	const insert = bare.prepare('INSERT INTO messages (wamid, payload) VALUES (?, ?)');
	const started = nowNs();
	for (const webhook of webhooks) {
		bare.exec('BEGIN IMMEDIATE');
		insert.run(webhook.wamid, webhook.rawBody.toString());
		bare.exec('COMMIT');
	}
	const rate = webhooks.length / secondsSince(started);
	bare.close();
	return rate;
}

/** Bytes on disk of a store file with its WAL. */
export function storeBytes(path: string): number {
	return [path, `${path}-wal`].reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0);
}

/** Messages in a store file (a read on the side; the store is closed). */
export function countMessages(path: string): number {
	const db = new DatabaseSync(path, { readOnly: true });
	const row = db.prepare('SELECT count(*) AS messages FROM messages').get();
	db.close();
	return Number(row?.messages ?? 0);
}

export async function benchIngestEmpty(folder: string): Promise<number> {
	const webhooks = benchWebhooks(WEBHOOKS, CUSTOMERS);
	// Warm-up on a throwaway file, as long as the measured run: with a shorter one (2,000) this run,
	// measured first, came out slower than the same ingest on the large store minutes later.
	await ingestAll(join(folder, 'warmup.sqlite'), benchWebhooks(WEBHOOKS, CUSTOMERS, 'wamid.warmup-'));

	const path = join(folder, 'empty.sqlite');
	const run = await ingestAll(path, webhooks);
	const bareRate = bareInsertRate(join(folder, 'bare.sqlite'), webhooks);
	report({
		name: 'ingest, empty store (verify + parse + commit, 16 in flight)',
		value: `${formatCount(run.rate)}/s (${formatCount(WEBHOOKS)} webhooks in ${run.seconds.toFixed(2)} s)`,
		target: '>= 10,000/s',
		ratio: run.rate / 10_000,
		metrics: { perSecond: run.rate, storeMessages: 0 },
	});
	report({ name: 'bare SQLite insert of the same rows, one transaction each', value: `${formatCount(bareRate)}/s`, metrics: { perSecond: bareRate, storeMessages: 0 } });
	report({ name: 'ingest / bare insert', value: (run.rate / bareRate).toFixed(2), target: '>= 0.3', ratio: run.rate / bareRate / 0.3 });
	report({
		name: 'disk per stored message, store built by real ingest',
		value: `${formatBytes(storeBytes(path) / run.stored)}`,
		note: `${formatCount(run.stored)} messages, ${CUSTOMERS} customers, events kept`,
	});
	return run.rate;
}

/** The same webhooks, through the same path, on the pre-filled store (its customers are new to it). */
export async function benchIngestPrefilled(prefilledPath: string, emptyRate: number): Promise<void> {
	const before = countMessages(prefilledPath);
	const run = await ingestAll(prefilledPath, benchWebhooks(WEBHOOKS, CUSTOMERS));
	const total = before + run.stored;
	const bytes = storeBytes(prefilledPath);
	info(`store now holds ${formatCount(total)} messages in ${formatBytes(bytes)}`);
	report({
		name: `ingest, store holding ${formatCount(before)} messages`,
		value: `${formatCount(run.rate)}/s (${(run.rate / emptyRate).toFixed(2)} of the empty-store rate)`,
		target: '>= 0.8 of empty',
		ratio: run.rate / emptyRate / 0.8,
		metrics: { perSecond: run.rate, storeMessages: before },
	});
	report({ name: 'disk per stored message, large store', value: formatBytes(bytes / total), note: 'file + WAL / messages; contacts, conversations and 3 events per message included' });
}

/**
 * The same path on the PostgreSQL engine (queue mode), IN_FLIGHT deliveries at a time as Meta sends
 * them, each done when its own commit is (the engine commits concurrent deliveries together).
 */
export async function benchIngestPostgres(): Promise<void> {
	const engine = await loadPostgres();
	if (!engine) {
		report({ name: 'ingest, PostgreSQL', value: 'PostgreSQL engine not available' });
		return;
	}
	const schema = `wa_bench_ingest_${process.pid}`;
	const store = await engine.open(schema);
	try {
		const webhooks = benchWebhooks(POSTGRES_WEBHOOKS, CUSTOMERS);
		const started = nowNs();
		await withInFlight(webhooks.length, IN_FLIGHT, async (index) => {
			const at = BENCH_EPOCH_MS + Math.floor(index / WEBHOOKS_PER_SECOND) * 1000;
			await ingestWebhookRequest(webhooks[index], { store, appSecret: APP_SECRET, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, clock: () => at });
		});
		const seconds = secondsSince(started);
		const rate = webhooks.length / seconds;
		report({
			name: `ingest, PostgreSQL (local server, ${IN_FLIGHT} in flight)`,
			value: `${formatCount(rate)}/s (${formatCount(webhooks.length)} webhooks in ${seconds.toFixed(2)} s)`,
			target: '>= 2,000/s',
			ratio: rate / 2_000,
			note: 'queue mode; each delivery done after its own commit',
			metrics: { perSecond: rate },
		});
	} finally {
		await store.close();
		await engine.dropSchema(schema);
	}
}
