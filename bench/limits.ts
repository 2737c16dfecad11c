/**
 * Daily-limit reservations from 8 processes on one store file, all asking at once for overlapping
 * customers against one tier: how many were granted (it must be exactly the tier) and how many
 * reservations per second the processes got through together.
 */
import { join, resolve } from 'node:path';

import { tierLimit, type MessagingTier } from '../core/policy/limits';
import { SqliteConversationStore } from '../core/conversation/open';
import type { ConversationStore } from '../core/conversation/store';
import { goTogether, overlapMs, type Span } from '../tools/processes/barrier';
import { spawnBenchChild } from './child';
import { loadPostgres } from './postgres';
import { formatCount, nowNs, QUICK, report, secondsSince } from './support';
import { BENCH_EPOCH_MS } from './webhooks';

const WORKER = resolve(__dirname, 'workers/reserve-worker.ts');
const PROCESSES = 8;

interface WorkerResult {
	counted: number;
	repeats: number;
	refused: number;
	seconds: number;
	span: Span;
}

/** Worker w asks for a run of customers that overlaps its neighbour's; together they ask for more than the tier. */
function plan(): { tier: MessagingTier; perWorker: number; stride: number; distinct: number } {
	return QUICK ? { tier: 'TIER_250', perWorker: 100, stride: 40, distinct: 330 } : { tier: 'TIER_10K', perWorker: 2_500, stride: 1_500, distinct: 13_000 };
}

interface Engine {
	label: string;
	/** What the workers get as their store argument. */
	spec: string;
	/** A store on the same data, for preparing and checking. */
	open(): Promise<ConversationStore>;
	/** Reservations a second the issue asks of this engine, where it sets a target. */
	rateTarget?: number;
}

async function contend(engine: Engine): Promise<void> {
	await (await engine.open()).close();
	const { tier, perWorker, stride, distinct } = plan();
	const children = Array.from({ length: PROCESSES }, (_, worker) => {
		const customers = Array.from({ length: perWorker }, (_, index) => `c${(worker * stride + index) % distinct}`);
		return spawnBenchChild(WORKER, [engine.spec, JSON.stringify({ customers, tier, now: BENCH_EPOCH_MS })]);
	});
	const outputs = children.map(
		(child) =>
			new Promise<WorkerResult>((resolvePromise, reject) => {
				let stdout = '';
				let stderr = '';
				child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
				child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
				child.on('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as WorkerResult) : reject(new Error(stderr))));
			}),
	);
	await goTogether(children);
	const started = nowNs();
	const results = await Promise.all(outputs);
	const seconds = secondsSince(started);

	const store = await engine.open();
	const used = await store.dailyLimitUsage('portfolio', BENCH_EPOCH_MS);
	await store.close();
	const total = (key: 'counted' | 'repeats' | 'refused') => results.reduce((sum, result) => sum + result[key], 0);
	const attempts = PROCESSES * perWorker;
	const limit = tierLimit(tier) ?? 0;
	report({
		name: `limit reservations, ${engine.label}, ${PROCESSES} processes on one ${tier} (${formatCount(limit)}) tier`,
		value: `${formatCount(total('counted'))} granted, store counts ${formatCount(used)} (${used === limit && total('counted') === limit ? 'exact' : 'NOT EXACT'}); ${formatCount(total('repeats'))} repeats, ${formatCount(total('refused'))} refused`,
		target: `exactly ${formatCount(limit)}`,
		note: `${formatCount(attempts)} attempts for ${formatCount(distinct)} customers; all ${PROCESSES} processes reserving at once for ${overlapMs(results.map((result) => result.span)).toFixed(0)} ms`,
	});
	const rate = attempts / seconds;
	report({
		name: `limit reservations, ${engine.label}, rate across the ${PROCESSES} processes`,
		value: `${formatCount(rate)}/s (${seconds.toFixed(2)} s)`,
		...(engine.rateTarget === undefined ? {} : { target: `>= ${formatCount(engine.rateTarget)}/s`, ratio: rate / engine.rateTarget }),
		metrics: { perSecond: rate },
	});
}

export async function benchLimits(folder: string): Promise<void> {
	const path = join(folder, 'limits.sqlite');
	await contend({ label: 'embedded', spec: path, open: async () => new SqliteConversationStore({ path }) });

	const postgres = await loadPostgres();
	if (!postgres) {
		report({ name: 'limit reservations, PostgreSQL', value: 'PostgreSQL engine not available' });
		return;
	}
	const schema = `wa_bench_limits_${process.pid}`;
	try {
		await contend({ label: 'PostgreSQL', spec: `postgres:${schema}`, open: () => postgres.open(schema), rateTarget: 2_000 });
	} finally {
		await postgres.dropSchema(schema);
	}
}
