/**
 * What every bench shares: sizes (full or BENCH_QUICK=1), timing, percentiles, a seeded random source,
 * and the printer that puts each figure next to its target. Benchmarks print figures; they never
 * assert, so a slow machine gives a slow figure, not a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';

/** BENCH_QUICK=1 shrinks every size so the whole run is a smoke test of the benches themselves. */
export const QUICK = process.env.BENCH_QUICK === '1';

export function size(full: number, quick: number): number {
	return QUICK ? quick : full;
}

export function nowNs(): bigint {
	return process.hrtime.bigint();
}

export function secondsSince(startNs: bigint): number {
	return Number(process.hrtime.bigint() - startNs) / 1e9;
}

export function microsSince(startNs: bigint): number {
	return Number(process.hrtime.bigint() - startNs) / 1e3;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function sortedCopy(values: readonly number[]): number[] {
	return [...values].sort((a, b) => a - b);
}

export function formatCount(value: number): string {
	return Math.round(value).toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
	if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
	if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${Math.round(bytes)} B`;
}

export interface Figure {
	name: string;
	/** The measurement as printed, with its unit. */
	value: string;
	/** The issue's target, as text ("p99 <= 50 µs"); absent where none is set. */
	target?: string;
	/** measurement / target (or target / measurement for "lower is better"), >= 1 meets the target. */
	ratio?: number;
	/** How it was measured or why it is what it is, in a few words. */
	note?: string;
	/** The measurement as numbers (rate per second, percentiles in µs or ms...), for charts of the JSON. */
	metrics?: Record<string, number>;
}

const figures: Figure[] = [];

/** Prints a figure at once and keeps it for the summary at the end of the run. */
export function report(figure: Figure): void {
	figures.push(figure);
	const target = figure.target === undefined ? '' : `   [target ${figure.target}${figure.ratio === undefined ? '' : `; ratio ${figure.ratio.toFixed(2)}`}]`;
	console.log(`  ${figure.name}: ${figure.value}${target}${figure.note === undefined ? '' : `   (${figure.note})`}`);
}

/** A line that is not a figure: what is being prepared, how long it took. */
export function info(text: string): void {
	console.log(`  · ${text}`);
}

export function reportedFigures(): readonly Figure[] {
	return figures;
}

/** What `npm run bench -- --json <file>` writes: the run's figures and where they were measured. */
export interface BenchReport {
	date: string;
	quick: boolean;
	seconds: number;
	machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; loadAverage: number[] };
	figures: Figure[];
}

export function writeJsonReport(path: string, run: { seconds: number; loadAverage: number[] }): void {
	const report: BenchReport = {
		date: new Date().toISOString(),
		quick: QUICK,
		seconds: Math.round(run.seconds),
		machine: {
			cpu: cpus()[0]?.model ?? 'unknown',
			cores: cpus().length,
			memoryGiB: Math.round(totalmem() / 1024 ** 3),
			os: `${platform()} ${release()}`,
			node: process.version,
			loadAverage: run.loadAverage,
		},
		figures,
	};
	writeFileSync(path, `${JSON.stringify(report, null, '\t')}\n`);
}

/** A temporary folder for the duration of `work`, removed even when it throws. */
export async function withTempFolder<T>(prefix: string, work: (folder: string) => Promise<T>): Promise<T> {
	const folder = mkdtempSync(join(tmpdir(), prefix));
	try {
		return await work(folder);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
