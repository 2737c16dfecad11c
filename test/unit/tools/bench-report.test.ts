import { ingestChart, markdownTable } from '../../../bench/report';
import type { BenchReport } from '../../../bench/support';

const report: BenchReport = {
	date: '2026-12-01T12:00:00.000Z',
	quick: false,
	seconds: 300,
	machine: { cpu: 'AMD EPYC', cores: 2, memoryGiB: 24, os: 'linux 6.1', node: 'v24.21.0', loadAverage: [0.5, 0.4, 0.3] },
	figures: [
		{ name: 'ingest, empty store (verify + parse + commit)', value: '12,000/s', target: '>= 10,000/s', ratio: 1.2, metrics: { perSecond: 12_000, storeMessages: 0 } },
		{ name: 'ingest, store holding 1,000,000 messages', value: '7,000/s', target: '>= 0.8 of empty', ratio: 0.73, metrics: { perSecond: 7_000, storeMessages: 1_000_000 } },
		{ name: 'bare SQLite insert of the same rows, one transaction each', value: '20,000/s', metrics: { perSecond: 20_000, storeMessages: 0 } },
		{ name: 'limit reservations, embedded, rate across the 8 processes', value: '4,000/s', metrics: { perSecond: 4_000 } },
		{ name: 'window check | p99', value: 'p99 40 µs', target: 'p99 <= 50 µs', ratio: 1.25 },
		{ name: 'event delivery', value: 'p50 1 ms' },
	],
};

describe('bench report', () => {
	it('tables every figure with its target, a missed ratio in bold, and the machine and date', () => {
		const table = markdownTable(report);
		expect(table).toContain('2026-12-01, 2 × AMD EPYC, 24 GiB, linux 6.1, Node v24.21.0');
		expect(table).toContain('| ingest, empty store (verify + parse + commit) | 12,000/s | >= 10,000/s | 1.20 |');
		expect(table).toContain('| ingest, store holding 1,000,000 messages | 7,000/s | >= 0.8 of empty | **0.73** |');
		expect(table).toContain('| window check \\| p99 |');
		expect(table).toContain('| event delivery | p50 1 ms |  |  |');
	});

	it('charts the SQLite ingest rates by store size against the 10,000/s target, coloured by whether they meet it', () => {
		const svg = ingestChart(report);
		expect(svg.match(/<rect x=/g)).toHaveLength(3);
		expect(svg).toContain('>ingest, empty store</text>');
		expect(svg).toContain('>12,000/s</text>');
		expect(svg).toContain('fill="#25a244"');
		expect(svg).toContain('fill="#d08a14"');
		// The bare insert is the yardstick: grey. Other rates (reservations) are no ingest.
		expect(svg).toContain('>bare SQLite insert of the same rows</text>');
		expect(svg).toContain('fill="#8a8f98"');
		expect(svg).not.toContain('reservations');
		expect(svg).toContain('target 10,000/s');
	});

	it('refuses a report without ingest rates', () => {
		expect(() => ingestChart({ ...report, figures: report.figures.slice(3) })).toThrow('no ingest rates');
	});
});
