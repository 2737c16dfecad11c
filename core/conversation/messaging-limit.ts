import { MESSAGING_TIERS, type MessagingTier } from '../policy/limits';

/** Who told us: a Graph API read of the number, or one of Meta's account webhooks. */
export type MessagingLimitReporter = 'graphApi' | 'webhook';

/**
 * Meta's latest word on an account's messaging limit, as the store remembers it so that a restart
 * without Meta still knows it. `scope` is the daily limit's scope: the WhatsApp Business Account id.
 */
export interface KnownMessagingLimit {
	scope: string;
	tier: MessagingTier;
	/** When Meta reported it (epoch ms): a webhook's time, or the moment of the read. */
	observedAt: number;
	reportedBy: MessagingLimitReporter;
}

/** A messaging_limits row (either engine) as the record; a tier this package no longer knows reads as none. */
export function toKnownMessagingLimit(row: Record<string, unknown>): KnownMessagingLimit | null {
	const tier = MESSAGING_TIERS.find((known) => known === row.tier);
	if (tier === undefined) return null;
	return {
		scope: String(row.scope),
		tier,
		observedAt: Number(row.observed_at),
		reportedBy: row.reported_by === 'webhook' ? 'webhook' : 'graphApi',
	};
}
