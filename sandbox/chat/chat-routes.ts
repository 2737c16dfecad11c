/**
 * The phone-style chat page of the sandbox, served by the Meta simulator beside its Graph API:
 *
 *   GET  /chat                      the page (sandbox/chat/chat.html)
 *   GET  /chat/api/state?phone=     one customer's chat as the page draws it
 *   GET  /chat/api/events?phone=    the same, pushed on every change (server-sent events)
 *   POST /chat/api/send             { phone, name, text, context? } or { phone, name, reply: { kind, id, title }, context? }
 *                                   or { phone, name, reaction: { messageId, emoji } } or { phone, name, location: true }:
 *                                   the customer writes (quoting the message `context` names), reacts ('' takes
 *                                   the reaction back) or shares a location; a signed webhook goes to n8n like Meta's
 *
 * Every route also takes `username`: the customer then writes as a WhatsApp username user, whom Meta
 * names to the business by a business-scoped user id (derived here from the phone) and never by number.
 *   POST /chat/api/read             { phone }: the customer saw the business's messages; "read" status
 *                                   webhooks go to n8n for those not read yet
 *   POST /chat/api/jump             { phone, hours }: this customer's chat ages by `hours` (sandbox hook)
 *
 * Everything it shows comes from the simulator's own records: what the business sent through the
 * Cloud API, the status webhooks Meta reported back, the inbound webhooks and whether n8n took them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

import type { TemplateDefinition } from '../../core/template/definition';
import {
	CUSTOMER_SERVICE_WINDOW_MS,
	isBsuid,
	type InboundDelivery,
	type MetaSimulator,
	type SentMessage,
} from '../../tools/meta-simulator/meta-simulator';

type Json = Record<string, unknown>;

export interface ChatButton {
	id: string;
	title: string;
	/** reply: answers with a button reply; quick: a template's quick reply; url / phone: shown only. */
	kind: 'reply' | 'quick' | 'url' | 'phone' | 'other';
	url?: string;
}

export interface ChatListRow {
	id: string;
	title: string;
	description?: string;
}

export interface ChatLocation {
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
}

export interface ChatContact {
	name: string;
	phones: string[];
	emails: string[];
	org?: string;
}

export interface ChatItem {
	kind: 'customer' | 'business' | 'note';
	/** Order on the page (simulator clock, ms). */
	at: number;
	wamid?: string;
	/** Meta message type (text, interactive, template, image...). */
	type?: string;
	text?: string;
	header?: string;
	footer?: string;
	/** Template name, for template messages. */
	template?: string;
	media?: { type: string; link?: string; id?: string; caption?: string };
	buttons?: ChatButton[];
	list?: { button: string; sections: Array<{ title?: string; rows: ChatListRow[] }> };
	location?: ChatLocation;
	contacts?: ChatContact[];
	/** A location request: WhatsApp adds a "Send location" button. */
	locationRequest?: boolean;
	/** The line a quote of this message shows (its text, or what kind of message it is). */
	preview?: string;
	/** The message this one quotes, as the bubble shows it above the text (null text: not on this page). */
	quote?: { wamid: string; from: 'customer' | 'business' | null; text: string | null };
	/** Emoji badges under the bubble: each side's current reaction to this message. */
	reactions?: Array<{ from: 'customer' | 'business'; emoji: string }>;
	/**
	 * Business messages: the last status Meta reported (accepted, sent, delivered, read, failed).
	 * Customer messages: received (n8n answered the webhook 200), read (the business marked it read),
	 * or pending / failed (n8n did not take it).
	 */
	status?: string;
	error?: string;
}

export interface ChatState {
	phone: string;
	/** The business-scoped user id the business sees instead of the number, for a username customer. */
	userId: string | null;
	username: string | null;
	business: { name: string; displayPhoneNumber: string };
	window: { open: boolean; closesAt: number | null };
	/** The business shows "typing…": a typing indicator under 25 s old, and no message sent since. */
	typing: boolean;
	items: ChatItem[];
	/** Links the page shows (n8n editor, workflows). */
	links: Record<string, string>;
}

