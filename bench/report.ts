/**
 * What the README shows of a bench run's JSON (`npm run bench -- --json <file>`): a Markdown table of
 * every figure with its target and ratio, and a chart of the ingest rates (SVG), bars against the
 * 10,000/s target. scripts/bench-report.ts is the command.
 */
import type { BenchReport, Figure } from './support';

const INGEST_TARGET_PER_SECOND = 10_000;

function escapeXml(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function escapeCell(text: string): string {
	return text.replaceAll('|', '\\|');
}

export function markdownTable(report: BenchReport): string {
	const rows = report.figures.map((figure) => {
		const ratio = figure.ratio === undefined ? '' : `${figure.ratio >= 1 ? '' : '**'}${figure.ratio.toFixed(2)}${figure.ratio >= 1 ? '' : '**'}`;
		return `| ${escapeCell(figure.name)} | ${escapeCell(figure.value)} | ${escapeCell(figure.target ?? '')} | ${ratio} |`;
	});
	const { machine } = report;
	return [
		`${report.date.slice(0, 10)}, ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load average at the end ${machine.loadAverage.map((value) => value.toFixed(2)).join(' / ')}${report.quick ? ' (BENCH_QUICK sizes)' : ''}`,
		'',
		'| figure | measured | target | ratio (≥ 1 meets it) |',
		'|---|---|---|---|',
		...rows,
	].join('\n');
}

/** The bar's label: the figure's name up to its first comma ("ingest, empty store": its second). */
function barLabel(figure: Figure): string {
	const [head, next] = figure.name.split(' (')[0].split(', ');
	return head.includes(' ') || next === undefined ? head : `${head}, ${next}`;
}

/** The embedded store's ingest rates by store size, and the bare insert they are held against. */
function isSqliteIngestRate(figure: Figure): boolean {
	return figure.metrics?.perSecond !== undefined && figure.metrics.storeMessages !== undefined;
}

export function ingestChart(report: BenchReport): string {
	const bars = report.figures.filter(isSqliteIngestRate);
	if (bars.length === 0) throw new Error('The report has no ingest rates (run the ingest bench)');
	const width = 760;
	const labelWidth = 330;
	const barArea = width - labelWidth - 90;
	const rowHeight = 34;
	const top = 44;
	const height = top + bars.length * rowHeight + 36;
	const max = Math.max(INGEST_TARGET_PER_SECOND, ...bars.map((figure) => figure.metrics?.perSecond ?? 0)) * 1.05;
	const x = (value: number) => labelWidth + (value / max) * barArea;
	const targetX = x(INGEST_TARGET_PER_SECOND);
	const rows = bars.map((figure, index) => {
		const value = figure.metrics?.perSecond ?? 0;
		const y = top + index * rowHeight;
		// The bare insert is the yardstick, not held to the target.
		const colour = figure.target === undefined ? '#8a8f98' : value >= INGEST_TARGET_PER_SECOND ? '#25a244' : '#d08a14';
		return [
			`<text x="${labelWidth - 10}" y="${y + 19}" text-anchor="end">${escapeXml(barLabel(figure))}</text>`,
			`<rect x="${labelWidth}" y="${y + 5}" width="${(x(value) - labelWidth).toFixed(1)}" height="20" fill="${colour}"/>`,
			`<text x="${(x(value) + 6).toFixed(1)}" y="${y + 19}">${Math.round(value).toLocaleString('en-US')}/s</text>`,
		].join('\n    ');
	});
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">
  <rect width="${width}" height="${height}" fill="#ffffff"/>
  <text x="12" y="24" font-size="15" font-weight="bold">SQLite webhook ingest by store size (verify + parse + commit, 16 in flight), ${escapeXml(report.date.slice(0, 10))}</text>
  <g>
    ${rows.join('\n    ')}
  </g>
  <line x1="${targetX.toFixed(1)}" y1="${top - 4}" x2="${targetX.toFixed(1)}" y2="${top + bars.length * rowHeight + 4}" stroke="#c0392b" stroke-dasharray="5 4"/>
  <text x="${targetX.toFixed(1)}" y="${height - 10}" text-anchor="middle" fill="#c0392b">target ${INGEST_TARGET_PER_SECOND.toLocaleString('en-US')}/s</text>
</svg>
`;
}
