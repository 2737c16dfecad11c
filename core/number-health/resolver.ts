/**
 * The Automatic tier at work: Meta's current messaging limit, read through the Graph API at most once
 * per refresh period per account in the process (concurrent callers share the read), remembered in
 * the store so that every process and a restart without Meta still know it, and the lowest tier when
 * nothing is known.
 */
import { createHash } from 'node:crypto';

import type { CloudApiClient } from '../cloud-api/client';
import type { NumberHealth } from '../cloud-api/number-health';
import type { KnownMessagingLimit, MessagingLimitReporter } from '../conversation/messaging-limit';
import type { ConversationStore } from '../conversation/store';
import { WhatsAppConversationsError } from '../errors';
import type { MessagingTier } from '../policy/limits';
import { chooseMessagingLimit, parseMetaMessagingLimit, type MessagingLimitProblem, type MessagingLimitReading } from './messaging-limit';

/** How long a read from Meta is used before the next one ("a few minutes"). */
export const MESSAGING_LIMIT_REFRESH_MS = 5 * 60_000;
/** After a failed read, how long the last known value is used before Meta is asked again. */
export const MESSAGING_LIMIT_RETRY_MS = 60_000;

interface AccountReads {
	/** The latest successful read, or null. */
	read: KnownMessagingLimit | null;
	problem: MessagingLimitProblem | null;
	nextReadAt: number;
	inFlight: Promise<void> | null;
}

// Per process: one entry per account, API host and token, so credentials of one account share it.
const accounts = new Map<string, AccountReads>();

/** Forgets this process's reads (not the store's last known values): the next call asks Meta. */
export function clearMessagingLimitReads(): void {
	accounts.clear();
}

export interface MessagingLimitOptions {
	store: ConversationStore;
	/** Reads the number through the credential's token and host. */
	client: CloudApiClient;
	/** The daily limit's scope: the WhatsApp Business Account id. */
	businessAccountId: string;
	now?: () => number;
	refreshMs?: number;
	retryMs?: number;
}

function accountKey(options: MessagingLimitOptions): string {
	const { baseUrl, accessToken } = options.client.config;
	return createHash('sha256').update([baseUrl, options.businessAccountId, accessToken].join('\n')).digest('hex');
}

function problemOf(error: unknown): MessagingLimitProblem {
	if (error instanceof WhatsAppConversationsError) return { code: error.code, message: error.message };
	return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

/** Meta's limit in a health answer, as a record; an unreadable or missing one is a problem. */
function limitFromHealth(health: NumberHealth, businessAccountId: string, at: number): KnownMessagingLimit | MessagingLimitProblem {
	const tier = parseMetaMessagingLimit(health.messagingLimit);
	if (tier !== null) return { scope: businessAccountId, tier, observedAt: at, reportedBy: 'graphApi' };
	return health.messagingLimit === null
		? { code: 'MESSAGING_LIMIT_NOT_REPORTED', message: 'Meta did not report a messaging limit for this number.' }
		: { code: 'MESSAGING_LIMIT_UNKNOWN', message: `Meta reported a messaging limit this package does not know: ${health.messagingLimit}.` };
}

async function storedLimit(store: ConversationStore, scope: string): Promise<KnownMessagingLimit | null> {
	try {
		return await store.getMessagingLimit(scope);
	} catch {
		// The store being down must not stop the answer: this process's read still counts.
		return null;
	}
}

/**
 * Takes a health answer (or the failure to get one) as this account's latest read: remembered in the
 * store and used for the refresh period.
 */
async function takeRead(options: MessagingLimitOptions, entry: AccountReads, outcome: { health: NumberHealth } | { error: unknown }, at: number): Promise<void> {
	const found = 'health' in outcome ? limitFromHealth(outcome.health, options.businessAccountId, at) : problemOf(outcome.error);
	if ('tier' in found) {
		entry.read = found;
		entry.problem = null;
		entry.nextReadAt = at + (options.refreshMs ?? MESSAGING_LIMIT_REFRESH_MS);
		await options.store.recordMessagingLimit(found, at).catch(() => false);
	} else {
		entry.problem = found;
		entry.nextReadAt = at + (options.retryMs ?? MESSAGING_LIMIT_RETRY_MS);
	}
}

function entryOf(options: MessagingLimitOptions): AccountReads {
	const key = accountKey(options);
	let entry = accounts.get(key);
	if (entry === undefined) {
		entry = { read: null, problem: null, nextReadAt: 0, inFlight: null };
		accounts.set(key, entry);
	}
	return entry;
}

/**
 * The messaging limit to apply now for the account: Meta's (read at most once per refresh period in
 * this process, or a newer value a webhook recorded), else the last known one, else the lowest tier.
 * Never throws for Meta's sake; the reading says where the value came from.
 */
export async function currentMessagingLimit(options: MessagingLimitOptions): Promise<MessagingLimitReading> {
	const now = options.now ?? Date.now;
	const entry = entryOf(options);
	if (now() >= entry.nextReadAt) {
		entry.inFlight ??= (async () => {
			try {
				const at = now();
				const outcome = await options.client.getNumberHealth().then(
					(health) => ({ health }),
					(error: unknown) => ({ error }),
				);
				await takeRead(options, entry, outcome, at);
			} finally {
				entry.inFlight = null;
			}
		})();
		await entry.inFlight;
	}
	return chooseMessagingLimit({ read: entry.read, stored: await storedLimit(options.store, options.businessAccountId), problem: entry.problem });
}

/**
 * A health read made for its own sake (the Conversation node's Get Number Health) counts as the
 * account's latest read: its limit is remembered and used without asking Meta again for a while.
 * Returns the limit that applies afterwards.
 */
export async function observeNumberHealth(
	options: MessagingLimitOptions,
	outcome: { health: NumberHealth } | { error: unknown },
): Promise<MessagingLimitReading> {
	const entry = entryOf(options);
	await takeRead(options, entry, outcome, (options.now ?? Date.now)());
	return chooseMessagingLimit({ read: entry.read, stored: await storedLimit(options.store, options.businessAccountId), problem: entry.problem });
}

export interface RememberedMessagingLimit {
	/** The limit as this package knows it; null when the value was not a messaging limit (nothing stored). */
	tier: MessagingTier | null;
	/** False when it was not a limit, or the store already holds a later observation. */
	stored: boolean;
}

/**
 * Remembers a messaging limit Meta reported outside a read: a `phone_number_quality_update`
 * webhook's `current_limit` (or `max_daily_conversations_per_business`), or a
 * `business_capability_update`'s `max_daily_conversations_per_business`. Every process applies it
 * at its next send; an observation older than the stored one changes nothing.
 */
export async function rememberMessagingLimit(
	store: ConversationStore,
	report: { businessAccountId: string; limit: unknown; at: number; reportedBy?: MessagingLimitReporter },
	now: number = Date.now(),
): Promise<RememberedMessagingLimit> {
	const tier = parseMetaMessagingLimit(report.limit);
	if (tier === null) return { tier: null, stored: false };
	const stored = await store.recordMessagingLimit(
		{ scope: report.businessAccountId, tier, observedAt: report.at, reportedBy: report.reportedBy ?? 'webhook' },
		now,
	);
	return { tier, stored };
}