export interface JumpResult {
	notes: string[];
}

/** Who writes: a phone number, and (for a username customer) the username and its business-scoped user id. */
export interface ChatCustomer {
	phone: string;
	username: string | null;
	userId: string | null;
}

export interface ChatRoutesOptions {
	simulator: () => MetaSimulator;
	/** Ages one customer's chat by `hours` (window, conversation) and runs what then follows. */
	onJump?: (customer: ChatCustomer, hours: number) => Promise<JumpResult>;
	links?: () => Record<string, string>;
}

export interface ChatRoutes {
	handle(request: IncomingMessage, response: ServerResponse, rawBody: Buffer): Promise<boolean>;
	/** A line in the customer's chat from the sandbox ("25 hours later", "CRM row written"); `id`: number or BSUID. */
	note(id: string, text: string): void;
	state(customer: ChatCustomer | string): ChatState;
	close(): void;
}

const STATUS_RANK: Record<string, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export function digits(phone: string): string {
	return phone.replace(/\D/g, '');
}

/**
 * The sandbox's stand-in for the business-scoped user id Meta assigns a user: the number's country, a
 * period and 20 digits derived from the number, stable across restarts.
 */
export function sandboxUserId(phone: string): string {
	const country = parsePhoneNumberFromString(`+${digits(phone)}`)?.country ?? 'US';
	const hash = BigInt(`0x${createHash('sha256').update(`sandbox-bsuid:${digits(phone)}`).digest('hex').slice(0, 24)}`);
	return `${country}.${hash.toString().padStart(20, '0').slice(0, 20)}`;
}

/** A WhatsApp username as people type it ("@alex.shop" → "alex.shop"); null when empty or not one. */
export function cleanUsername(value: string | null | undefined): string | null {
	const name = (value ?? '').trim().replace(/^@/, '');
	return /^[A-Za-z0-9._]{3,35}$/.test(name) ? name : null;
}

/** Notes and streams are kept per user key: the number's digits, or the BSUID of a username customer. */
function keyOf(id: string): string {
	return isBsuid(id) ? id : digits(id);
}

function customerKey(customer: ChatCustomer): string {
	return customer.userId ?? customer.phone;
}

function record(value: unknown): Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function list(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** The first `messages` or `statuses` value of a Meta notification. */
function notificationValue(payload: unknown): Json {
	const entry = record(list(record(payload).entry)[0]);
	return record(record(list(entry.changes)[0]).value);
}

/** {{1}} / {{first_name}} replaced by the parameters sent (positional by order, named by name). */
function fill(text: string, parameters: unknown[]): string {
	const values = parameters.map(record);
	let position = 0;
	return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => {
		const named = values.find((parameter) => parameter.parameter_name === key);
		const parameter = named ?? (/^\d+$/.test(key) ? values[Number(key) - 1] : values[position]);
		position++;
		if (parameter === undefined) return whole;
		return str(parameter.text) ?? str(record(parameter.currency).fallback_value) ?? str(record(parameter.date_time).fallback_value) ?? whole;
	});
}

function renderTemplate(item: ChatItem, payload: Json, templates: readonly TemplateDefinition[]): void {
	const sent = record(payload.template);
	const name = str(sent.name) ?? '?';
	const language = str(record(sent.language).code);
	const definition = templates.find((template) => template.name === name && (language === undefined || template.language === language));
	const components = list(sent.components).map(record);
	const parametersOf = (type: string) => list(components.find((component) => str(component.type)?.toLowerCase() === type)?.parameters);
	item.template = name;
	if (definition === undefined) {
		item.text = `Template "${name}"`;
		return;
	}
	for (const component of definition.components) {
		const type = component.type.toUpperCase();
		if (type === 'HEADER') {
			if (component.format === undefined || component.format === 'TEXT') item.header = fill(component.text ?? '', parametersOf('header'));
			else {
				const parameter = record(parametersOf('header')[0]);
				const kind = component.format.toLowerCase();
				const media = record(parameter[kind]);
				item.media = { type: kind, link: str(media.link), id: str(media.id) };
			}
		} else if (type === 'BODY') item.text = fill(component.text ?? '', parametersOf('body'));
		else if (type === 'FOOTER') item.footer = component.text;
		else if (type === 'BUTTONS') {
			item.buttons = (component.buttons ?? []).map((button, index) => {
				const kind = button.type === 'QUICK_REPLY' ? 'quick' : button.type === 'URL' ? 'url' : button.type === 'PHONE_NUMBER' ? 'phone' : 'other';
				const sentButton = components.find((c) => str(c.type) === 'button' && Number(c.index) === index);
				const payloadParameter = record(list(sentButton?.parameters)[0]);
				return {
					id: str(payloadParameter.payload) ?? button.text ?? String(index),
					title: button.text ?? '',
					kind,
					url: button.url === undefined ? undefined : fill(button.url, list(sentButton?.parameters)),
				};
			});
		}
	}
}

