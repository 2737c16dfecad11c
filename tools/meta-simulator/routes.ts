/**
 * The simulator's endpoints. Meta layout: /{version}/{id}[/{edge}] with `Authorization: Bearer`;
 * 360dialog layout: /messages, /media, /v1/configs/templates, /{media-id} with `D360-API-KEY`.
 * Handlers return a reply or throw MetaErrorSignal, which the server answers in Meta's error shape.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { TemplateDefinition } from '../../core/template/definition';
import { fail } from './meta-errors';
import { parseMultipart } from './multipart';
import { mediaDownloadUrl } from './inbound';
import type { SimPhoneNumber } from './seed';
import { newWamid, type SentMessage, type SimulatorState } from './state';
import { isRecord, validateMessage, type JsonRecord } from './validate';
import { createTemplate, deleteTemplates, templateNode } from './templates';

export interface SimRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	/** Parsed JSON body; undefined when empty or not JSON. */
	json: unknown;
}

export interface SimReply {
	status: number;
	headers?: Record<string, string>;
	json?: unknown;
	raw?: Buffer;
}

export interface RouteContext {
	state: SimulatorState;
	accessToken: string;
	baseUrl: string;
	/** 'sync': window/undeliverable failures answer the request; 'webhook': accepted, then a failed status. */
	failureMode: 'sync' | 'webhook';
	throughputLimitPerSecond: number | null;
	templatePageSize: number;
	onAccepted: (sent: SentMessage, windowWasOpen: boolean) => void;
}

const VERSION = /^v\d+\.\d+$/;
const ATTACHMENTS_PATH = '/whatsapp_business/attachments/';

function json(body: unknown, status = 200): SimReply {
	return { status, json: body };
}

function unsupported(method: string, id: string): never {
	fail(100, undefined, {
		message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
		type: 'GraphMethodException',
		subcode: 33,
	});
}

function requireBearer(context: RouteContext, request: SimRequest): void {
	const header = request.headers.authorization;
	if (header === undefined || header === '') {
		fail(190, undefined, { message: 'An access token is required to request this resource.' });
	}
	if (header !== `Bearer ${context.accessToken}`) fail(190);
}

function require360Key(context: RouteContext, request: SimRequest): void {
	if (request.headers['d360-api-key'] !== context.accessToken) fail(190);
}

