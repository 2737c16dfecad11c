import { isBillable, summarizeUsage, utcDay, type UsageCount } from '../../../core';

const A = '106540352242922';
const B = '200000000000002';

function count(overrides: Partial<UsageCount>): UsageCount {
	return {
		phoneNumberId: A,
		conversationId: 'c-1',
		customerId: '16505550001',
		category: 'marketing',
		pricingType: 'regular',
		billable: true,
		day: '2026-01-01',
		messages: 1,
		...overrides,
	};
}

describe('summarizeUsage', () => {
	const counts = [
		count({ messages: 3 }),
		count({ category: 'utility', messages: 2 }),
		count({ category: 'service', pricingType: 'free_customer_service', billable: false, messages: 5 }),
		count({ conversationId: 'c-2', customerId: '16505550002', day: '2026-01-02', messages: 1 }),
		count({ phoneNumberId: B, conversationId: 'c-3', customerId: '16505550003', category: 'authentication', messages: 4 }),
	];

	it('counts billable and free messages per number, category, day and conversation', () => {
		const summary = summarizeUsage(counts);
		expect(summary.totals).toEqual({ messages: 15, billable: 10, free: 5, estimatedCost: null });
		expect(summary.byNumber).toEqual([
			{ phoneNumberId: A, messages: 11, billable: 6, free: 5, estimatedCost: null },
			{ phoneNumberId: B, messages: 4, billable: 4, free: 0, estimatedCost: null },
		]);
		expect(summary.byCategory.map((line) => [line.category, line.billable, line.free])).toEqual([
			['authentication', 4, 0],
			['marketing', 4, 0],
			['utility', 2, 0],
			['service', 0, 5],
		]);
		expect(summary.byDay).toEqual([
			{ day: '2026-01-01', messages: 14, billable: 9, free: 5, estimatedCost: null },
			{ day: '2026-01-02', messages: 1, billable: 1, free: 0, estimatedCost: null },
		]);
		expect(summary.byConversation.map((line) => [line.conversationId, line.billable, line.messages])).toEqual([
			['c-1', 5, 10],
			['c-3', 4, 4],
			['c-2', 1, 1],
		]);
		expect(summary.currency).toBeNull();
		expect(summary.unpricedCategories).toEqual([]);
	});

	it('estimates the cost of billable messages with the given prices and names the categories without one', () => {
		const summary = summarizeUsage(counts, { perCategory: { marketing: 0.1, utility: 0.02, service: 5 }, currency: 'EUR' });
		// 4 × 0.1 + 2 × 0.02; free service messages cost nothing; authentication has no price.
		expect(summary.totals.estimatedCost).toBe(0.44);
		expect(summary.byCategory.find((line) => line.category === 'marketing')).toMatchObject({ price: 0.1, estimatedCost: 0.4 });
		expect(summary.byCategory.find((line) => line.category === 'service')).toMatchObject({ estimatedCost: 0 });
		expect(summary.byNumber.find((line) => line.phoneNumberId === B)?.estimatedCost).toBe(0);
		expect(summary.byDay.map((line) => line.estimatedCost)).toEqual([0.34, 0.1]);
		expect(summary.currency).toBe('EUR');
		expect(summary.unpricedCategories).toEqual(['authentication']);
	});

	it('treats a missing billable flag by the pricing type, and a missing category as unknown', () => {
		expect(isBillable({ billable: null, pricingType: 'regular' })).toBe(true);
		expect(isBillable({ billable: null, pricingType: 'free_entry_point' })).toBe(false);
		expect(isBillable({ billable: false, pricingType: 'regular' })).toBe(false);
		const summary = summarizeUsage([count({ category: null, billable: null, pricingType: null })]);
		expect(summary.byCategory).toEqual([{ category: 'unknown', price: null, messages: 1, billable: 0, free: 1, estimatedCost: null }]);
	});

	it('gives UTC days', () => {
		expect(utcDay(Date.UTC(2026, 0, 1, 23, 59, 59, 999))).toBe('2026-01-01');
		expect(utcDay(Date.UTC(2026, 0, 2))).toBe('2026-01-02');
	});
});