function locationOf(value: unknown): ChatLocation {
	const location = record(value);
	return { latitude: Number(location.latitude), longitude: Number(location.longitude), name: str(location.name), address: str(location.address) };
}

function contactsOf(value: unknown): ChatContact[] {
	return list(value).map((card) => {
		const contact = record(card);
		const org = record(contact.org);
		return {
			name: str(record(contact.name).formatted_name) ?? '',
			phones: list(contact.phones).map((phone) => str(record(phone).phone)).filter((phone): phone is string => phone !== undefined),
			emails: list(contact.emails).map((email) => str(record(email).email)).filter((email): email is string => email !== undefined),
			org: [str(org.company), str(org.title)].filter(Boolean).join(' · ') || undefined,
		};
	});
}

/** How the customer's phone shows a message the business sent (from the Cloud API request body). */
export function renderBusinessMessage(sent: SentMessage, templates: readonly TemplateDefinition[]): ChatItem {
	const payload = sent.payload;
	const item: ChatItem = { kind: 'business', at: sent.at, wamid: sent.wamid, type: sent.type };
	switch (sent.type) {
		case 'text':
			item.text = str(record(payload.text).body) ?? '';
			break;
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker': {
			const media = record(payload[sent.type]);
			item.media = { type: sent.type, link: str(media.link), id: str(media.id), caption: str(media.caption) };
			item.text = str(media.caption);
			break;
		}
		case 'interactive': {
			const interactive = record(payload.interactive);
			const header = record(interactive.header);
			item.header = str(header.text);
			item.text = str(record(interactive.body).text);
			item.footer = str(record(interactive.footer).text);
			const action = record(interactive.action);
			if (interactive.type === 'button') {
				item.buttons = list(action.buttons).map((button) => {
					const reply = record(record(button).reply);
					return { id: str(reply.id) ?? '', title: str(reply.title) ?? '', kind: 'reply' };
				});
			} else if (interactive.type === 'list') {
				item.list = {
					button: str(action.button) ?? 'Options',
					sections: list(action.sections).map((section) => ({
						title: str(record(section).title),
						rows: list(record(section).rows).map((row) => ({
							id: str(record(row).id) ?? '',
							title: str(record(row).title) ?? '',
							description: str(record(row).description),
						})),
					})),
				};
			} else if (interactive.type === 'cta_url') {
				const parameters = record(action.parameters);
				const url = str(parameters.url) ?? '';
				item.buttons = [{ id: url, title: str(parameters.display_text) ?? url, kind: 'url', url }];
			} else if (interactive.type === 'location_request_message') item.locationRequest = true;
			else item.text ??= `(${str(interactive.type) ?? 'interactive'} message)`;
			break;
		}
		case 'template':
			renderTemplate(item, payload, templates);
			break;
		case 'location':
			item.location = locationOf(payload.location);
			break;
		case 'contacts':
			item.contacts = contactsOf(payload.contacts);
			break;
		default:
			item.text = `(${sent.type} message)`;
	}
	const quoted = str(record(payload.context).message_id);
	if (quoted !== undefined) item.quote = { wamid: quoted, from: null, text: null };
	return item;
}

