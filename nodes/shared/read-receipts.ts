/**
 * Blue ticks and "typing…" for the customer's message (Meta's read status, with `typing_indicator`).
 * They are courtesy, never the work itself: a failure is logged and nothing else happens.
 */
import type { Logger } from 'n8n-workflow';

import { WhatsAppConversationsError, type CloudApiClient } from '../../core';

export interface ReadReceipt {
	/** Also show "typing…" (Meta removes it with the next message sent, or after 25 s). */
	typingIndicator: boolean;
}

/** Sends the read receipt; resolves whether Meta took it, never rejects. The client's errors carry no token. */
export async function sendReadReceipt(client: CloudApiClient, wamid: string, receipt: ReadReceipt, logger: Pick<Logger, 'warn'>): Promise<boolean> {
	try {
		await client.markAsRead(wamid, { typingIndicator: receipt.typingIndicator });
		return true;
	} catch (error) {
		const reason = error instanceof WhatsAppConversationsError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
		logger.warn(`WhatsApp could not mark message ${wamid} as read${receipt.typingIndicator ? ' (with typing indicator)' : ''}: ${reason}`);
		return false;
	}
}

/** Receipts this process sent (or is sending), per business number and message: whether with typing. */
const sent = new Map<string, boolean>();
/** Enough for the messages whose triggers are still emitting; the oldest are forgotten first. */
const REMEMBERED = 10_000;

/**
 * The trigger's read receipt, once per message in this process however many workflows the message
 * fans out to: a second trigger sends again only to add the typing indicator the first did not ask
 * for. A failed receipt is not tried again by the other triggers (Meta refuses the same id the same
 * way). After a restart a redelivered message may be marked again, which Meta accepts.
 */
export function markReadOnce(client: CloudApiClient, phoneNumberId: string, wamid: string, receipt: ReadReceipt, logger: Pick<Logger, 'warn'>): Promise<boolean> | undefined {
	const key = `${phoneNumberId}:${wamid}`;
	const before = sent.get(key);
	if (before === true || (before === false && !receipt.typingIndicator)) return undefined;
	sent.delete(key);
	sent.set(key, receipt.typingIndicator);
	if (sent.size > REMEMBERED) sent.delete(sent.keys().next().value as string);
	return sendReadReceipt(client, wamid, receipt, logger);
}
