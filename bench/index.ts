/**
 * Every benchmark in sequence, each figure printed next to its target where the issue sets one, and a
 * summary at the end. Figures, not verdicts: nothing here fails on a slow machine.
 *
 *   npm run bench                      # full sizes: about 5 minutes on 2 cores, 4 GB of temporary disk
 *   BENCH_QUICK=1 npm run bench        # small sizes, a smoke run of the benches
 *   npm run bench -- window events     # only the named benches (ingest, window, memory, limits, events, send, retention, n8n)
 *   npm run bench -- --json bench.json # also writes the figures as JSON (scripts/bench-report.ts charts them)
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';

import { benchEvents } from './events';
import { benchIngestEmpty, benchIngestPostgres, benchIngestPrefilled } from './ingest';
import { benchLimits } from './limits';
import { benchLargePayload, benchMemory } from './memory';
import { buildPrefilledStore, type PrefilledStore } from './prefill';
import { benchRetention } from './retention';
import { benchSend } from './send';
import { benchN8n } from './n8n';
import { QUICK, reportedFigures, withTempFolder, writeJsonReport } from './support';
import { benchWindowCheck } from './window';

const ALL = ['ingest', 'window', 'memory', 'limits', 'events', 'send', 'retention', 'n8n'] as const;
type BenchName = (typeof ALL)[number];

interface Arguments {
	benches: Set<BenchName>;
	jsonPath: string | null;
}

function parseArguments(args: readonly string[]): Arguments {
	const jsonAt = args.indexOf('--json');
	const jsonPath = jsonAt === -1 ? null : args[jsonAt + 1];
	if (jsonPath === undefined || jsonPath?.startsWith('--')) throw new Error('--json needs a file: npm run bench -- --json bench.json');
	const names = args.filter((_, index) => jsonAt === -1 || (index !== jsonAt && index !== jsonAt + 1));
	const unknown = names.filter((name) => !(ALL as readonly string[]).includes(name));
	if (unknown.length > 0) throw new Error(`Unknown bench ${unknown.join(', ')}; the benches are ${ALL.join(', ')}`);
	const asked = names as BenchName[];
	return { benches: new Set(asked.length > 0 ? asked : ALL), jsonPath: jsonPath === null ? null : resolve(process.env.INIT_CWD ?? process.cwd(), jsonPath) };
}

/** Other work on the machine skews every figure; the load average says how much there was. */
function load(): string {
	return loadavg()
		.map((value) => value.toFixed(2))
		.join(' / ');
}

function printSummary(seconds: number): void {
	console.log(`\nSummary (${Math.round(seconds)} s; load average now ${load()}, 1 / 5 / 15 min)`);
	for (const figure of reportedFigures()) {
		const target = figure.target === undefined ? '' : ` | target ${figure.target}${figure.ratio === undefined ? '' : ` | ratio ${figure.ratio.toFixed(2)}`}`;
		console.log(`- ${figure.name}: ${figure.value}${target}`);
	}
}

/** The n8n bench drives the built package in the e2e suite's n8n: both are made first, as `npm run test:e2e` does. */
function prepareN8n(): void {
	const root = resolve(__dirname, '..');
	execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	execFileSync('bash', ['scripts/ensure-n8n.sh'], { cwd: root, stdio: 'inherit' });
}

async function main(): Promise<void> {
	const started = Date.now();
	const { benches, jsonPath } = parseArguments(process.argv.slice(2));
	if (benches.has('n8n')) prepareN8n();
	console.log(`Benchmarks${QUICK ? ' (BENCH_QUICK: small sizes)' : ''} on Node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${load()}`);
	await withTempFolder('wa-bench-', async (folder) => {
		let emptyRate = Number.NaN;
		if (benches.has('ingest')) {
			console.log('\nIngest');
			emptyRate = await benchIngestEmpty(folder);
			await benchIngestPostgres();
		}
		let prefilled: PrefilledStore | null = null;
		if (benches.has('ingest') || benches.has('window') || benches.has('memory')) {
			console.log('\nLarge store');
			prefilled = await buildPrefilledStore(folder);
			if (benches.has('ingest')) await benchIngestPrefilled(prefilled.path, emptyRate);
			if (benches.has('window')) await benchWindowCheck(prefilled);
			if (benches.has('memory')) await benchMemory(prefilled);
		}
		if (benches.has('memory')) await benchLargePayload(folder);
		if (benches.has('limits')) {
			console.log('\nDaily limit');
			await benchLimits(folder);
		}
		if (benches.has('events')) {
			console.log('\nEvent delivery');
			await benchEvents(folder);
		}
		if (benches.has('send')) {
			console.log('\nSending');
			await benchSend(folder);
		}
		if (benches.has('retention')) {
			console.log('\nRetention');
			await benchRetention(folder);
		}
		if (benches.has('n8n')) {
			console.log('\nInside n8n');
			await benchN8n(folder);
		}
	});
	const seconds = (Date.now() - started) / 1000;
	printSummary(seconds);
	if (jsonPath !== null) {
		writeJsonReport(jsonPath, { seconds, loadAverage: loadavg() });
		console.log(`\nFigures written to ${jsonPath}`);
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