/** The line a quote shows of the message it quotes. */
function preview(item: ChatItem): string {
	if (item.text) return item.text;
	if (item.location) return `📍 ${item.location.name ?? 'Location'}`;
	if (item.contacts) return `👤 ${item.contacts.map((contact) => contact.name).join(', ')}`;
	if (item.media) return item.media.type;
	return `(${item.type ?? 'message'})`;
}

/** What the customer sent, as their phone shows it. */
function customerText(message: Json): string {
	const type = str(message.type);
	if (type === 'text') return str(record(message.text).body) ?? '';
	if (type === 'interactive') {
		const interactive = record(message.interactive);
		return str(record(interactive.button_reply).title) ?? str(record(interactive.list_reply).title) ?? '(reply)';
	}
	if (type === 'button') return str(record(message.button).text) ?? '(button)';
	if (type === 'location') return '';
	return `(${type ?? 'message'})`;
}

export function chatState(simulator: MetaSimulator, who: ChatCustomer | string, notes: ReadonlyArray<{ at: number; text: string }>, links: Record<string, string>): ChatState {
	const customer: ChatCustomer = typeof who === 'string' ? { phone: digits(who), username: null, userId: null } : who;
	const waId = customer.phone;
	const state = simulator.state;
	// One person, whichever id a webhook or a send names them by (Meta links the number and the BSUID).
	const user = state.userKey(customerKey(customer));
	const isThisUser = (id: string | undefined) => id !== undefined && state.userKey(id) === user;
	const business = state.phoneNumbers.get(simulator.phoneNumberId);
	const items: ChatItem[] = [];

	// Status webhooks Meta sent to n8n, per wamid: the furthest one.
	const statuses = new Map<string, { status: string; error?: string }>();
	const inboundSeen = new Map<string, ChatItem>();
	// Reactions are no bubbles of their own: each names the message it goes on ('' takes it back).
	const reactions: Array<{ at: number; from: 'customer' | 'business'; target: string; emoji: string }> = [];
	for (const delivery of simulator.webhookDeliveries) {
		const value = notificationValue(delivery.payload);
		for (const status of list(value.statuses).map(record)) {
			const id = str(status.id);
			const name = str(status.status);
			if (id === undefined || name === undefined || !isThisUser(str(status.recipient_id) ?? str(status.recipient_user_id))) continue;
			const previous = statuses.get(id);
			if (previous === undefined || (STATUS_RANK[name] ?? 0) > (STATUS_RANK[previous.status] ?? 0)) {
				const error = record(list(status.errors)[0]);
				statuses.set(id, { status: name, error: str(error.title) === undefined ? undefined : `${str(error.code)}: ${str(error.title)}` });
			}
		}
		for (const message of list(value.messages).map(record)) {
			const wamid = str(message.id);
			if (wamid === undefined || !isThisUser(str(message.from) ?? str(message.from_user_id))) continue;
			const received = delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
			const existing = inboundSeen.get(wamid);
			if (existing) {
				if (received) existing.status = 'received';
				continue;
			}
			if (str(message.type) === 'reaction') {
				const reaction = record(message.reaction);
				const target = str(reaction.message_id);
				if (target !== undefined) reactions.push({ at: Number(str(message.timestamp) ?? 0) * 1000, from: 'customer', target, emoji: str(reaction.emoji) ?? '' });
				continue;
			}
			const quoted = str(record(message.context).id);
			const item: ChatItem = {
				kind: 'customer',
				at: Number(str(message.timestamp) ?? 0) * 1000,
				wamid,
				type: str(message.type),
				text: customerText(message),
				status: received ? 'received' : delivery.error === null ? 'failed' : 'pending',
				error: received ? undefined : (delivery.error ?? `n8n answered ${delivery.status}: ${delivery.responseBody.slice(0, 200)}`),
			};
			if (str(message.type) === 'location') item.location = locationOf(message.location);
			if (quoted !== undefined) item.quote = { wamid: quoted, from: null, text: null };
			inboundSeen.set(wamid, item);
		}
	}
	// The precise time of each inbound message (webhook timestamps are whole seconds).
	for (const inbound of state.inbound) {
		const item = inboundSeen.get(inbound.wamid);
		if (item) item.at = inbound.at;
	}
	// A read receipt marks the customer's earlier messages read too, as on WhatsApp.
	const receipts = state.readReceipts.filter((receipt) => inboundSeen.has(receipt.wamid));
	const readUpTo = Math.max(-Infinity, ...receipts.map((receipt) => inboundSeen.get(receipt.wamid)?.at ?? -Infinity));
	for (const item of inboundSeen.values()) {
		if (item.at <= readUpTo && item.status === 'received') item.status = 'read';
		items.push(item);
	}
	let lastSentAt = -Infinity;
	for (const sent of state.sentMessages) {
		if (!isThisUser(sent.to)) continue;
		lastSentAt = Math.max(lastSentAt, sent.at);
		const status = statuses.get(sent.wamid);
		if (sent.type === 'reaction') {
			// Meta fails an undeliverable reaction by a status webhook; the customer never sees it.
			const reaction = record(sent.payload.reaction);
			const target = str(reaction.message_id);
			if (target !== undefined && status?.status !== 'failed') reactions.push({ at: sent.at, from: 'business', target, emoji: str(reaction.emoji) ?? '' });
			continue;
		}
		const item = renderBusinessMessage(sent, state.templates);
		item.status = status?.status ?? 'accepted';
		if (status?.error) item.error = status.error;
		items.push(item);
	}
	for (const note of notes) items.push({ kind: 'note', at: note.at, text: note.text });
	items.sort((a, b) => a.at - b.at);
	attachQuotesAndReactions(items, reactions);

	const lastInbound = state.lastInboundAt.get(user);
	const open = state.isWindowOpen(user);
	return {
		phone: waId,
		userId: customer.userId,
		username: customer.username,
		business: { name: business?.verified_name ?? 'Business', displayPhoneNumber: business?.display_phone_number ?? '' },
		window: { open, closesAt: open && lastInbound !== undefined ? lastInbound + CUSTOMER_SERVICE_WINDOW_MS : null },
		typing: typingShown(receipts, lastSentAt, simulator.now()),
		items,
		links,
	};
}

