import type { SendResult } from '../cloud-api/results';
import type { OutboundContext } from './context';

export interface SentMessage {
	wamid: string;
	/** Meta's wa_id of the recipient (digits), as it answered. */
	waId: string;
	/** The recipient in E.164 form. */
	to: string;
	conversationId: string;
	isNewConversation: boolean;
	/** Meta's acceptance status for templates (accepted, held_for_quality_assessment, paused). */
	messageStatus: string | null;
}

/** Writes a message Meta accepted into its conversation, opening one when needed. */
export async function recordSent(
	context: OutboundContext,
	sent: SendResult,
	recipient: { e164: string; waId: string },
	message: { type: string; text: string | null; payload: Record<string, unknown> },
	sentAt: number,
): Promise<SentMessage> {
	const waId = sent.waId ?? recipient.waId;
	const { conversation, isNewConversation } = await context.store.recordOutbound(
		{
			wamid: sent.wamid,
			businessAccountId: context.businessAccountId,
			phoneNumberId: context.phoneNumberId,
			displayPhoneNumber: context.displayPhoneNumber ?? null,
			customerId: recipient.waId,
			type: message.type,
			text: message.text,
			payload: message.payload,
			timestamp: sentAt,
		},
		{ now: sentAt, inactivityTimeoutMs: context.inactivityTimeoutMs },
	);
	return {
		wamid: sent.wamid,
		waId,
		to: recipient.e164,
		conversationId: conversation.id,
		isNewConversation,
		messageStatus: sent.messageStatus,
	};
}
