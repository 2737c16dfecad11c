import type {
	ButtonsMessageInput,
	ListMessageInput,
	MediaMessageInput,
	TextMessageInput,
} from '../cloud-api/messages';
import type { SendResult } from '../cloud-api/results';
import { assertCaption, assertList, assertReplyButtons, assertTextMessage } from '../policy/content';
import { assertWindowOpen } from '../policy/window';
import type { CustomerWindow } from '../conversation/store';
import { nowOf, type OutboundContext } from './context';
import { resolveRecipient, toRecipient } from './recipient';
import { recordSent, type SentMessage } from './record';

/** A free-form message: allowed only inside the customer's 24-hour window. */
export type SessionMessage =
	| ({ kind: 'text' } & TextMessageInput)
	| ({ kind: 'media' } & MediaMessageInput)
	| ({ kind: 'buttons' } & ButtonsMessageInput)
	| ({ kind: 'list' } & ListMessageInput);

export interface SessionMessageResult extends SentMessage {
	window: CustomerWindow;
}

function assertContent(message: SessionMessage): void {
	switch (message.kind) {
		case 'text':
			return assertTextMessage(message.body);
		case 'media':
			return assertCaption(message.caption);
		case 'buttons':
			return assertReplyButtons(
				message.body,
				message.buttons,
				message.header?.type === 'text' ? message.header.text : undefined,
				message.footer,
			);
		case 'list':
			return assertList({
				body: message.body,
				button: message.buttonText,
				sections: message.sections,
				header: message.header,
				footer: message.footer,
			});
	}
}

function summaryText(message: SessionMessage): string | null {
	switch (message.kind) {
		case 'text':
			return message.body;
		case 'media':
			return message.caption ?? null;
		case 'buttons':
		case 'list':
			return message.body;
	}
}

function send(context: OutboundContext, message: SessionMessage, to: string): Promise<SendResult> {
	switch (message.kind) {
		case 'text':
			return context.client.sendText({ ...message, to });
		case 'media':
			return context.client.sendMedia({ ...message, to });
		case 'buttons':
			return context.client.sendButtons({ ...message, to });
		case 'list':
			return context.client.sendList({ ...message, to });
	}
}

/**
 * Checks the recipient (a phone number or a business-scoped user id), the content and the window
 * before anything leaves, then sends and records the message in its conversation. Throws PolicyError
 * (nothing sent, nothing written) or CloudApiError.
 */
export async function sendSessionMessage(
	context: OutboundContext,
	message: SessionMessage,
): Promise<SessionMessageResult> {
	const parsed = toRecipient(message.to, context.defaultCountry);
	assertContent(message);
	const recipient = await resolveRecipient(context.store, context.phoneNumberId, parsed);
	const window = await context.store.getWindow(context.phoneNumberId, recipient.customerId, nowOf(context));
	assertWindowOpen(window, recipient.address);

	const sent = await send(context, message, recipient.address);
	const type = message.kind === 'media' ? message.mediaType : message.kind === 'text' ? 'text' : 'interactive';
	const { kind, to: _to, ...details } = message;
	const recorded = await recordSent(
		context,
		sent,
		recipient,
		{ type, text: summaryText(message), payload: { kind, ...details } },
		nowOf(context),
	);
	return { ...recorded, window };
}