/** Fills each quote from the message it quotes, and puts each side's latest reaction on its message. */
function attachQuotesAndReactions(items: ChatItem[], reactions: Array<{ at: number; from: 'customer' | 'business'; target: string; emoji: string }>): void {
	const byWamid = new Map(items.filter((item) => item.wamid !== undefined).map((item) => [item.wamid as string, item]));
	for (const item of byWamid.values()) item.preview = preview(item);
	for (const item of items) {
		const quoted = item.quote === undefined ? undefined : byWamid.get(item.quote.wamid);
		if (item.quote !== undefined && quoted !== undefined) item.quote = { wamid: item.quote.wamid, from: quoted.kind === 'note' ? null : quoted.kind, text: quoted.preview ?? null };
	}
	const latest = new Map<string, Map<'customer' | 'business', string>>();
	for (const reaction of [...reactions].sort((a, b) => a.at - b.at)) {
		const sides = latest.get(reaction.target) ?? new Map<'customer' | 'business', string>();
		sides.set(reaction.from, reaction.emoji);
		latest.set(reaction.target, sides);
	}
	for (const [target, sides] of latest) {
		const item = byWamid.get(target);
		const shown = [...sides].filter(([, emoji]) => emoji !== '').map(([from, emoji]) => ({ from, emoji }));
		if (item !== undefined && shown.length > 0) item.reactions = shown;
	}
}

/** Meta removes a typing indicator after 25 s, or when the business's next message arrives. */
const TYPING_SHOWN_MS = 25_000;

function typingShown(receipts: ReadonlyArray<{ at: number; typingIndicator: boolean }>, lastSentAt: number, now: number): boolean {
	const typingSince = Math.max(-Infinity, ...receipts.filter((receipt) => receipt.typingIndicator).map((receipt) => receipt.at));
	return now - typingSince < TYPING_SHOWN_MS && lastSentAt < typingSince;
}

