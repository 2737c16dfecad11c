import type { ConversationRecord } from './types';

/** How long a conversation may sit idle before the sweep closes it, unless configured otherwise. */
export const DEFAULT_INACTIVITY_TIMEOUT_MS = 30 * 60 * 1000;

/** Idle past the timeout: the next message starts a new conversation, and the sweep may close this one. */
export function isIdle(
	conversation: Pick<ConversationRecord, 'lastMessageAt'>,
	now: number,
	inactivityTimeoutMs: number,
): boolean {
	return now - conversation.lastMessageAt >= inactivityTimeoutMs;
}

/** The newest moment a conversation may have been active and still count as idle at `now`. */
export function idleCutoff(now: number, inactivityTimeoutMs: number): number {
	return now - inactivityTimeoutMs;
}

// Statuses only move forward: a late `delivered` must not overwrite `read`. `failed` ends the line.
const STATUS_RANK: Readonly<Record<string, number>> = {
	sent: 1,
	delivered: 2,
	read: 3,
	played: 4,
	failed: 5,
	deleted: 5,
};

/** Whether a status update should replace the status a message already has. */
export function supersedesStatus(current: string | null, incoming: string): boolean {
	if (current === null) return true;
	return (STATUS_RANK[incoming] ?? 0) > (STATUS_RANK[current] ?? 0);
}
