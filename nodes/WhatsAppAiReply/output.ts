import type { IDataObject } from 'n8n-workflow';

import type { AiReplyResult } from '../../core';

const TAKEOVER_HINT = 'A person has taken over this conversation; turn AI replies back on with the WhatsApp Conversation node (Set AI Replies).';

const REACTION_HINT = 'The customer reacted with an emoji; AI Reply answers messages, not reactions. Filter reactions out before this step to skip it quietly.';

function iso(epochMs: number | null): string | null {
	return epochMs === null ? null : new Date(epochMs).toISOString();
}

/**
 * The node's item: the same keys whether the model answered or a takeover skipped it, so a flow can
 * branch on `skipped` or `sent` without checking for missing fields.
 */
export function replyItem(result: AiReplyResult): IDataObject {
	const common = {
		conversationId: result.conversationId,
		customerId: result.customerId,
		customerPhone: result.customerPhone,
		messageRecorded: result.messageRecorded,
	};
	if (result.skipped) {
		return {
			skipped: true,
			skipReason: result.skipReason,
			reply: null,
			replyParts: [],
			...common,
			model: null,
			finishReason: null,
			usage: null,
			sent: false,
			reason: result.skipReason,
			hint: result.skipReason === 'reaction' ? REACTION_HINT : TAKEOVER_HINT,
			sentMessageIds: [],
			windowExpiresAt: null,
			replyMessageId: null,
			replyRecorded: false,
			history: null,
			image: null,
			transcription: null,
		};
	}
	const { delivery } = result;
	return {
		skipped: false,
		skipReason: null,
		reply: result.reply,
		replyParts: result.replyParts,
		...common,
		model: result.model,
		finishReason: result.finishReason,
		usage: { ...result.usage },
		sent: delivery.sent,
		reason: delivery.reason,
		hint: delivery.hint,
		sentMessageIds: delivery.messageIds,
		windowExpiresAt: iso(delivery.windowExpiresAt),
		replyMessageId: delivery.replyMessageId,
		replyRecorded: result.replyRecorded,
		history: { ...result.history },
		image: result.image ? { ...result.image } : null,
		transcription: result.transcription,
	};
}