async function readJson(rawBody: Buffer): Promise<Json> {
	try {
		return record(JSON.parse(rawBody.toString('utf8')));
	} catch {
		return {};
	}
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
	response.end(text);
}

const PAGE = join(__dirname, 'chat.html');

/** The customer a request is about (its phone, and a username when the page gave one), or what is wrong. */
function customerParam(url: URL, body: Json): ChatCustomer | string {
	const phone = digits(str(body.phone) ?? url.searchParams.get('phone') ?? '');
	if (phone.length < 6 || phone.length > 15) return 'Give the customer phone number (6-15 digits) as phone.';
	const typed = (str(body.username) ?? url.searchParams.get('username') ?? '').trim();
	const username = cleanUsername(typed);
	if (typed !== '' && username === null) return 'A username is 3 to 35 letters, digits, periods or underscores.';
	return { phone, username, userId: username === null ? null : sandboxUserId(phone) };
}

/** Where the sandbox customer is when they share their location (WhatsApp would ask the phone). */
const SANDBOX_LOCATION = { latitude: 51.5007, longitude: -0.1246, name: 'Sandbox customer', address: 'Westminster, London SW1A 0AA' };

/**
 * The customer writes: a text (quoting `body.context`, a wamid, when given), a tap on a reply button,
 * list row or quick reply, a reaction or their location, delivered as Meta's signed webhook. Null when
 * the body has none of them.
 */
async function sendAsCustomer(simulator: MetaSimulator, customer: ChatCustomer, body: Json): Promise<InboundDelivery | null> {
	const name = (str(body.name) ?? '').trim() || 'Sandbox Customer';
	const reply = record(body.reply);
	const text = str(body.text);
	// A username customer reaches the business by BSUID only; Meta still knows both are one person.
	if (customer.userId !== null) simulator.state.linkUser(customer.userId, customer.phone);
	const sender = customer.userId === null ? { from: customer.phone, name } : { userId: customer.userId, username: customer.username ?? undefined, name };
	const quoted = str(body.context);
	const context = quoted === undefined || quoted === '' ? undefined : { id: quoted };
	// A tap names the message it was on in `context`, as in Meta's documented button and list replies.
	if (reply.kind === 'button' || reply.kind === 'list') {
		const id = str(reply.id) ?? '';
		const title = str(reply.title) ?? id;
		return simulator.simulateInbound(
			reply.kind === 'button'
				? { ...sender, type: 'interactive', buttonReply: { id, title }, context }
				: { ...sender, type: 'interactive', listReply: { id, title }, context },
		);
	}
	if (reply.kind === 'quick') {
		const title = str(reply.title) ?? '';
		return simulator.simulateInbound({ ...sender, type: 'button', button: { text: title, payload: str(reply.id) ?? title }, context });
	}
	const reaction = record(body.reaction);
	const reactedTo = str(reaction.messageId);
	if (reactedTo !== undefined) return simulator.simulateInbound({ ...sender, type: 'reaction', reaction: { messageId: reactedTo, emoji: str(reaction.emoji) ?? '' } });
	if (body.location === true) return simulator.simulateInbound({ ...sender, type: 'location', location: SANDBOX_LOCATION });
	if (text !== undefined && text.trim() !== '') return simulator.simulateInbound({ ...sender, text: text.slice(0, 4096), context });
	return null;
}

/** The customer reads the business's messages (all, or those of `body.wamids`) not read yet; their wamids. */
async function readAsCustomer(simulator: MetaSimulator, items: readonly ChatItem[], body: Json): Promise<string[]> {
	const wanted = new Set(list(body.wamids).map(str).filter((id): id is string => id !== undefined));
	const marked: string[] = [];
	for (const item of items) {
		if (item.kind !== 'business' || item.wamid === undefined || (wanted.size > 0 && !wanted.has(item.wamid))) continue;
		if (item.status !== 'sent' && item.status !== 'delivered') continue;
		if (item.status === 'sent') await simulator.deliverStatus(item.wamid, 'delivered');
		await simulator.deliverStatus(item.wamid, 'read');
		marked.push(item.wamid);
	}
	return marked;
}