/** Keeps the requested `fields` (comma-separated, top level); `id` always stays, as on the Graph API. */
function project(object: JsonRecord, fields: string | null): JsonRecord {
	if (fields === null || fields.trim() === '') return object;
	const wanted = new Set(fields.split(',').map((field) => field.trim().replace(/\{.*$/, '')));
	wanted.add('id');
	return Object.fromEntries(Object.entries(object).filter(([key]) => wanted.has(key)));
}

/**
 * A phone number node, its `fields` checked first: one Meta retired answers error 100 as Meta words
 * it, so a client asking for a retired field fails as it would against Meta.
 */
function phoneNumberNode(context: RouteContext, request: SimRequest, id: string): JsonRecord {
	const phone = context.state.phoneNumbers.get(id) ?? unsupported('get', id);
	const requested = (request.query.get('fields') ?? '').split(',').map((field) => field.trim().replace(/\{.*$/, ''));
	const retired = requested.find((field) => context.state.retiredPhoneNumberFields.has(field));
	if (retired !== undefined) {
		fail(100, undefined, { message: `(#100) Tried accessing nonexisting field (${retired}) on node type (WhatsAppBusinessPhoneNumber)` });
	}
	return context.state.phoneNumberNode(phone);
}

function encodeCursor(index: number): string {
	return Buffer.from(`QVFIU:${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
	const match = /^QVFIU:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
	if (match === null) fail(100, 'Invalid cursor.');
	return Number(match[1]);
}

function filterTemplates(state: SimulatorState, query: URLSearchParams): TemplateDefinition[] {
	const status = query.get('status')?.toUpperCase();
	const name = query.get('name')?.toLowerCase();
	const language = query.get('language');
	const category = query.get('category')?.toUpperCase();
	return state.templates.filter(
		(template) =>
			(status === undefined || status.split(',').includes(template.status)) &&
			(name === undefined || template.name.toLowerCase().includes(name)) &&
			(language === null || template.language === language) &&
			(category === undefined || template.category === category),
	);
}

function pageLimit(query: URLSearchParams, fallback: number): number {
	const limit = Number(query.get('limit') ?? fallback);
	return Number.isInteger(limit) && limit > 0 ? Math.min(limit, 1000) : fallback;
}

function listTemplates(context: RouteContext, request: SimRequest, version: string, wabaId: string): SimReply {
	const all = filterTemplates(context.state, request.query);
	const limit = pageLimit(request.query, context.templatePageSize);
	const after = request.query.get('after');
	const start = after ? decodeCursor(after) + 1 : 0;
	const page = all.slice(start, start + limit);
	const body: JsonRecord = { data: page.map((template) => project({ ...template }, request.query.get('fields'))) };
	if (page.length > 0) {
		const paging: JsonRecord = {
			cursors: { before: encodeCursor(start), after: encodeCursor(start + page.length - 1) },
		};
		if (start + page.length < all.length) {
			const next = new URL(`${context.baseUrl}/${version}/${wabaId}/message_templates`);
			request.query.forEach((value, key) => next.searchParams.set(key, value));
			// The Graph API puts the token into paging links; clients must not echo them.
			next.searchParams.set('access_token', context.accessToken);
			next.searchParams.set('limit', String(limit));
			next.searchParams.set('after', encodeCursor(start + page.length - 1));
			paging.next = next.toString();
		}
		body.paging = paging;
	}
	return json(body);
}

function list360Templates(context: RouteContext, request: SimRequest): SimReply {
	const all = context.state.templates;
	const limit = pageLimit(request.query, 1000);
	const offset = Math.max(0, Number(request.query.get('offset') ?? 0) || 0);
	const page = all.slice(offset, offset + limit);
	return json({
		count: page.length,
		filters: {},
		limit,
		offset,
		sort: ['id'],
		total: all.length,
		// 360dialog reports statuses in lower case.
		waba_templates: page.map((template) => ({
			...template,
			status: template.status.toLowerCase(),
			namespace: 'simulator_namespace',
			rejected_reason: template.status === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE',
		})),
	});
}

function phoneNumber(context: RouteContext, id: string): SimPhoneNumber {
	return context.state.phoneNumbers.get(id) ?? unsupported('post', id);
}

/** Meta accepts read receipts and reactions for messages up to 30 days old. */
const READ_RECEIPT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * A read receipt, optionally with "typing…". Meta documents 131009 for an invalid message id; the
 * simulator answers the same for any id this number cannot mark: unknown, one it sent itself, one
 * another number received, or one older than 30 days.
 */
function markRead(context: RouteContext, body: JsonRecord, phone: SimPhoneNumber): SimReply {
	const { state } = context;
	if (body.messaging_product !== 'whatsapp') fail(100, 'The parameter messaging_product is required.');
	const wamid = typeof body.message_id === 'string' ? body.message_id : fail(131008, 'The parameter message_id is required.');
	const typing = body.typing_indicator;
	if (typing !== undefined && !(isRecord(typing) && typing.type === 'text')) fail(131009, 'typing_indicator.type must be text.');
	const message = state.inbound.find((candidate) => candidate.wamid === wamid && candidate.phoneNumberId === phone.id);
	if (message === undefined) fail(131009, `Message ${wamid} is not a message this number received.`);
	if (state.now() - message.at > READ_RECEIPT_MAX_AGE_MS) fail(131009, `Message ${wamid} is older than 30 days.`);
	state.readReceipts.push({ wamid, at: state.now(), typingIndicator: typing !== undefined });
	return json({ success: true });
}

/**
 * Meta delivers a reaction only to a message in this chat, not older than 30 days and not itself a
 * reaction (messages/reaction-messages); the simulator knows the messages it received and sent.
 */
function canReactTo(context: RouteContext, phone: SimPhoneNumber, to: string, body: JsonRecord): boolean {
	const { state } = context;
	const wamid = (body.reaction as JsonRecord).message_id;
	const user = state.userKey(to);
	const received = state.inbound.find((message) => message.wamid === wamid && message.phoneNumberId === phone.id && message.from === user);
	const sent = state.sentMessages.find((message) => message.wamid === wamid && message.phoneNumberId === phone.id && state.userKey(message.to) === user);
	const target = received ?? sent;
	return target !== undefined && target.type !== 'reaction' && state.now() - target.at <= READ_RECEIPT_MAX_AGE_MS;
}

function sendMessage(context: RouteContext, request: SimRequest, phone: SimPhoneNumber): SimReply {
	const { state } = context;
	if (request.json === undefined) fail(100, 'The request body is not valid JSON.');
	if (isRecord(request.json) && request.json.status === 'read') return markRead(context, request.json, phone);
	const message = validateMessage(request.json, state);
	if (context.throughputLimitPerSecond !== null && state.sendsInLastSecond(phone.id) >= context.throughputLimitPerSecond) {
		fail(130429);
	}
	// The window is the user's, whichever of their ids the send names.
	const windowWasOpen = state.isWindowOpen(message.to);
	let asyncFailureCode: number | undefined;
	const undeliverable = message.waId !== null && state.undeliverableNumbers.has(message.waId);
	const failure = message.type !== 'template' && !windowWasOpen ? 131047 : undeliverable ? 131026 : null;
	if (failure !== null) {
		if (context.failureMode === 'sync') fail(failure);
		asyncFailureCode = failure;
	} else if (message.type === 'reaction' && !canReactTo(context, phone, message.to, request.json as JsonRecord)) {
		// Meta accepts the request and reports a bad target by a failed status webhook (131009).
		asyncFailureCode = 131009;
	}
	const sent: SentMessage = {
		wamid: newWamid(),
		phoneNumberId: phone.id,
		to: message.to,
		waId: message.waId,
		userId: message.userId ?? state.userIdOf(message.to),
		type: message.type,
		payload: request.json as JsonRecord,
		at: state.now(),
		asyncFailureCode,
	};
	if (message.template) {
		sent.template = { name: message.template.name, language: message.template.language, category: message.template.category };
	}
	state.sentMessages.push(sent);
	context.onAccepted(sent, windowWasOpen);
	const accepted: JsonRecord = { id: sent.wamid };
	if (message.template) accepted.message_status = 'accepted';
	// Meta answers wa_id for a send to a number and user_id for a send to a business-scoped user id.
	const contact = message.waId !== null ? { input: message.to, wa_id: message.waId } : { input: message.to, user_id: message.userId };
	return json({ messaging_product: 'whatsapp', contacts: [contact], messages: [accepted] });
}

function uploadMedia(context: RouteContext, request: SimRequest, phone: SimPhoneNumber): SimReply {
	const parts = parseMultipart(request.rawBody, request.headers['content-type']);
	if (parts === null) fail(100, 'Media must be uploaded as multipart/form-data.');
	const field = (name: string): string | undefined => parts.find((part) => part.name === name)?.data.toString('utf8');
	if (field('messaging_product') !== 'whatsapp') fail(100, 'The parameter messaging_product is required.');
	const file = parts.find((part) => part.name === 'file') ?? fail(131008, 'The parameter file is required.');
	const mimeType = field('type') ?? file.contentType ?? fail(131008, 'The parameter type is required.');
	return json({ id: context.state.addMedia(file.data, mimeType, phone.id).id });
}

function mediaInfo(context: RouteContext, request: SimRequest, id: string): SimReply | null {
	const media = context.state.media.get(id);
	if (media === undefined) return null;
	const owner = request.query.get('phone_number_id');
	if (owner !== null && owner !== media.phoneNumberId) unsupported('get', id);
	return json({
		messaging_product: 'whatsapp',
		url: mediaDownloadUrl(context.baseUrl, media.id),
		mime_type: media.mimeType,
		sha256: media.sha256,
		file_size: media.data.length,
		id: media.id,
	});
}

function downloadMedia(context: RouteContext, request: SimRequest): SimReply {
	const bearerOk = request.headers.authorization === `Bearer ${context.accessToken}`;
	if (!bearerOk && request.headers['d360-api-key'] !== context.accessToken) fail(190);
	const media = context.state.media.get(request.query.get('mid') ?? '');
	if (media === undefined) fail(100, 'Media not found.', { httpStatus: 404 });
	return { status: 200, headers: { 'content-type': media.mimeType }, raw: media.data };
}

function getNode(context: RouteContext, request: SimRequest, id: string): SimReply {
	const phone = context.state.phoneNumbers.get(id);
	if (phone) return json(project(phoneNumberNode(context, request, id), request.query.get('fields')));
	const media = mediaInfo(context, request, id);
	if (media) return media;
	const template = templateNode(context.state, id);
	if (template) return json(project(template, request.query.get('fields')));
	if (id === context.state.businessAccountId) {
		return json(
			project(
				{ id, name: 'Lucky Shrub', currency: 'USD', timezone_id: '1', message_template_namespace: 'simulator_namespace', account_review_status: context.state.accountReviewStatus },
				request.query.get('fields'),
			),
		);
	}
	unsupported('get', id);
}

function deleteMedia(context: RouteContext, id: string): SimReply {
	if (!context.state.media.delete(id)) unsupported('delete', id);
	return json({ success: true });
}

function routeMeta(context: RouteContext, request: SimRequest, segments: string[]): SimReply {
	requireBearer(context, request);
	const [version, id, edge, ...rest] = segments;
	const { method } = request;
	if (rest.length === 0 && id !== undefined) {
		if (edge === undefined && method === 'GET') return getNode(context, request, id);
		if (edge === undefined && method === 'DELETE') return deleteMedia(context, id);
		if (edge === 'messages' && method === 'POST') return sendMessage(context, request, phoneNumber(context, id));
		if (edge === 'media' && method === 'POST') return uploadMedia(context, request, phoneNumber(context, id));
		if (id === context.state.businessAccountId && edge === 'message_templates' && method === 'POST') return json(createTemplate(context.state, request.json));
		if (id === context.state.businessAccountId && edge === 'message_templates' && method === 'DELETE') return json(deleteTemplates(context.state, request.query));
		if (id === context.state.businessAccountId && method === 'GET') {
			if (edge === 'message_templates') return listTemplates(context, request, version, id);
			if (edge === 'phone_numbers') {
				const data = [...context.state.phoneNumbers.values()].map((phone) => project(context.state.phoneNumberNode(phone), request.query.get('fields')));
				return json({ data, paging: { cursors: { before: encodeCursor(0), after: encodeCursor(Math.max(0, data.length - 1)) } } });
			}
		}
		if (edge !== undefined && method === 'GET' && !context.state.phoneNumbers.has(id)) unsupported('get', id);
	}
	fail(2500, undefined, { message: `Unknown path components: /${segments.slice(2).join('/')}` });
}

function route360(context: RouteContext, request: SimRequest, segments: string[]): SimReply {
	require360Key(context, request);
	const phone = [...context.state.phoneNumbers.values()][0];
	const path = segments.join('/');
	if (path === 'messages' && request.method === 'POST') return sendMessage(context, request, phone);
	if (path === 'media' && request.method === 'POST') return uploadMedia(context, request, phone);
	if (path === 'v1/configs/templates' && request.method === 'GET') return list360Templates(context, request);
	if (segments.length === 1 && request.method === 'GET') {
		return mediaInfo(context, request, segments[0]) ?? unsupported('get', segments[0]);
	}
	if (segments.length === 1 && request.method === 'DELETE') return deleteMedia(context, segments[0]);
	fail(2500, undefined, { message: `Unknown path components: /${path}` });
}

export function route(context: RouteContext, request: SimRequest): SimReply {
	if (request.path === ATTACHMENTS_PATH || request.path === ATTACHMENTS_PATH.slice(0, -1)) {
		if (request.method !== 'GET') fail(2500);
		return downloadMedia(context, request);
	}
	const segments = request.path.split('/').filter((segment) => segment !== '');
	if (segments.length > 0 && VERSION.test(segments[0])) return routeMeta(context, request, segments);
	return route360(context, request, segments);
}
