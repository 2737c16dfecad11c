import type { StoreEvent } from '../events/types';
import type { StoreWriter } from './engine';

/**
 * Bursts: a customer's messages that arrive within a quiet period of each other reach a trigger as
 * one turn. The store keeps a trigger's pending bursts (one per business number and customer) until
 * they are due; these are the rules for when that is.
 */

/** A burst the store holds for one trigger: the customer's messages not yet emitted. */
export interface PendingBurst {
	phoneNumberId: string;
	customerId: string;
	/** How many messages it holds. */
	size: number;
	/** Epoch ms the first and the latest of them arrived (their events' creation). */
	firstAt: number;
	lastAt: number;
}

export interface BurstLimits {
	/** The burst is emitted once the customer has sent nothing for this long. */
	quietMs: number;
	/** A chatty customer still gets an answer: a burst is emitted when it holds this many messages... */
	maxMessages: number;
	/** ...or when its first message is this old, however short the gaps. */
	maxAgeMs: number;
}

export const BURST_MAX_MESSAGES = 10;
/** The age cap, in quiet periods: a burst never waits longer than this many of them. */
export const BURST_MAX_AGE_QUIET_PERIODS = 5;

export function burstLimits(quietMs: number): BurstLimits {
	return { quietMs, maxMessages: BURST_MAX_MESSAGES, maxAgeMs: quietMs * BURST_MAX_AGE_QUIET_PERIODS };
}

/** When the burst is to be emitted: after the quiet period from its latest message, or at a cap. */
export function burstDueAt(burst: PendingBurst, limits: BurstLimits): number {
	if (burst.size >= limits.maxMessages) return burst.lastAt;
	return Math.min(burst.lastAt + limits.quietMs, burst.firstAt + limits.maxAgeMs);
}

/** Only a customer's messages form bursts. */
export type ReceivedEvent = Extract<StoreEvent, { type: 'message.received' }>;

/** What one take of due bursts gives the trigger. */
export interface DueBursts {
	/** Each burst's events, oldest first; taken from the store, so no other take returns them. */
	bursts: StoreEvent[][];
	/** When the earliest burst still pending is due; null when none is. */
	nextDueAt: number | null;
}

/**
 * Holds a received message in the subscriber's pending burst of its customer and moves the cursor
 * past it, in the caller's transaction: the event is either in the burst or still ahead of the cursor.
 */
export async function holdInBurst(tx: StoreWriter, subscriberId: string, event: ReceivedEvent, now: number): Promise<void> {
	await tx.putBurstEvent(subscriberId, {
		eventId: event.id,
		phoneNumberId: event.phoneNumberId,
		customerId: event.payload.message.customerId,
		arrivedAt: event.createdAt,
	});
	await tx.advanceSubscription(subscriberId, event.id, now);
}

/** Takes the subscriber's bursts that are due at `now` out of the store, in the caller's transaction. */
export async function takeDueBursts(tx: StoreWriter, subscriberId: string, limits: BurstLimits, now: number): Promise<DueBursts> {
	const bursts: StoreEvent[][] = [];
	let nextDueAt: number | null = null;
	for (const burst of await tx.pendingBursts(subscriberId)) {
		const dueAt = burstDueAt(burst, limits);
		if (dueAt > now) {
			nextDueAt = Math.min(nextDueAt ?? dueAt, dueAt);
			continue;
		}
		const events = await tx.eventsByIds(await tx.takeBurst(subscriberId, burst.phoneNumberId, burst.customerId));
		if (events.length > 0) bursts.push(events);
	}
	return { bursts, nextDueAt };
}
