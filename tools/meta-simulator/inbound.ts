/**
 * Builds the `messages[]` entry of an inbound notification for each documented type, and the
 * `statuses[]` entry for a status update, following the shared Meta samples field by field.
 */
import { randomBytes } from 'node:crypto';
import { metaErrorDetails, metaErrorTitle } from './meta-errors';
import { digitsOf, newWamid, type SentMessage, type SimulatorState } from './state';
import { formatTimestamp, type TimestampFormat } from './webhooks';
import type { JsonRecord } from './validate';

export interface InboundMediaInput {
	/** Stored in the simulator so the client can download it; random bytes when omitted. */
	data?: Buffer;
	mimeType?: string;
	caption?: string;
	filename?: string;
	/** audio: a voice note recorded in WhatsApp. */
	voice?: boolean;
	/** Include the lookaside-style `url` some deliveries carry. */
	includeUrl?: boolean;
}

export interface InboundInput {
	/**
	 * Sender phone number (digits, "+" optional). Leave it out, with `userId`, for a customer who uses a
	 * WhatsApp username: Meta then sends only the business-scoped user id.
	 */
	from?: string;
	/** The sender's business-scoped user id (from_user_id, contacts[].user_id), e.g. "US.13491208655302741918". */
	userId?: string;
	/** The sender's WhatsApp username (contacts[].profile.username). */
	username?: string;
	/** Profile name in contacts[]; default "Test User". */
	name?: string;
	/** Which business number receives it; default: the first one. */
	phoneNumberId?: string;
	/** Default 'text'. Any other string is sent as given (use `message` for its fields). */
	type?: string;
	text?: string;
	media?: InboundMediaInput;
	location?: { latitude: number; longitude: number; name?: string; address?: string };
	/** interactive button_reply. */
	buttonReply?: { id: string; title: string };
	/** interactive list_reply. */
	listReply?: { id: string; title: string; description?: string };
	/** Template quick-reply button press (type "button"). */
	button?: { text: string; payload?: string };
	/** Reaction to `messageId`; an empty emoji means the reaction was removed. */
	reaction?: { messageId: string; emoji: string };
	/** Quote: the customer replied to this message. */
	context?: { id: string; from?: string };
	/** Extra or overriding fields merged into the message object. */
	message?: JsonRecord;
	wamid?: string;
	/** Unix seconds; default: the simulator clock. */
	timestamp?: number;
	timestampFormat?: TimestampFormat;
	/** Leave contacts[] out (real deliveries sometimes do). */
	omitContacts?: boolean;
	/** Record the inbound time, opening the 24-hour window (default true). */
	openWindow?: boolean;
}

function inboundMedia(state: SimulatorState, kind: string, input: InboundMediaInput, phoneNumberId: string, baseUrl: string): JsonRecord {
	const defaultMime: Record<string, string> = {
		image: 'image/jpeg',
		audio: 'audio/ogg; codecs=opus',
		video: 'video/mp4',
		document: 'application/pdf',
		sticker: 'image/webp',
	};
	const stored = state.addMedia(input.data ?? randomBytes(64), input.mimeType ?? defaultMime[kind] ?? 'application/octet-stream', phoneNumberId);
	// Meta's webhook sha256 is base64 (see the image sample); the GET /{media-id} answer uses hex.
	const media: JsonRecord = {
		mime_type: stored.mimeType,
		sha256: Buffer.from(stored.sha256, 'hex').toString('base64'),
		id: stored.id,
	};
	if (input.caption !== undefined) media.caption = input.caption;
	if (input.filename !== undefined) media.filename = input.filename;
	if (input.voice !== undefined) media.voice = input.voice;
	if (input.includeUrl) media.url = mediaDownloadUrl(baseUrl, stored.id);
	return media;
}

