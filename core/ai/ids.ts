import { randomUUID } from 'node:crypto';

/**
 * Messages AI Reply stores that WhatsApp never carried get ids of their own, so they can be told
 * apart from Meta's wamids: `ai.` for a reply that was not sent, `ai-in.` for a customer message that
 * came from another channel (email, CRM, chat).
 */
export const AI_REPLY_ID_PREFIX = 'ai.';
export const AI_INBOUND_ID_PREFIX = 'ai-in.';

/** Marker in the raw payload of a customer message AI Reply recorded itself. */
export const AI_RECORDED_SOURCE = 'whatsapp-ai-reply';

export function aiReplyId(): string {
	return `${AI_REPLY_ID_PREFIX}${randomUUID()}`;
}

export function aiInboundId(): string {
	return `${AI_INBOUND_ID_PREFIX}${randomUUID()}`;
}

/**
 * True for a customer message AI Reply recorded itself (it did not arrive through Meta's webhook).
 * Message Received triggers should skip these: the flow that recorded it is already answering it.
 */
export function isRecordedByAiReply(message: { wamid: string; raw?: Readonly<Record<string, unknown>> | null }): boolean {
	return message.wamid.startsWith(AI_INBOUND_ID_PREFIX) || message.raw?.source === AI_RECORDED_SOURCE;
}
