/**
 * Pure builders for POST /{phone-number-id}/messages bodies, in the exact shapes of Meta's documented
 * requests. They check structure only (one media source, fields a type cannot carry); content limits
 * (text length, button count, window, templates) are the policy layer's job and Meta's.
 */
import { CloudApiError } from './errors';
import type { TemplateButtonInput, TemplateHeaderInput, TemplateSendRequest, TemplateTextValue } from '../template/request';

export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';
export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'audio', 'video', 'document', 'sticker'];

export interface MediaObject {
	id?: string;
	link?: string;
	caption?: string;
	filename?: string;
}

/** Exactly one of `to` (a phone number) and `recipient` (a business-scoped user id): Meta prefers `to` when both are set. */
type Addressee = { to: string; recipient?: never } | { recipient: string; to?: never };

type Envelope = Addressee & {
	messaging_product: 'whatsapp';
	recipient_type: 'individual';
	/** Quotes an earlier message in the chat. */
	context?: { message_id: string };
};

export type TextPayload = Envelope & {
	type: 'text';
	text: { body: string; preview_url?: boolean };
};

export type MediaPayload = { [K in MediaKind]: Envelope & { type: K } & { [P in K]: MediaObject } }[MediaKind];

export type InteractiveHeaderPayload =
	| { type: 'text'; text: string }
	| { type: 'image'; image: MediaObject }
	| { type: 'video'; video: MediaObject }
	| { type: 'document'; document: MediaObject };

export type InteractiveButtonsPayload = Envelope & {
	type: 'interactive';
	interactive: {
		type: 'button';
		header?: InteractiveHeaderPayload;
		body: { text: string };
		footer?: { text: string };
		action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
	};
};

export type InteractiveListPayload = Envelope & {
	type: 'interactive';
	interactive: {
		type: 'list';
		header?: { type: 'text'; text: string };
		body: { text: string };
		footer?: { text: string };
		action: {
			button: string;
			sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
		};
	};
};

export type ReactionPayload = Envelope & {
	type: 'reaction';
	/** An empty emoji removes the business's reaction. */
	reaction: { message_id: string; emoji: string };
};

export interface LocationObject {
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
}

export type LocationPayload = Envelope & { type: 'location'; location: LocationObject };

/** Meta's contact card: `name.formatted_name` is required, the rest optional. */
export interface ContactCardPayload {
	name: { formatted_name: string; first_name?: string; last_name?: string };
	phones?: Array<{ phone: string; type?: string; wa_id?: string }>;
	emails?: Array<{ email: string; type?: string }>;
	urls?: Array<{ url: string; type?: string }>;
	org?: { company?: string; title?: string };
	birthday?: string;
}

export type ContactsPayload = Envelope & { type: 'contacts'; contacts: ContactCardPayload[] };

export type InteractiveCtaUrlPayload = Envelope & {
	type: 'interactive';
	interactive: {
		type: 'cta_url';
		header?: { type: 'text'; text: string };
		body: { text: string };
		footer?: { text: string };
		action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
	};
};

export type InteractiveLocationRequestPayload = Envelope & {
	type: 'interactive';
	interactive: { type: 'location_request_message'; body: { text: string }; action: { name: 'send_location' } };
};

export type TemplateParameterPayload =
	| { type: 'text'; text: string; parameter_name?: string }
	| { type: 'image'; image: MediaObject }
	| { type: 'video'; video: MediaObject }
	| { type: 'document'; document: MediaObject }
	| { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string } }
	| { type: 'payload'; payload: string }
	| { type: 'coupon_code'; coupon_code: string };

export type TemplateComponentPayload =
	| { type: 'header' | 'body'; parameters: TemplateParameterPayload[] }
	| { type: 'button'; sub_type: 'quick_reply' | 'url' | 'copy_code'; index: string; parameters: TemplateParameterPayload[] };

export type TemplatePayload = Envelope & {
	type: 'template';
	template: { name: string; language: { code: string }; components?: TemplateComponentPayload[] };
};

export type OutgoingMessage =
	| TextPayload
	| MediaPayload
	| InteractiveButtonsPayload
	| InteractiveListPayload
	| InteractiveCtaUrlPayload
	| InteractiveLocationRequestPayload
	| ReactionPayload
	| LocationPayload
	| ContactsPayload
	| TemplatePayload;

