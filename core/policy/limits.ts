/**
 * Meta's daily messaging limit: how many unique users a business portfolio may reach with
 * business-initiated messages (templates delivered outside an open customer service window) in a rolling
 * 24 hours. Since October 2025 the limit belongs to the business portfolio, shared by all its numbers,
 * and the tiers are 250 / 2,000 / 10,000 / 100,000 / unlimited (the former 1,000 tier became 2,000).
 * The store counts and reserves; these functions only know the figures and the rules.
 */
import { PolicyError } from '../errors';
import { formatCount } from './text';

export type MessagingTier = 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';

export const MESSAGING_TIERS: readonly MessagingTier[] = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'];

/** The limit is counted over a rolling window, not per calendar day. */
export const LIMIT_WINDOW_MS = 24 * 60 * 60 * 1000;

const TIER_LIMITS: Readonly<Record<MessagingTier, number | null>> = {
	TIER_250: 250,
	TIER_2K: 2000,
	TIER_10K: 10000,
	TIER_100K: 100000,
	TIER_UNLIMITED: null,
};

/** Unique users per rolling 24 h; null means unlimited. */
export function tierLimit(tier: MessagingTier): number | null {
	return TIER_LIMITS[tier];
}

/**
 * Whether a reservation fits: a customer already reserved in the window costs nothing more, a new one
 * only while the scope holds fewer than the limit (null: no limit). Engines apply it as they record a
 * reservation (PostgreSQL's reserve_in_scope states it in SQL), the lifecycle to refuse.
 */
export function reservationFits(previousReservedAt: number | null, used: number, limit: number | null): boolean {
	return previousReservedAt !== null || limit === null || used < limit;
}

/**
 * Reads a tier the way people and Meta write it: "250", "2000", "2,000", "2K", "2k", "TIER_10K",
 * "tier 100k", "100000", "unlimited", "TIER_UNLIMITED". Returns null for anything else, including
 * Meta's retired "TIER_1K" and "TIER_50": guessing a neighbour would either waste capacity or let sends
 * be refused, so the caller should ask the user to pick a tier.
 */
export function parseTier(input: string): MessagingTier | null {
	if (typeof input !== 'string') return null;
	const value = input
		.trim()
		.toUpperCase()
		.replace(/^TIER[\s_-]*/, '')
		// Thousands separators only between digit groups ("2,000", "2.000", "2 000"), so "2.5K" stays invalid.
		.replace(/(?<=\d)[,.'\s\u00a0\u202f](?=\d{3}(?!\d))/g, '')
		.replace(/\s+/g, '');
	if (value === 'UNLIMITED' || value === 'INFINITE' || value === 'NOLIMIT') return 'TIER_UNLIMITED';
	const match = /^(\d+)(K?)$/.exec(value);
	if (match === null) return null;
	const amount = Number(match[1]) * (match[2] === 'K' ? 1000 : 1);
	const found = MESSAGING_TIERS.find((tier) => TIER_LIMITS[tier] === amount);
	return found ?? null;
}

/**
 * Whether a message counts against the daily limit: a template delivered while the customer service
 * window is closed does; anything sent inside an open window (a reply, or a template) does not.
 */
export function isBusinessInitiated(message: { isTemplate: boolean; windowOpen: boolean }): boolean {
	return message.isTemplate && !message.windowOpen;
}

/** How many more unique users can be reached now; null when unlimited, never below 0. */
export function remainingCapacity(tier: MessagingTier, used: number): number | null {
	const limit = tierLimit(tier);
	if (limit === null) return null;
	return Math.max(0, limit - Math.max(0, Math.floor(used)));
}

/** The error for a send refused because the limit is reached (DAILY_LIMIT_REACHED, retryable). */
export function limitReachedError(tier: MessagingTier, used: number): PolicyError {
	const limit = tierLimit(tier);
	const limitText = limit === null ? 'unlimited' : formatCount(limit);
	return new PolicyError(
		'DAILY_LIMIT_REACHED',
		`The daily messaging limit is reached: ${formatCount(used)} of ${limitText} people were already sent a template outside their 24-hour window in the last 24 hours (tier ${tier}).`,
		"Wait until earlier sends fall out of the rolling 24 hours, or raise the messaging limit in Meta's WhatsApp Manager; the limit is shared by every number in your business portfolio.",
		{ tier, limit, used },
	);
}
