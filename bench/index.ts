/**
 * Every benchmark in sequence, each figure printed next to its target where the issue sets one, and a
 * summary at the end. Figures, not verdicts: nothing here fails on a slow machine.
 *
 *   npm run bench                      # full sizes: about 5 minutes on 2 cores, 4 GB of temporary disk
 *   BENCH_QUICK=1 npm run bench        # small sizes, a smoke run of the benches
 *   npm run bench -- window events     # only the named benches (ingest, window, memory, limits, events, send, retention)
 */
import { cpus, loadavg } from 'node:os';

import { benchEvents } from './events';
import { benchIngestEmpty, benchIngestPostgres, benchIngestPrefilled } from './ingest';
import { benchLimits } from './limits';
import { benchMemory } from './memory';
import { buildPrefilledStore, type PrefilledStore } from './prefill';
import { benchRetention } from './retention';
import { benchSend } from './send';
import { QUICK, reportedFigures, withTempFolder } from './support';
import { benchWindowCheck } from './window';

const ALL = ['ingest', 'window', 'memory', 'limits', 'events', 'send', 'retention'] as const;
type BenchName = (typeof ALL)[number];

function selected(): Set<BenchName> {
	const asked = process.argv.slice(2).filter((name): name is BenchName => (ALL as readonly string[]).includes(name));
	return new Set(asked.length > 0 ? asked : ALL);
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

async function main(): Promise<void> {
	const started = Date.now();
	const benches = selected();
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
	});
	printSummary((Date.now() - started) / 1000);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
