import type { AccountEvent } from './account-events';

/**
 * The normalized shape of what a Meta webhook delivers. The parser turns every entry × change ×
 * message/status/error into these; the store and the nodes only ever see these, never Meta's JSON.
 */

/** Meta's message types as documented; any other string is a future type, kept as it came. */
export type KnownMessageType =
	| 'text'
	| 'image'
	| 'audio'
	| 'video'
	| 'document'
	| 'sticker'
	| 'location'
	| 'contacts'
	| 'interactive'
	| 'button'
	| 'reaction'
	| 'order'
	| 'system'
	| 'unsupported'
	| 'request_welcome';

export interface MediaReference {
	id: string;
	mimeType: string | null;
	sha256: string | null;
	caption: string | null;
	filename: string | null;
	/** True for a voice note recorded in WhatsApp (audio.voice). */
	voice: boolean;
	/** Direct download URL some deliveries include; fetching it still needs the access token. */
	url: string | null;
	/** Stickers only: true for an animated sticker. The parser always sets it (false when absent). */
	animated?: boolean;
}

/** A reply the customer chose: interactive button/list reply, flow reply or template quick-reply button. */
export interface ChosenReply {
	kind: 'button_reply' | 'list_reply' | 'nfm_reply' | 'quick_reply';
	id: string | null;
	title: string;
	description: string | null;
	/**
	 * nfm_reply (WhatsApp Flow) only: the flow's answers, parsed from Meta's `response_json` string
	 * (null when absent or not a JSON object). The parser sets it to null for the other kinds.
	 */
	flowResponse?: Readonly<Record<string, unknown>> | null;
}

/** A shared location (type `location`); coordinates are null only if Meta left them out. */
export interface SharedLocation {
	latitude: number | null;
	longitude: number | null;
	name: string | null;
	address: string | null;
	url: string | null;
}

export interface MetaErrorDetail {
	code: number;
	title: string;
	message: string | null;
	details: string | null;
}

/** Where a message came from on Meta's side: phone number id, its WhatsApp Business Account. */
export interface BusinessEndpoint {
	/** entry[].id: the WhatsApp Business Account id. */
	businessAccountId: string;
	phoneNumberId: string;
	displayPhoneNumber: string | null;
}

export interface InboundMessage extends BusinessEndpoint {
	wamid: string;
	/**
	 * The customer's key (customerKey in core/policy): the normalized wa_id digits when Meta sends a
	 * phone number (legacy forms such as Brazil's without the mobile 9 repaired), otherwise the
	 * business-scoped user id. The store replaces a BSUID by the phone number key it is linked to.
	 * The ids exactly as Meta reported them are customerWaId and customerUserId.
	 */
	customerId: string;
	customerWaId: string | null;
	customerUserId: string | null;
	customerName: string | null;
	/** WhatsApp username (`contacts[].profile.username`, 2026 onwards); the parser always sets it. */
	customerUsername?: string | null;
	/** Meta's `type`, as sent ('unknown' when absent); future types pass through unchanged. */
	type: KnownMessageType | (string & {});
	/** Epoch milliseconds. */
	timestamp: number;
	/** Human-readable content: body, caption, reply title, location name/address, reaction emoji... */
	text: string | null;
	media: MediaReference | null;
	reply: ChosenReply | null;
	/** For `location` messages; the parser always sets it (null for other types). */
	location?: SharedLocation | null;
	/** The message this one answers or reacts to, and forwarding flags. */
	context: {
		messageId: string | null;
		from: string | null;
		forwarded: boolean;
		frequentlyForwarded: boolean;
		referredProduct: { catalogId: string; productRetailerId: string } | null;
	} | null;
	/** Click-to-WhatsApp ad referral, as Meta sent it. */
	referral: Readonly<Record<string, unknown>> | null;
	/** For reactions: the reacted message and the emoji (null when the reaction was removed). */
	reaction: { messageId: string; emoji: string | null } | null;
	/** Errors Meta attached to the message (e.g. `unsupported` type). */
	errors: MetaErrorDetail[];
	/** The message object exactly as Meta sent it, for power users. */
	raw: Readonly<Record<string, unknown>>;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'deleted' | (string & {});

export interface StatusUpdate extends BusinessEndpoint {
	/** The wamid of the outbound message this status is about. */
	wamid: string;
	status: DeliveryStatus;
	/** Epoch milliseconds. */
	timestamp: number;
	recipientId: string | null;
	/** `recipient_id` (wa_id) and `recipient_user_id` (BSUID) as reported; the parser always sets them. */
	recipientWaId?: string | null;
	recipientUserId?: string | null;
	errors: MetaErrorDetail[];
	/** Meta's conversation (billing) object when present; absent from v24 onwards in some cases. */
	conversation: { id: string; originType: string | null; expiresAt: number | null } | null;
	/**
	 * Meta's pricing of the message (per-message pricing since July 2025: `category` marketing, utility,
	 * authentication, service…, `type` regular, free_customer_service or free_entry_point). `type` is
	 * absent on statuses stored before it was read.
	 */
	pricing: { billable: boolean | null; category: string | null; pricingModel: string | null; type?: string | null } | null;
	raw: Readonly<Record<string, unknown>>;
}

/** A system-level error change (value.errors) not tied to a single message. */
export interface WebhookSystemError extends BusinessEndpoint {
	errors: MetaErrorDetail[];
}

export interface ParsedWebhook {
	messages: InboundMessage[];
	statuses: StatusUpdate[];
	errors: WebhookSystemError[];
	/** Changes whose field is not `messages`: template reviews, number quality, account decisions, preferences... */
	accountEvents: AccountEvent[];
}
