/**
 * What the business's messages cost: Meta's pricing of each message (from its status webhooks) kept
 * per wamid, counted per number, category, day and conversation, and priced with the business's own
 * rates. Meta bills per message since July 2025 (per-message pricing): marketing, utility and
 * authentication templates are charged, service messages and templates inside an open customer
 * service window or a free entry point are not. The aggregation here is pure.
 */

/** One message's pricing as Meta reported it first (statuses are redelivered; the first report stands). */
export interface MessagePricingRecord {
	wamid: string;
	phoneNumberId: string;
	/** Null when the status arrived before (or without) the send being recorded in the store. */
	conversationId: string | null;
	/** The customer's key; null when Meta reported no recipient. */
	customerId: string | null;
	category: string | null;
	pricingModel: string | null;
	/** regular, free_customer_service, free_entry_point (absent on older payloads). */
	pricingType: string | null;
	billable: boolean | null;
	/** Epoch ms of the status that carried the pricing. */
	timestamp: number;
}

export interface UsageFilter {
	/** Epoch ms, inclusive. */
	from: number;
	/** Epoch ms, exclusive. */
	to: number;
	/** One business number; absent or null: every number of the store. */
	phoneNumberId?: string | null;
}

/** Messages of one group (number, conversation, category, pricing type, billable, UTC day), as the store counts them. */
export interface UsageCount {
	phoneNumberId: string;
	conversationId: string | null;
	customerId: string | null;
	category: string | null;
	pricingType: string | null;
	billable: boolean | null;
	/** UTC day, YYYY-MM-DD. */
	day: string;
	messages: number;
}

export interface UsagePrices {
	/** Price per billable message, by Meta's category (marketing, utility, authentication…). */
	perCategory: Readonly<Record<string, number>>;
	currency: string | null;
}

export interface UsageLine {
	/** Messages Meta priced (billable or free). */
	messages: number;
	billable: number;
	free: number;
	/** Billable messages × the category's price; null without prices. */
	estimatedCost: number | null;
}

export interface UsageSummary {
	totals: UsageLine;
	byNumber: Array<UsageLine & { phoneNumberId: string }>;
	byCategory: Array<UsageLine & { category: string; price: number | null }>;
	byDay: Array<UsageLine & { day: string }>;
	byConversation: Array<UsageLine & { conversationId: string | null; customerId: string | null; phoneNumberId: string }>;
	currency: string | null;
	/** Categories with billable messages but no price given: their messages add nothing to the estimate. */
	unpricedCategories: string[];
}

/** The epoch ms of a UTC day's start as YYYY-MM-DD. */
export function utcDay(epochMs: number): string {
	return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * Whether Meta charges the message: its `billable` flag, or, where a payload leaves the flag out
 * (Meta marks it deprecated in favour of `type`), a `regular` pricing type.
 */
export function isBillable(count: Pick<UsageCount, 'billable' | 'pricingType'>): boolean {
	return count.billable ?? count.pricingType === 'regular';
}

const UNKNOWN_CATEGORY = 'unknown';

function emptyLine(priced: boolean): UsageLine {
	return { messages: 0, billable: 0, free: 0, estimatedCost: priced ? 0 : null };
}

/** Rounded to 6 decimals, so sums of cents do not show binary fractions (0.30000000000000004). */
function roundCost(cost: number | null): number | null {
	return cost === null ? null : Math.round(cost * 1e6) / 1e6;
}

/** Sums the store's counts per number, category, day and conversation; prices the billable ones when prices are given. */
export function summarizeUsage(counts: readonly UsageCount[], prices: UsagePrices | null = null): UsageSummary {
	const priced = prices !== null && Object.keys(prices.perCategory).length > 0;
	const totals = emptyLine(priced);
	const byNumber = new Map<string, UsageLine & { phoneNumberId: string }>();
	const byCategory = new Map<string, UsageLine & { category: string; price: number | null }>();
	const byDay = new Map<string, UsageLine & { day: string }>();
	const byConversation = new Map<string, UsageLine & { conversationId: string | null; customerId: string | null; phoneNumberId: string }>();
	const unpriced = new Set<string>();

	for (const count of counts) {
		const category = count.category ?? UNKNOWN_CATEGORY;
		const billable = isBillable(count);
		const price = priced ? (prices.perCategory[category] ?? null) : null;
		if (priced && billable && price === null) unpriced.add(category);
		const cost = billable && price !== null ? price * count.messages : 0;
		const lines: UsageLine[] = [
			totals,
			upsert(byNumber, count.phoneNumberId, () => ({ phoneNumberId: count.phoneNumberId, ...emptyLine(priced) })),
			upsert(byCategory, category, () => ({ category, price, ...emptyLine(priced) })),
			upsert(byDay, count.day, () => ({ day: count.day, ...emptyLine(priced) })),
			upsert(byConversation, `${count.phoneNumberId}\u0000${count.conversationId ?? `customer:${count.customerId ?? ''}`}`, () => ({
				conversationId: count.conversationId,
				customerId: count.customerId,
				phoneNumberId: count.phoneNumberId,
				...emptyLine(priced),
			})),
		];
		for (const line of lines) {
			line.messages += count.messages;
			if (billable) line.billable += count.messages;
			else line.free += count.messages;
			if (line.estimatedCost !== null) line.estimatedCost += cost;
		}
	}

	const finish = <T extends UsageLine>(line: T): T => ({ ...line, estimatedCost: roundCost(line.estimatedCost) });
	const sorted = <T extends UsageLine>(map: Map<string, T>, order: (a: T, b: T) => number) => [...map.values()].map(finish).sort(order);
	const byBillable = (a: UsageLine, b: UsageLine) => b.billable - a.billable || b.messages - a.messages;
	return {
		totals: finish(totals),
		byNumber: sorted(byNumber, (a, b) => a.phoneNumberId.localeCompare(b.phoneNumberId)),
		byCategory: sorted(byCategory, (a, b) => byBillable(a, b) || a.category.localeCompare(b.category)),
		byDay: sorted(byDay, (a, b) => a.day.localeCompare(b.day)),
		byConversation: sorted(byConversation, byBillable),
		currency: prices?.currency ?? null,
		unpricedCategories: [...unpriced].sort(),
	};
}

function upsert<T>(map: Map<string, T>, key: string, create: () => T): T {
	let value = map.get(key);
	if (value === undefined) {
		value = create();
		map.set(key, value);
	}
	return value;
}
