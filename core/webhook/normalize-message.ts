/** One validated Meta message object → the normalized InboundMessage. */
import type {
	BusinessEndpoint,
	ChosenReply,
	InboundMessage,
	MediaReference,
	SharedLocation,
} from './types';
import type { InboundMessagePayload, MediaPayload, SenderContactPayload } from './schema';
import { MAX_STORED_PAYLOAD_BYTES } from '../conversation/payload-cap';
import { customerKey } from '../policy/customer';
import { nonEmpty, toEpochMs, toMetaErrors } from './normalize-common';
import { formatPath, invalidPayload, type PayloadPath } from './payload-error';

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

export function normalizeMessage(
	message: InboundMessagePayload,
	endpoint: BusinessEndpoint,
	senders: readonly SenderContactPayload[] | undefined,
	path: PayloadPath,
): InboundMessage {
	const sender = findSender(message, senders);
	const customerWaId = message.from ?? sender?.wa_id ?? null;
	const customerUserId = message.from_user_id ?? sender?.user_id ?? null;
	const reportedId = customerWaId ?? customerUserId;
	if (reportedId === null) {
		throw invalidPayload(`${formatPath([...path, 'from'])}: expected string (or from_user_id), got nothing`);
	}
	const type = message.type ?? 'unknown';
	const media = toMedia(message, type);
	const reply = toReply(message);
	const location = type === 'location' ? toLocation(message) : null;

	return {
		...endpoint,
		wamid: message.id,
		customerId: customerKey(reportedId),
		customerWaId,
		customerUserId,
		customerName: nonEmpty(sender?.profile?.name),
		customerUsername: nonEmpty(sender?.profile?.username),
		type,
		timestamp: toEpochMs(message.timestamp),
		text: summarize(message, type, media, reply, location),
		media,
		reply,
		location,
		context: toContext(message),
		referral: message.referral ?? null,
		reaction: toReaction(message),
		errors: toMetaErrors(message.errors),
		raw: message,
	};
}

/**
 * Meta lists sender profiles beside the messages. Match by phone or BSUID; when the message names no
 * sender at all, a lone profile is the sender (the usual single-message delivery).
 */
function findSender(
	message: InboundMessagePayload,
	senders: readonly SenderContactPayload[] | undefined,
): SenderContactPayload | undefined {
	if (senders === undefined || senders.length === 0) return undefined;
	const { from, from_user_id: fromUserId } = message;
	if (from === undefined && fromUserId === undefined) return senders.length === 1 ? senders[0] : undefined;
	return senders.find(
		(sender) =>
			(from !== undefined && sender.wa_id === from) || (fromUserId !== undefined && sender.user_id === fromUserId),
	);
}

function isMediaType(type: string): type is MediaType {
	return (MEDIA_TYPES as readonly string[]).includes(type);
}

function toMedia(message: InboundMessagePayload, type: string): MediaReference | null {
	const payload: MediaPayload | undefined = isMediaType(type) ? message[type] : undefined;
	if (payload === undefined) return null;
	return {
		id: payload.id,
		mimeType: payload.mime_type ?? null,
		sha256: payload.sha256 ?? null,
		caption: nonEmpty(payload.caption),
		filename: payload.filename ?? null,
		voice: payload.voice === true,
		url: payload.url ?? null,
		animated: payload.animated === true,
	};
}

function toReply(message: InboundMessagePayload): ChosenReply | null {
	const { interactive, button } = message;
	if (message.type === 'button' && button !== undefined) {
		// Template quick-reply: `payload` is what the business defined, `text` what the customer saw.
		return {
			kind: 'quick_reply',
			id: button.payload ?? null,
			title: button.text ?? button.payload ?? '',
			description: null,
			flowResponse: null,
		};
	}
	if (interactive === undefined) return null;
	const choice = interactive.button_reply ?? interactive.list_reply;
	if (choice !== undefined) {
		return {
			kind: interactive.list_reply !== undefined ? 'list_reply' : 'button_reply',
			id: choice.id ?? null,
			title: choice.title ?? '',
			description: choice.description ?? null,
			flowResponse: null,
		};
	}
	const flow = interactive.nfm_reply;
	if (flow === undefined) return null;
	const flowResponse = parseFlowResponse(flow.response_json);
	const flowToken = flowResponse?.['flow_token'];
	return {
		kind: 'nfm_reply',
		// The flow_token is the business's own handle on the flow it sent, the natural id to branch on.
		id: typeof flowToken === 'string' ? flowToken : null,
		title: flow.body ?? flow.name ?? '',
		description: null,
		flowResponse,
	};
}

