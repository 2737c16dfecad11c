import { NodeOperationError, updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { parseTier, summarizeUsage, tierLimit, utcDay, type ConversationStore, type UsageSummary } from '../../../core';
import type { WhatsAppCredential } from '../../shared/credentials';
import { phoneNumberScopeProperty } from '../../shared/trigger/descriptions';
import type { OperationExecute } from './common';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Meta's pricing categories (per-message pricing), as its status webhooks name them. */
const CATEGORIES = [
	{ name: 'Authentication', value: 'authentication' },
	{ name: 'Authentication International', value: 'authentication_international' },
	{ name: 'Marketing', value: 'marketing' },
	{ name: 'Marketing Lite', value: 'marketing_lite' },
	{ name: 'Service', value: 'service' },
	{ name: 'Utility', value: 'utility' },
];

const properties: INodeProperties[] = [
	{ ...phoneNumberScopeProperty, description: 'Whose messages to count: the credential\'s number, or every number in the store (each also on its own in byNumber)' },
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		options: [
			{ name: 'Custom', value: 'custom' },
			{ name: 'Last 30 Days', value: 'last30Days', description: 'The 30 UTC days up to and including today' },
			{ name: 'Last 7 Days', value: 'last7Days', description: 'The 7 UTC days up to and including today' },
			{ name: 'This Month', value: 'thisMonth', description: 'Since the first of this month (UTC)' },
			{ name: 'Today', value: 'today', description: 'Since midnight UTC' },
			{ name: 'Yesterday', value: 'yesterday', description: 'The previous UTC day, for a daily summary' },
		],
		default: 'today',
		description: 'Days are UTC days',
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'The first moment counted',
		displayOptions: { show: { period: ['custom'] } },
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Counted up to this moment (not included)',
		displayOptions: { show: { period: ['custom'] } },
	},
	{
		displayName: 'Prices per Message',
		name: 'prices',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Price',
		default: {},
		description:
			"What Meta charges you per billable message of a category (your country's rate card); with prices the output has an estimated cost. Free messages (service, or inside the customer service window) cost nothing.",
		options: [
			{
				displayName: 'Price',
				name: 'price',
				values: [
					{ displayName: 'Category', name: 'category', type: 'options', options: CATEGORIES, default: 'marketing' },
					{ displayName: 'Price', name: 'price', type: 'number', typeOptions: { minValue: 0, numberPrecision: 6 }, default: 0 },
				],
			},
		],
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		default: 'USD',
		description: 'The currency of the prices, shown beside the estimated cost',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Conversations',
				name: 'includeConversations',
				type: 'boolean',
				default: true,
				description: 'Whether to add the counts per conversation (byConversation), most billable first',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getUsage'] } }, properties);

function dateOf(context: IExecuteFunctions, name: string, itemIndex: number): number {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	const text = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? String(value.toString()) : '';
	const at = Date.parse(text);
	if (!Number.isFinite(at)) {
		throw new NodeOperationError(context.getNode(), `"${text}" is not a date and time`, {
			itemIndex,
			description: `Give ${name === 'from' ? 'From' : 'To'} as an ISO date, e.g. 2026-05-01T00:00:00Z`,
		});
	}
	return at;
}

/** [from, to) in epoch ms for the chosen period; days are UTC days. */
export function periodRange(period: string, now: number): { from: number; to: number } {
	const today = Date.parse(`${utcDay(now)}T00:00:00Z`);
	switch (period) {
		case 'yesterday':
			return { from: today - DAY_MS, to: today };
		case 'last7Days':
			return { from: today - 6 * DAY_MS, to: today + DAY_MS };
		case 'last30Days':
			return { from: today - 29 * DAY_MS, to: today + DAY_MS };
		case 'thisMonth':
			return { from: Date.parse(`${utcDay(now).slice(0, 8)}01T00:00:00Z`), to: today + DAY_MS };
		default:
			return { from: today, to: today + DAY_MS };
	}
}

function pricesOf(context: IExecuteFunctions, itemIndex: number): Record<string, number> {
	const rows = (context.getNodeParameter('prices', itemIndex, {}) as { price?: Array<{ category?: string; price?: number }> }).price ?? [];
	const prices: Record<string, number> = {};
	for (const row of rows) {
		if (row.category && typeof row.price === 'number' && Number.isFinite(row.price)) prices[row.category] = row.price;
	}
	return prices;
}

/**
 * Unique customers reached by business-initiated messages in the last 24 h, against the credential's
 * tier, or with Automatic the last limit Meta reported (no call to Meta here).
 */
async function dailyLimitOf(store: ConversationStore, credential: WhatsAppCredential, now: number): Promise<IDataObject> {
	const used = await store.dailyLimitUsage(credential.businessAccountId, now);
	const configured = parseTier(String(credential.tier));
	const known = configured === null ? await store.getMessagingLimit(credential.businessAccountId) : null;
	const tier = configured ?? known?.tier ?? null;
	const limit = tier === null ? null : tierLimit(tier);
	return { used, tier, limit, remaining: limit === null ? null : Math.max(0, limit - used), tierFrom: configured ? 'credential' : known ? 'meta' : null };
}

/** Per-message prices are fractions of a cent: up to 4 decimals, at least 2. */
const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4, useGrouping: false });

