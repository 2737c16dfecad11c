import { CloudApiError } from '../cloud-api/errors';
import type { ConversationRecord } from '../conversation/types';
import { PolicyError } from '../errors';
import { sendSessionMessage, type OutboundContext } from '../outbound';
import type { ConversationStore, CustomerWindow } from '../conversation/store';
import type { ConversationAddress } from './customer-message';
import { AI_RECORDED_SOURCE, aiReplyId } from './ids';

export type NotSentReason = 'not_requested' | 'not_a_whatsapp_customer' | 'window_closed';

export interface Delivery {
	sent: boolean;
	/** Why it was not sent; null when it was. */
	reason: NotSentReason | null;
	/** What to do about it, in a sentence; null when sent or not asked to send. */
	hint: string | null;
	/** WhatsApp message ids of the parts sent, in order. */
	messageIds: string[];
	/** When the customer's window closes (epoch ms), when known. */
	windowExpiresAt: number | null;
	/** Id under which the reply is stored: the first part's wamid, or `ai.<uuid>` when not sent. */
	replyMessageId: string | null;
}

function notSent(reason: NotSentReason, hint: string | null, window: CustomerWindow | null): Delivery {
	return { sent: false, reason, hint, messageIds: [], windowExpiresAt: window?.expiresAt ?? null, replyMessageId: null };
}

const CLOSED_HINT = 'The customer has not written in the last 24 hours: send an approved template instead (WhatsApp Send Template).';

/**
 * Sends the reply's parts through WhatsApp inside the customer's window; each part is stored by the
 * send. `recipient` is the customer's phone number or business-scoped user id (null: not a WhatsApp
 * customer). `windowBefore` is the window as it was before this execution stored anything, so a
 * message that came from another channel cannot open it.
 */
export async function sendReply(
	outbound: OutboundContext,
	recipient: string | null,
	parts: readonly string[],
	windowBefore: CustomerWindow | null,
): Promise<Delivery> {
	if (recipient === null) {
		return notSent(
			'not_a_whatsapp_customer',
			'The customer identifier is neither a phone number nor a business-scoped user ID, so there is no WhatsApp chat to send to.',
			null,
		);
	}
	if (windowBefore !== null && !windowBefore.open) return notSent('window_closed', CLOSED_HINT, windowBefore);
	const messageIds: string[] = [];
	let expiresAt: number | null = windowBefore?.expiresAt ?? null;
	for (const body of parts) {
		try {
			const result = await sendSessionMessage(outbound, { kind: 'text', to: recipient, body });
			messageIds.push(result.wamid);
			expiresAt = result.window.expiresAt;
		} catch (error) {
			// Only before the first part: a window that closes between parts is a failure, not a skip.
			// Meta's own refusal (131047) counts too: the store's window can be ahead of Meta's when a
			// message from another channel was stored for this number earlier.
			const windowClosed =
				(error instanceof PolicyError && error.code === 'WINDOW_CLOSED') || (error instanceof CloudApiError && error.metaCode === 131047);
			if (windowClosed && messageIds.length === 0) return notSent('window_closed', CLOSED_HINT, windowBefore);
			throw error;
		}
	}
	return { sent: true, reason: null, hint: null, messageIds, windowExpiresAt: expiresAt, replyMessageId: messageIds[0] ?? null };
}

/** Stores a reply that was not sent here, so the transcript and the next turn's history have it. */
export async function recordUnsentReply(
	store: ConversationStore,
	address: ConversationAddress,
	reply: { text: string; model: string; inReplyTo: string | null; parts: number },
	options: { now: number; inactivityTimeoutMs: number },
): Promise<{ id: string; conversation: ConversationRecord }> {
	const id = aiReplyId();
	const { conversation } = await store.recordOutbound(
		{
			wamid: id,
			businessAccountId: address.businessAccountId,
			phoneNumberId: address.phoneNumberId,
			displayPhoneNumber: address.displayPhoneNumber ?? null,
			customerId: address.customerId,
			type: 'text',
			text: reply.text,
			payload: { source: AI_RECORDED_SOURCE, sent: false, model: reply.model, inReplyTo: reply.inReplyTo, parts: reply.parts },
			timestamp: options.now,
		},
		options,
	);
	return { id, conversation };
}