export interface MarkAsReadPayload {
	messaging_product: 'whatsapp';
	status: 'read';
	message_id: string;
	/** Shows "typing…" to the customer until the reply is sent (or 25 s pass). */
	typing_indicator?: { type: 'text' };
}

// ---- inputs ----

export interface MessageTarget {
	/**
	 * Recipient phone number (E.164, "+" optional) or WhatsApp id, sent as `to`; or a business-scoped
	 * user id ("US.13491208655302741918", for customers who use a username), sent as `recipient`.
	 */
	to: string;
	/** wamid of the message to quote. */
	replyToWamid?: string;
}

export interface TextMessageInput extends MessageTarget {
	body: string;
	/** Let WhatsApp render a preview of the first link. */
	previewUrl?: boolean;
}

/** Either an uploaded media id or a public https link, never both. */
export interface MediaSource {
	id?: string;
	link?: string;
}

export interface MediaMessageInput extends MessageTarget, MediaSource {
	mediaType: MediaKind;
	/** image, video and document only. */
	caption?: string;
	/** document only: the name shown to the recipient. */
	filename?: string;
}

export type InteractiveHeaderInput =
	| { type: 'text'; text: string }
	| ({ type: 'image' | 'video' | 'document'; filename?: string } & MediaSource);

export interface ButtonsMessageInput extends MessageTarget {
	body: string;
	buttons: Array<{ id: string; title: string }>;
	header?: InteractiveHeaderInput;
	footer?: string;
}

export interface ListMessageInput extends MessageTarget {
	body: string;
	/** Label of the button that opens the list. */
	buttonText: string;
	sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
	/** Lists only take a text header. */
	header?: string;
	footer?: string;
}

/** A reaction names the message it is on; it cannot quote another. */
export interface ReactionMessageInput {
	to: string;
	/** wamid of the message to react to. */
	messageId: string;
	/** One emoji; '' removes the reaction. */
	emoji: string;
}

export interface LocationMessageInput extends MessageTarget {
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
}

/** One contact card (vCard fields WhatsApp shows). */
export interface ContactCard {
	formattedName: string;
	firstName?: string;
	lastName?: string;
	company?: string;
	title?: string;
	/** YYYY-MM-DD. */
	birthday?: string;
	phones?: Array<{ phone: string; type?: string; waId?: string }>;
	emails?: Array<{ email: string; type?: string }>;
	urls?: Array<{ url: string; type?: string }>;
}

export interface ContactsMessageInput extends MessageTarget {
	contacts: ContactCard[];
}

export interface CtaUrlMessageInput extends MessageTarget {
	body: string;
	/** The button's label. */
	buttonText: string;
	url: string;
	header?: string;
	footer?: string;
}

export interface LocationRequestMessageInput extends MessageTarget {
	body: string;
}

// ---- builders ----

function invalid(message: string, hint: string): CloudApiError {
	return new CloudApiError({ code: 'INVALID_REQUEST', message, hint, retryable: false });
}

/**
 * Phone numbers are digits (with "+", spaces, dashes); a business-scoped user id starts with its
 * country's letters. Meta checks the id itself; the policy layer checks its form before a send.
 */
function addressee(to: string): Addressee {
	return /[A-Za-z]/.test(to) ? { recipient: to } : { to };
}

function envelope(target: MessageTarget): Envelope {
	const to = target.to?.trim() ?? '';
	if (to === '') {
		throw invalid('The recipient is empty.', 'Map the customer\'s phone number or business-scoped user ID (the trigger\'s customerId) into the recipient field.');
	}
	const base: Envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', ...addressee(to) };
	if (target.replyToWamid) base.context = { message_id: target.replyToWamid };
	return base;
}

function mediaObject(source: MediaSource, what: string, extra: Omit<MediaObject, 'id' | 'link'> = {}): MediaObject {
	const id = source.id?.trim();
	const link = source.link?.trim();
	if (Boolean(id) === Boolean(link)) {
		throw invalid(`The ${what} needs either a media id or a link, not ${id ? 'both' : 'neither'}.`, 'Give the uploaded media id or a public https link.');
	}
	const media: MediaObject = id ? { id } : { link };
	if (extra.caption !== undefined && extra.caption !== '') media.caption = extra.caption;
	if (extra.filename !== undefined && extra.filename !== '') media.filename = extra.filename;
	return media;
}

