import type { SendResult } from '../cloud-api/results';
import type { OutboundContext } from './context';
import type { Recipient } from './recipient';

export interface SentMessage {
	wamid: string;
	/** The customer's key in the store: the wa_id digits, or the business-scoped user id. */
	customerId: string;
	/** Meta's wa_id of the recipient (digits), as it answered; null when the customer is known by BSUID only. */
	waId: string | null;
	/** The recipient in E.164 form; null when the customer is known by BSUID only. */
	to: string | null;
	/** The business-scoped user id the message went to, when it went to one. */
	userId: string | null;
	conversationId: string;
	isNewConversation: boolean;
	/** Meta's acceptance status for templates (accepted, held_for_quality_assessment, paused). */
	messageStatus: string | null;
}

/** Writes a message Meta accepted into its conversation, opening one when needed. */
export async function recordSent(
	context: OutboundContext,
	sent: SendResult,
	recipient: Recipient,
	message: { type: string; text: string | null; payload: Record<string, unknown> },
	sentAt: number,
): Promise<SentMessage> {
	const { conversation, isNewConversation } = await context.store.recordOutbound(
		{
			wamid: sent.wamid,
			businessAccountId: context.businessAccountId,
			phoneNumberId: context.phoneNumberId,
			displayPhoneNumber: context.displayPhoneNumber ?? null,
			customerId: recipient.customerId,
			type: message.type,
			text: message.text,
			payload: message.payload,
			timestamp: sentAt,
		},
		{ now: sentAt, inactivityTimeoutMs: context.inactivityTimeoutMs },
	);
	return {
		wamid: sent.wamid,
		// The store's key: a BSUID linked to the customer's number comes back as that number's key.
		customerId: conversation.customerId,
		waId: sent.waId ?? recipient.waId,
		to: recipient.e164,
		userId: sent.userId ?? recipient.userId,
		conversationId: conversation.id,
		isNewConversation,
		messageStatus: sent.messageStatus,
	};
}
