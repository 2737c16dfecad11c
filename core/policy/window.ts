/**
 * The customer service window: for 24 hours after a customer's last message the business may send
 * free-form messages; outside it only approved templates go through (Meta answers error 131047,
 * "Re-engagement message", otherwise).
 */
import { PolicyError } from '../errors';
import { quoteValue } from './text';

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What Meta answers when a free-form message is sent outside the window. */
export const META_WINDOW_CLOSED_ERROR_CODE = 131047;

export interface WindowState {
	open: boolean;
	/** When the window closes (or closed), epoch ms; null when the contact never wrote. */
	expiresAt: number | null;
	/** Time left while open, 0 when closed. */
	remainingMs: number;
}

/**
 * The window at `now` given the customer's last inbound message time (epoch ms). A contact who never
 * wrote (or an unknown time) has a closed window. The window is open strictly before
 * `lastInboundAt + 24 h`: at exactly 24 hours it is closed, as Meta counts it.
 */
export function windowState(lastInboundAt: number | null, now: number): WindowState {
	if (lastInboundAt === null || !Number.isFinite(lastInboundAt)) {
		return { open: false, expiresAt: null, remainingMs: 0 };
	}
	const expiresAt = lastInboundAt + CUSTOMER_SERVICE_WINDOW_MS;
	const open = now < expiresAt;
	// A timestamp slightly in the future (clock skew between hosts) must not promise more than 24 h.
	const remainingMs = open ? Math.min(expiresAt - now, CUSTOMER_SERVICE_WINDOW_MS) : 0;
	return { open, expiresAt, remainingMs };
}

/** Throws WINDOW_CLOSED unless the window is open; `recipient` names the contact in the message. */
export function assertWindowOpen(state: WindowState, recipient: string): void {
	if (state.open) return;
	const who = quoteValue(recipient);
	const expiresAt = state.expiresAt !== null && Number.isFinite(state.expiresAt) ? state.expiresAt : null;
	const message =
		expiresAt === null
			? `${who} has not written to this WhatsApp number yet, so no 24-hour customer service window is open and a free-form message cannot be sent.`
			: `The 24-hour customer service window with ${who} closed at ${formatUtc(expiresAt)}, so a free-form message cannot be sent.`;
	throw new PolicyError(
		'WINDOW_CLOSED',
		message,
		'Send an approved message template instead (WhatsApp Send Template); once the customer replies, free-form messages are allowed again for 24 hours.',
		{
			recipient,
			expiresAt,
			closedAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
			metaErrorCode: META_WINDOW_CLOSED_ERROR_CODE,
		},
	);
}

/** "2026-11-21 23:51 UTC": readable, unambiguous whatever the user's timezone. */
function formatUtc(epochMs: number): string {
	const iso = new Date(epochMs).toISOString();
	return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