export function buildTextMessage(input: TextMessageInput): TextPayload {
	const text: TextPayload['text'] = { body: input.body };
	if (input.previewUrl !== undefined) text.preview_url = input.previewUrl;
	return { ...envelope(input), type: 'text', text };
}

export function buildMediaMessage(input: MediaMessageInput): MediaPayload {
	const kind = input.mediaType;
	if (!MEDIA_KINDS.includes(kind)) {
		throw invalid(`"${String(kind)}" is not a media type.`, `Use one of ${MEDIA_KINDS.join(', ')}.`);
	}
	if (input.caption && (kind === 'audio' || kind === 'sticker')) {
		throw invalid(`A ${kind} cannot have a caption.`, 'Remove the caption or send the text as a separate message.');
	}
	if (input.filename && kind !== 'document') {
		throw invalid(`Only documents carry a file name, not a ${kind}.`, 'Remove the file name.');
	}
	const media = mediaObject(input, kind, { caption: input.caption, filename: input.filename });
	// The mapped MediaPayload type cannot be narrowed from a runtime key; the shape is { type: k, [k]: media }.
	return { ...envelope(input), type: kind, [kind]: media } as MediaPayload;
}

type MediaHeaderInput = { type: 'image' | 'video' | 'document'; filename?: string } & MediaSource;

/** Interactive messages and templates carry media headers the same way. */
function mediaHeader(header: MediaHeaderInput): Exclude<InteractiveHeaderPayload, { type: 'text' }> {
	switch (header.type) {
		case 'image':
			return { type: 'image', image: mediaObject(header, 'header image') };
		case 'video':
			return { type: 'video', video: mediaObject(header, 'header video') };
		case 'document':
			return { type: 'document', document: mediaObject(header, 'header document', { filename: header.filename }) };
	}
}

function interactiveHeader(header: InteractiveHeaderInput): InteractiveHeaderPayload {
	return header.type === 'text' ? { type: 'text', text: header.text } : mediaHeader(header);
}

export function buildButtonsMessage(input: ButtonsMessageInput): InteractiveButtonsPayload {
	const interactive: InteractiveButtonsPayload['interactive'] = {
		type: 'button',
		body: { text: input.body },
		action: { buttons: input.buttons.map((button) => ({ type: 'reply', reply: { id: button.id, title: button.title } })) },
	};
	if (input.header) interactive.header = interactiveHeader(input.header);
	if (input.footer) interactive.footer = { text: input.footer };
	return { ...envelope(input), type: 'interactive', interactive };
}

export function buildListMessage(input: ListMessageInput): InteractiveListPayload {
	const interactive: InteractiveListPayload['interactive'] = {
		type: 'list',
		body: { text: input.body },
		action: {
			button: input.buttonText,
			sections: input.sections.map((section) => ({
				...(section.title ? { title: section.title } : {}),
				rows: section.rows.map((row) => ({
					id: row.id,
					title: row.title,
					...(row.description ? { description: row.description } : {}),
				})),
			})),
		},
	};
	if (input.header) interactive.header = { type: 'text', text: input.header };
	if (input.footer) interactive.footer = { text: input.footer };
	return { ...envelope(input), type: 'interactive', interactive };
}

export function buildReactionMessage(input: ReactionMessageInput): ReactionPayload {
	return { ...envelope({ to: input.to }), type: 'reaction', reaction: { message_id: input.messageId, emoji: input.emoji } };
}

/** Keeps the optional string fields that have a value, so Meta never sees empty ones. */
function withValues<T extends object>(object: T): T {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== '')) as T;
}

export function buildLocationMessage(input: LocationMessageInput): LocationPayload {
	const { latitude, longitude, name, address } = input;
	return { ...envelope(input), type: 'location', location: withValues({ latitude, longitude, name, address }) };
}

