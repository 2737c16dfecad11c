import {
	buildContactsMessage,
	buildCtaUrlMessage,
	buildLocationMessage,
	buildLocationRequestMessage,
	buildReactionMessage,
	type ButtonsMessageInput,
	type ContactsMessageInput,
	type CtaUrlMessageInput,
	type ListMessageInput,
	type LocationMessageInput,
	type LocationRequestMessageInput,
	type MediaMessageInput,
	type ReactionMessageInput,
	type TextMessageInput,
} from '../cloud-api/messages';
import type { SendResult } from '../cloud-api/results';
import {
	assertCaption,
	assertContacts,
	assertCtaUrl,
	assertList,
	assertLocation,
	assertLocationRequest,
	assertReaction,
	assertReplyButtons,
	assertTextMessage,
} from '../policy/content';
import { summarizeContactNames, summarizeLocation } from '../webhook/normalize-message';
import { assertWindowOpen } from '../policy/window';
import type { CustomerWindow } from '../conversation/store';
import { nowOf, type OutboundContext, type SendHooks } from './context';
import { resolveRecipient, toRecipient } from './recipient';
import { recordSent, type SentMessage } from './record';

/** A free-form message: allowed only inside the customer's 24-hour window. */
export type SessionMessage =
	| ({ kind: 'text' } & TextMessageInput)
	| ({ kind: 'media' } & MediaMessageInput)
	| ({ kind: 'buttons' } & ButtonsMessageInput)
	| ({ kind: 'list' } & ListMessageInput)
	| ({ kind: 'reaction' } & ReactionMessageInput)
	| ({ kind: 'location' } & LocationMessageInput)
	| ({ kind: 'contacts' } & ContactsMessageInput)
	| ({ kind: 'cta_url' } & CtaUrlMessageInput)
	| ({ kind: 'location_request' } & LocationRequestMessageInput);

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
		case 'reaction':
			return assertReaction(message.messageId, message.emoji);
		case 'location':
			return assertLocation(message.latitude, message.longitude);
		case 'contacts':
			return assertContacts(message.contacts);
		case 'cta_url':
			return assertCtaUrl(message);
		case 'location_request':
			return assertLocationRequest(message.body);
	}
}

/**
 * The stored text, written like an inbound message of the same kind so transcripts read alike: a
 * reaction is its emoji (none when removed: "[reaction removed]"), a location its name and address or
 * coordinates, contacts their names, interactive messages their body.
 */
function summaryText(message: SessionMessage): string | null {
	switch (message.kind) {
		case 'text':
			return message.body;
		case 'media':
			return message.caption ?? null;
		case 'buttons':
		case 'list':
		case 'cta_url':
		case 'location_request':
			return message.body;
		case 'reaction':
			return message.emoji.trim() || null;
		case 'location':
			return summarizeLocation({
				latitude: message.latitude,
				longitude: message.longitude,
				name: message.name?.trim() || null,
				address: message.address?.trim() || null,
				url: null,
			});
		case 'contacts':
			return summarizeContactNames(message.contacts.map((card) => card.formattedName));
	}
}

/** The message type the store keeps: Meta's `type` of the payload. */
function storedType(message: SessionMessage): string {
	switch (message.kind) {
		case 'media':
			return message.mediaType;
		case 'buttons':
		case 'list':
		case 'cta_url':
		case 'location_request':
			return 'interactive';
		default:
			return message.kind;
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
		case 'reaction':
			return context.client.sendMessage(buildReactionMessage({ ...message, to }));
		case 'location':
			return context.client.sendMessage(buildLocationMessage({ ...message, to }));
		case 'contacts':
			return context.client.sendMessage(buildContactsMessage({ ...message, to }));
		case 'cta_url':
			return context.client.sendMessage(buildCtaUrlMessage({ ...message, to }));
		case 'location_request':
			return context.client.sendMessage(buildLocationRequestMessage({ ...message, to }));
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
	hooks: SendHooks = {},
): Promise<SessionMessageResult> {
	const parsed = toRecipient(message.to, context.defaultCountry);
	assertContent(message);
	const recipient = await resolveRecipient(context.store, context.phoneNumberId, parsed);
	const window = await context.store.getWindow(context.phoneNumberId, recipient.customerId, nowOf(context));
	assertWindowOpen(window, recipient.address);

	await hooks.beforeSend?.(recipient.customerId);
	const sent = await send(context, message, recipient.address);
	const { kind, to: _to, ...details } = message;
	const recorded = await recordSent(
		context,
		sent,
		recipient,
		{ type: storedType(message), text: summaryText(message), payload: { kind, ...details } },
		nowOf(context),
	);
	return { ...recorded, window };
}