/** The pages listening for changes (GET /chat/api/events), with the last state each was sent. */
type Streams = Map<ServerResponse, { customer: ChatCustomer; last: string }>;

/**
 * Pushes a chat to its open pages whenever it changed (cheap: a few hundred items at most), with a
 * keep-alive comment every 15 s; the function returned stops both.
 */
function pushToStreams(streams: Streams, stateOf: (customer: ChatCustomer) => ChatState): () => void {
	const timer = setInterval(() => {
		for (const [response, stream] of streams) {
			const text = JSON.stringify(stateOf(stream.customer));
			if (text === stream.last) continue;
			stream.last = text;
			response.write(`data: ${text}\n\n`);
		}
	}, 200);
	timer.unref();
	const heartbeat = setInterval(() => {
		for (const response of streams.keys()) response.write(': keep-alive\n\n');
	}, 15_000);
	heartbeat.unref();
	return () => {
		clearInterval(timer);
		clearInterval(heartbeat);
	};
}

export function createChatRoutes(options: ChatRoutesOptions): ChatRoutes {
	const notes = new Map<string, Array<{ at: number; text: string }>>();
	const streams: Streams = new Map();
	const links = () => options.links?.() ?? {};
	const stateOf = (who: ChatCustomer | string) => {
		const customer: ChatCustomer = typeof who === 'string' ? { phone: digits(who), username: null, userId: null } : who;
		return chatState(options.simulator(), customer, notes.get(customerKey(customer)) ?? [], links());
	};

	const stopPushing = pushToStreams(streams, stateOf);

	async function handle(request: IncomingMessage, response: ServerResponse, rawBody: Buffer): Promise<boolean> {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname.replace(/\/+$/, '') || '/';
		if (path !== '/' && path !== '/chat' && !path.startsWith('/chat/')) return false;
		const method = request.method ?? 'GET';

		if (method === 'GET' && (path === '/' || path === '/chat')) {
			response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
			response.end(readFileSync(PAGE));
			return true;
		}
		const body = method === 'POST' ? await readJson(rawBody) : {};
		const customer = customerParam(url, body);
		if (typeof customer === 'string') {
			sendJson(response, 400, { error: customer });
			return true;
		}
		if (method === 'GET' && path === '/chat/api/state') {
			sendJson(response, 200, stateOf(customer));
			return true;
		}
		if (method === 'GET' && path === '/chat/api/events') {
			response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
			const text = JSON.stringify(stateOf(customer));
			response.write(`data: ${text}\n\n`);
			streams.set(response, { customer, last: text });
			request.on('close', () => streams.delete(response));
			return true;
		}
		if (method === 'POST' && path === '/chat/api/send') {
			const delivery = await sendAsCustomer(options.simulator(), customer, body);
			if (delivery === null) sendJson(response, 400, { error: 'Give text, a reply { kind: button | list | quick, id, title }, a reaction { messageId, emoji } or location: true.' });
			else sendJson(response, 200, { wamid: delivery.wamid, status: delivery.status, error: delivery.error });
			return true;
		}
		if (method === 'POST' && path === '/chat/api/read') {
			const simulator = options.simulator();
			sendJson(response, 200, { read: await readAsCustomer(simulator, stateOf(customer).items, body) });
			return true;
		}
		if (method === 'POST' && path === '/chat/api/jump') {
			if (options.onJump === undefined) {
				sendJson(response, 501, { error: 'Time travel is not available here.' });
				return true;
			}
			const hours = Number(body.hours ?? 25);
			if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) {
				sendJson(response, 400, { error: 'hours must be between 0 and 720.' });
				return true;
			}
			sendJson(response, 200, await options.onJump(customer, hours));
			return true;
		}
		sendJson(response, 404, { error: `No route ${method} ${path}` });
		return true;
	}

	return {
		handle,
		note(id, text) {
			const key = keyOf(id);
			notes.set(key, [...(notes.get(key) ?? []), { at: options.simulator().now(), text }]);
		},
		state: stateOf,
		close() {
			stopPushing();
			for (const response of streams.keys()) response.end();
			streams.clear();
		},
	};
}