function contactCard(card: ContactCard): ContactCardPayload {
	const payload: ContactCardPayload = {
		name: withValues({ formatted_name: card.formattedName, first_name: card.firstName, last_name: card.lastName }),
	};
	const phones = (card.phones ?? []).map((phone) => withValues({ phone: phone.phone, type: phone.type, wa_id: phone.waId }));
	const emails = (card.emails ?? []).map((email) => withValues({ email: email.email, type: email.type }));
	const urls = (card.urls ?? []).map((url) => withValues({ url: url.url, type: url.type }));
	const org = withValues({ company: card.company, title: card.title });
	if (phones.length > 0) payload.phones = phones;
	if (emails.length > 0) payload.emails = emails;
	if (urls.length > 0) payload.urls = urls;
	if (Object.keys(org).length > 0) payload.org = org;
	if (card.birthday) payload.birthday = card.birthday;
	return payload;
}

export function buildContactsMessage(input: ContactsMessageInput): ContactsPayload {
	return { ...envelope(input), type: 'contacts', contacts: input.contacts.map(contactCard) };
}

export function buildCtaUrlMessage(input: CtaUrlMessageInput): InteractiveCtaUrlPayload {
	const interactive: InteractiveCtaUrlPayload['interactive'] = {
		type: 'cta_url',
		body: { text: input.body },
		action: { name: 'cta_url', parameters: { display_text: input.buttonText, url: input.url } },
	};
	if (input.header) interactive.header = { type: 'text', text: input.header };
	if (input.footer) interactive.footer = { text: input.footer };
	return { ...envelope(input), type: 'interactive', interactive };
}

export function buildLocationRequestMessage(input: LocationRequestMessageInput): InteractiveLocationRequestPayload {
	return {
		...envelope(input),
		type: 'interactive',
		interactive: { type: 'location_request_message', body: { text: input.body }, action: { name: 'send_location' } },
	};
}

function textParameter(value: TemplateTextValue): TemplateParameterPayload {
	if (typeof value === 'string') return { type: 'text', text: value };
	return value.parameterName ? { type: 'text', parameter_name: value.parameterName, text: value.text } : { type: 'text', text: value.text };
}

function templateHeader(header: TemplateHeaderInput): TemplateParameterPayload {
	switch (header.type) {
		case 'text':
			return textParameter({ text: header.text, parameterName: header.parameterName });
		case 'image':
		case 'video':
		case 'document':
			return mediaHeader(header);
		case 'location': {
			const { latitude, longitude, name, address } = header;
			return { type: 'location', location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) } };
		}
	}
}

function templateButton(button: TemplateButtonInput): TemplateComponentPayload {
	if (!Number.isInteger(button.index) || button.index < 0) {
		throw invalid(`Button index ${button.index} is not valid.`, 'Use the button\'s position in the template, starting at 0.');
	}
	const index = String(button.index);
	switch (button.subType) {
		case 'quick_reply':
			return { type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload: button.payload }] };
		case 'url':
			return { type: 'button', sub_type: 'url', index, parameters: [{ type: 'text', text: button.text }] };
		case 'copy_code':
			return { type: 'button', sub_type: 'copy_code', index, parameters: [{ type: 'coupon_code', coupon_code: button.couponCode }] };
	}
}

export function buildTemplateMessage(input: TemplateSendRequest): TemplatePayload {
	const components: TemplateComponentPayload[] = [];
	if (input.header) components.push({ type: 'header', parameters: [templateHeader(input.header)] });
	const body = input.body;
	const bodyParameters = Array.isArray(body)
		? body.map(textParameter)
		: Object.entries(body ?? {}).map(([parameterName, text]) => textParameter({ text, parameterName }));
	if (bodyParameters.length > 0) components.push({ type: 'body', parameters: bodyParameters });
	for (const button of input.buttons ?? []) components.push(templateButton(button));

	const template: TemplatePayload['template'] = { name: input.name, language: { code: input.languageCode } };
	if (components.length > 0) template.components = components;
	return { ...envelope(input), type: 'template', template };
}

export function buildMarkAsRead(wamid: string, options: { typingIndicator?: boolean } = {}): MarkAsReadPayload {
	const payload: MarkAsReadPayload = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
	if (options.typingIndicator) payload.typing_indicator = { type: 'text' };
	return payload;
}
