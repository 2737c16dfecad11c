import { summarizeUsage } from '../../../core';
import { periodRange, usageSummaryText } from '../../../nodes/WhatsAppConversation/actions/getUsage.operation';

const NOW = Date.parse('2026-03-15T10:30:00Z');
const DAY = 24 * 60 * 60 * 1000;
const iso = (range: { from: number; to: number }) => [new Date(range.from).toISOString(), new Date(range.to).toISOString()];

describe("Get Usage's periods", () => {
	it('are whole UTC days ending with today, or yesterday alone', () => {
		expect(iso(periodRange('today', NOW))).toEqual(['2026-03-15T00:00:00.000Z', '2026-03-16T00:00:00.000Z']);
		expect(iso(periodRange('yesterday', NOW))).toEqual(['2026-03-14T00:00:00.000Z', '2026-03-15T00:00:00.000Z']);
		expect(iso(periodRange('last7Days', NOW))).toEqual(['2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z']);
		expect(periodRange('last30Days', NOW).to - periodRange('last30Days', NOW).from).toBe(30 * DAY);
		expect(iso(periodRange('thisMonth', NOW))).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-16T00:00:00.000Z']);
	});
});

describe("Get Usage's summaryText", () => {
	const counts = [
		{ phoneNumberId: 'p', conversationId: 'c', customerId: '1', category: 'marketing', pricingType: 'regular', billable: true, day: '2026-03-14', messages: 3 },
		{ phoneNumberId: 'p', conversationId: 'c', customerId: '1', category: 'service', pricingType: 'free_customer_service', billable: false, day: '2026-03-14', messages: 2 },
	];

	it('names the day, billable messages per category, the estimate and the limit', () => {
		const summary = summarizeUsage(counts, { perCategory: { marketing: 0.025 }, currency: 'USD' });
		expect(usageSummaryText(summary, periodRange('yesterday', NOW), { used: 3, tier: 'TIER_250', limit: 250 })).toBe(
			'WhatsApp usage 2026-03-14: 3 billable of 5 priced messages (marketing 3). Estimated cost: 0.075 USD. Daily limit: 3 of 250 customers reached in the last 24 h.',
		);
	});

	it('spans several days, says which categories had no price, and an unlimited or unknown limit', () => {
		const summary = summarizeUsage(counts, { perCategory: { utility: 0.004 }, currency: null });
		const week = periodRange('last7Days', NOW);
		expect(usageSummaryText(summary, week, { used: 3, tier: 'TIER_UNLIMITED', limit: null })).toBe(
			'WhatsApp usage 2026-03-09 to 2026-03-15: 3 billable of 5 priced messages (marketing 3). Estimated cost: 0.00 (no price for marketing). Daily limit: 3 customers reached in the last 24 h (unlimited).',
		);
		expect(usageSummaryText(summarizeUsage([]), week, { used: 0, tier: null, limit: null })).toBe(
			'WhatsApp usage 2026-03-09 to 2026-03-15: 0 billable of 0 priced messages. Daily limit: 0 customers reached in the last 24 h (limit unknown).',
		);
	});
});
