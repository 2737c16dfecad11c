/**
 * The README's Benchmarks table and chart from a bench run's JSON (bench/report.ts makes them).
 *
 *   npm run bench:report -- bench.json                                  # prints the table
 *   npm run bench:report -- bench.json docs/benchmarks/ingest-rate.svg  # and writes the chart
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { ingestChart, markdownTable } from '../bench/report';
import type { BenchReport } from '../bench/support';

function main(): void {
	const [jsonPath, svgPath] = process.argv.slice(2);
	if (!jsonPath) throw new Error('Usage: npm run bench:report -- <bench.json> [chart.svg]');
	const cwd = process.env.INIT_CWD ?? process.cwd();
	const report = JSON.parse(readFileSync(resolve(cwd, jsonPath), 'utf8')) as BenchReport;
	console.log(markdownTable(report));
	if (svgPath) {
		writeFileSync(resolve(cwd, svgPath), ingestChart(report));
		console.log(`\nChart written to ${svgPath}`);
	}
}

main();