function money(amount: number, currency: string | null): string {
	return `${MONEY.format(amount)}${currency ? ` ${currency}` : ''}`;
}

/** One readable paragraph for a message or a notification. */
export function usageSummaryText(summary: UsageSummary, range: { from: number; to: number }, dailyLimit: IDataObject): string {
	const lastDay = utcDay(range.to - 1);
	const days = utcDay(range.from) === lastDay ? utcDay(range.from) : `${utcDay(range.from)} to ${lastDay}`;
	const categories = summary.byCategory
		.filter((line) => line.billable > 0)
		.map((line) => `${line.category} ${line.billable}`)
		.join(', ');
	const parts = [`WhatsApp usage ${days}: ${summary.totals.billable} billable of ${summary.totals.messages} priced messages${categories ? ` (${categories})` : ''}.`];
	if (summary.totals.estimatedCost !== null) {
		const unpriced = summary.unpricedCategories.length > 0 ? ` (no price for ${summary.unpricedCategories.join(', ')})` : '';
		parts.push(`Estimated cost: ${money(summary.totals.estimatedCost, summary.currency)}${unpriced}.`);
	}
	const used = String(dailyLimit.used);
	parts.push(
		dailyLimit.limit === null
			? `Daily limit: ${used} customers reached in the last 24 h (${dailyLimit.tier === null ? 'limit unknown' : 'unlimited'}).`
			: `Daily limit: ${used} of ${String(dailyLimit.limit)} customers reached in the last 24 h.`,
	);
	return parts.join(' ');
}

export const execute: OperationExecute = async function (itemIndex, store, credential) {
	const now = Date.now();
	const period = this.getNodeParameter('period', itemIndex, 'today') as string;
	const range = period === 'custom' ? { from: dateOf(this, 'from', itemIndex), to: dateOf(this, 'to', itemIndex) } : periodRange(period, now);
	if (range.to <= range.from) {
		throw new NodeOperationError(this.getNode(), 'To must be after From', { itemIndex });
	}
	const everyNumber = this.getNodeParameter('phoneNumberScope', itemIndex, 'credential') === 'all';
	const prices = pricesOf(this, itemIndex);
	const currency = String(this.getNodeParameter('currency', itemIndex, 'USD') ?? '').trim() || null;
	const options = this.getNodeParameter('options', itemIndex, {}) as { includeConversations?: boolean };

	const counts = await store.usageCounts({ ...range, phoneNumberId: everyNumber ? null : credential.phoneNumberId });
	const summary = summarizeUsage(counts, Object.keys(prices).length > 0 ? { perCategory: prices, currency } : null);
	const dailyLimit = await dailyLimitOf(store, credential, now);
	const { totals, byConversation, ...breakdown } = summary;
	return [
		{
			from: new Date(range.from).toISOString(),
			to: new Date(range.to).toISOString(),
			phoneNumberId: everyNumber ? null : credential.phoneNumberId,
			...totals,
			...breakdown,
			...(options.includeConversations === false ? {} : { byConversation }),
			dailyLimit,
			summaryText: usageSummaryText(summary, range, dailyLimit),
		} as IDataObject,
	];
};