/** A flow's answers arrive as a JSON string; a broken one must not reject the delivery (raw keeps it). */
function parseFlowResponse(json: string | undefined): Readonly<Record<string, unknown>> | null {
	if (json === undefined) return null;
	// Answers larger than the store keeps of one payload would be cut there anyway: parsing them would
	// only hold their size in memory once more (a 3 MB delivery). Their flow_token is still read.
	if (json.length > MAX_STORED_PAYLOAD_BYTES) return { flow_token: flowTokenOf(json), truncated: true, bytes: Buffer.byteLength(json, 'utf8') };
	try {
		const parsed: unknown = JSON.parse(json);
		return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
			? (parsed as Record<string, unknown>)
			: null;
	} catch {
		return null;
	}
}

/** The first "flow_token" member's string value (a key: quotes inside JSON strings are escaped). */
function flowTokenOf(json: string): string | null {
	const quoted = /"flow_token"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(json)?.[1];
	if (quoted === undefined) return null;
	try {
		return JSON.parse(quoted) as string;
	} catch {
		return null;
	}
}

function toLocation(message: InboundMessagePayload): SharedLocation | null {
	const location = message.location;
	if (location === undefined) return null;
	return {
		latitude: location.latitude === undefined ? null : Number(location.latitude),
		longitude: location.longitude === undefined ? null : Number(location.longitude),
		name: nonEmpty(location.name),
		address: nonEmpty(location.address),
		url: nonEmpty(location.url),
	};
}

function toContext(message: InboundMessagePayload): InboundMessage['context'] {
	const context = message.context;
	if (context === undefined) return null;
	const product = context.referred_product;
	return {
		messageId: context.id ?? null,
		from: context.from ?? null,
		forwarded: context.forwarded === true,
		frequentlyForwarded: context.frequently_forwarded === true,
		referredProduct:
			product === undefined
				? null
				: { catalogId: product.catalog_id, productRetailerId: product.product_retailer_id },
	};
}

function toReaction(message: InboundMessagePayload): InboundMessage['reaction'] {
	const reaction = message.reaction;
	if (reaction === undefined || reaction.message_id === undefined) return null;
	// A removed reaction comes with an empty emoji, or none at all.
	return { messageId: reaction.message_id, emoji: nonEmpty(reaction.emoji) };
}

/** The human-readable line for transcripts, AI prompts and no-code filters. */
function summarize(
	message: InboundMessagePayload,
	type: string,
	media: MediaReference | null,
	reply: ChosenReply | null,
	location: SharedLocation | null,
): string | null {
	switch (type) {
		case 'text':
			return nonEmpty(message.text?.body);
		case 'image':
		case 'video':
		case 'document':
		case 'audio':
		case 'sticker':
			return media?.caption ?? null;
		case 'button':
		case 'interactive':
			return nonEmpty(reply?.title);
		case 'location':
			return location === null ? null : summarizeLocation(location);
		case 'contacts':
			return summarizeContacts(message);
		case 'reaction':
			return nonEmpty(message.reaction?.emoji);
		case 'order':
			return summarizeOrder(message);
		case 'system':
			return nonEmpty(message.system?.body);
		default:
			// unsupported, request_welcome and future types have no text of their own.
			return null;
	}
}

/** "name, address", else "latitude,longitude": a location's line in transcripts (inbound and outbound alike). */
export function summarizeLocation(location: SharedLocation): string | null {
	const label = [location.name, location.address].filter((part) => part !== null).join(', ');
	if (label !== '') return label;
	return location.latitude === null || location.longitude === null
		? null
		: `${location.latitude},${location.longitude}`;
}

function summarizeContacts(message: InboundMessagePayload): string | null {
	return summarizeContactNames(
		(message.contacts ?? []).map((card) => {
			const name = card.name;
			if (name === undefined) return null;
			return (
				nonEmpty(name.formatted_name) ??
				nonEmpty([name.first_name, name.last_name].filter((part) => part !== undefined).join(' '))
			);
		}),
	);
}

/** Contact cards' names joined by ", " (inbound and outbound alike); null when none has one. */
export function summarizeContactNames(names: ReadonlyArray<string | null>): string | null {
	const named = names.map((name) => name?.trim() ?? '').filter((name) => name !== '');
	return named.length === 0 ? null : named.join(', ');
}

/** "2 items", followed by the customer's note when the order has one ("2 items: no onions"). */
function summarizeOrder(message: InboundMessagePayload): string | null {
	const order = message.order;
	if (order === undefined) return null;
	const count = order.product_items?.length ?? 0;
	const items = `${count} ${count === 1 ? 'item' : 'items'}`;
	const note = nonEmpty(order.text);
	return note === null ? items : `${items}: ${note}`;
}