export function mediaDownloadUrl(baseUrl: string, mediaId: string): string {
	return `${baseUrl}/whatsapp_business/attachments/?mid=${mediaId}&ext=${Math.floor(Date.now() / 1000) + 300}&hash=${randomBytes(8).toString('hex')}`;
}

export function buildInboundMessage(
	state: SimulatorState,
	input: InboundInput,
	phoneNumberId: string,
	baseUrl: string,
	timestampFormat: TimestampFormat,
): JsonRecord {
	const type = input.type ?? 'text';
	const timestampMs = input.timestamp !== undefined ? input.timestamp * 1000 : state.now();
	const message: JsonRecord = {};
	if (input.from !== undefined) message.from = digitsOf(input.from);
	if (input.userId !== undefined) message.from_user_id = input.userId;
	Object.assign(message, { id: input.wamid ?? newWamid(), timestamp: formatTimestamp(timestampMs, input.timestampFormat ?? timestampFormat), type });
	if (input.context) message.context = { from: input.context.from ?? phoneNumberId, id: input.context.id };

	switch (type) {
		case 'text':
			message.text = { body: input.text ?? 'Hello' };
			break;
		case 'image':
		case 'audio':
		case 'video':
		case 'document':
		case 'sticker':
			message[type] = inboundMedia(state, type, input.media ?? {}, phoneNumberId, baseUrl);
			break;
		case 'location':
			message.location = input.location ?? { latitude: 37.4847, longitude: -122.1477 };
			break;
		case 'interactive':
			message.interactive = input.listReply
				? { type: 'list_reply', list_reply: input.listReply }
				: { type: 'button_reply', button_reply: input.buttonReply ?? { id: 'button-1', title: 'Yes' } };
			break;
		case 'button':
			message.button = { payload: input.button?.payload ?? input.button?.text ?? 'Yes', text: input.button?.text ?? 'Yes' };
			break;
		case 'reaction':
			message.reaction = { message_id: input.reaction?.messageId ?? newWamid(), emoji: input.reaction?.emoji ?? '👍' };
			break;
	}
	return { ...message, ...input.message };
}

/** contacts[] of an inbound notification: the profile and whichever ids Meta shares for the sender. */
export function senderContact(input: InboundInput): JsonRecord {
	const profile: JsonRecord = { name: input.name ?? 'Test User' };
	if (input.username !== undefined) profile.username = input.username;
	const contact: JsonRecord = { profile };
	if (input.from !== undefined) contact.wa_id = digitsOf(input.from);
	if (input.userId !== undefined) contact.user_id = input.userId;
	return contact;
}

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';

export function buildStatus(
	sent: SentMessage,
	status: StatusName,
	atMs: number,
	timestampFormat: TimestampFormat,
	options: { windowWasOpen: boolean; errorCode?: number },
): JsonRecord {
	const entry: JsonRecord = {
		id: sent.wamid,
		status,
		timestamp: formatTimestamp(atMs, timestampFormat),
	};
	// recipient_id is the number, only when the send named one; recipient_user_id the BSUID, except on
	// failures of sends to a number (Meta's documented webhook changes for usernames).
	if (sent.waId !== null) entry.recipient_id = sent.waId;
	if (sent.userId !== null && !(status === 'failed' && sent.waId !== null)) entry.recipient_user_id = sent.userId;
	if (status === 'failed') {
		const code = options.errorCode ?? 131000;
		entry.errors = [
			{
				code,
				title: metaErrorTitle(code),
				message: metaErrorTitle(code),
				error_data: { details: metaErrorDetails(code) },
				href: '/documentation/business-messaging/whatsapp/support/error-codes',
			},
		];
		return entry;
	}
	const category = sent.template ? sent.template.category.toLowerCase() : 'service';
	const free = sent.template === undefined || (options.windowWasOpen && category === 'utility');
	entry.pricing = {
		billable: !free,
		pricing_model: 'PMP',
		type: free ? 'free_customer_service' : 'regular',
		category,
	};
	return entry;
}
