/**
 * The Automatic messaging tier: which limit applies when the credential leaves it to Meta. Pure rules;
 * resolver.ts asks Meta and the store.
 */
import type { KnownMessagingLimit, MessagingLimitReporter } from '../conversation/messaging-limit';
import { MESSAGING_TIERS, parseTier, tierLimit, type MessagingTier } from '../policy/limits';

/** The credential's "Automatic (from Meta)" choice. */
export const AUTOMATIC_TIER = 'AUTO';

/** What a credential's Messaging Tier holds: a tier, or Automatic. */
export type MessagingTierSetting = MessagingTier | typeof AUTOMATIC_TIER;

/** Used when nothing is known: every business portfolio starts at 250, and it is never too high. */
export const LOWEST_TIER: MessagingTier = 'TIER_250';

/**
 * Meta's messaging limit as any of its answers carries it: a tier name from the phone number's
 * `whatsapp_business_manager_messaging_limit` or a webhook's `current_limit` ("TIER_2K",
 * "TIER_UNLIMITED"), or a number from `max_daily_conversations_per_business` (2000; -1 is
 * unlimited). Null for anything else, including the retired TIER_50 and TIER_1K: guessing would
 * either let sends be refused or waste capacity.
 */
export function parseMetaMessagingLimit(value: unknown): MessagingTier | null {
	if (typeof value === 'number') {
		if (value === -1) return 'TIER_UNLIMITED';
		return MESSAGING_TIERS.find((tier) => tierLimit(tier) === value) ?? null;
	}
	if (typeof value !== 'string') return null;
	const text = value.trim();
	if (text === '-1') return 'TIER_UNLIMITED';
	return parseTier(text);
}

/**
 * Where the limit in use came from: `meta`, Meta's answer (the read of the last few minutes, or a
 * newer webhook); `lastKnown`, Meta could not be read just now and this is the last value it gave
 * (possibly before a restart); `lowest`, nothing is known and the lowest tier applies.
 */
export type MessagingLimitSource = 'meta' | 'lastKnown' | 'lowest';

export interface MessagingLimitProblem {
	code: string;
	message: string;
}

export interface MessagingLimitReading {
	tier: MessagingTier;
	/** Unique customers per rolling 24 h; null when unlimited. */
	limit: number | null;
	source: MessagingLimitSource;
	reportedBy: MessagingLimitReporter | null;
	/** When Meta reported it (epoch ms); null with source `lowest`. */
	observedAt: number | null;
	/** Why Meta could not be read, when the last attempt failed. */
	problem: MessagingLimitProblem | null;
}

/**
 * The limit to apply: the newest of this process's latest read and the store's last known value (a
 * webhook another process recorded may be newer than the read); `lastKnown` when the latest attempt
 * to read failed, the lowest tier when nothing is known at all.
 */
export function chooseMessagingLimit(input: {
	read: KnownMessagingLimit | null;
	stored: KnownMessagingLimit | null;
	problem: MessagingLimitProblem | null;
}): MessagingLimitReading {
	const known = [input.read, input.stored].filter((entry): entry is KnownMessagingLimit => entry !== null);
	const newest = known.reduce<KnownMessagingLimit | null>((best, entry) => (best === null || entry.observedAt > best.observedAt ? entry : best), null);
	if (newest === null) {
		return { tier: LOWEST_TIER, limit: tierLimit(LOWEST_TIER), source: 'lowest', reportedBy: null, observedAt: null, problem: input.problem };
	}
	return {
		tier: newest.tier,
		limit: tierLimit(newest.tier),
		source: input.problem === null ? 'meta' : 'lastKnown',
		reportedBy: newest.reportedBy,
		observedAt: newest.observedAt,
		problem: input.problem,
	};
}
