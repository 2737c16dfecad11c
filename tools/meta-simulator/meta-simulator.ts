/**
 * A Meta WhatsApp Cloud API simulator on a real HTTP server (node:http, 127.0.0.1, random port), for the
 * test suite, the demo and benchmarks. It answers the Graph API endpoints the client uses (and the
 * 360dialog layout) with Meta's documented bodies, validates requests as Meta does, keeps the 24-hour
 * window per user on an injectable clock, and delivers signed webhooks to a configured target.
 *
 *   const sim = await startMetaSimulator({ webhook: { url, appSecret } });
 *   const client = new CloudApiClient(sim.clientConfig());
 *   await sim.simulateInbound({ from: '16505551234', text: 'Hi' }); // opens the window
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TemplateDefinition } from '../../core/template/definition';
import { parseJson, readBody } from '../http/body';
import { buildInboundMessage, buildStatus, senderContact, type InboundInput, type StatusName } from './inbound';
import { MetaErrorSignal, metaErrorReply } from './meta-errors';
import { route, type RouteContext, type SimReply, type SimRequest } from './routes';
import {
	DEFAULT_ACCESS_TOKEN,
	DEFAULT_APP_SECRET,
	DEFAULT_BUSINESS_ACCOUNT_ID,
	defaultPhoneNumbers,
	defaultTemplates,
	type SimPhoneNumber,
} from './seed';
import { digitsOf, isBsuid, SimulatorState, type FaultSpec, type LoggedRequest, type SentMessage, type StoredMedia } from './state';
import { accountNotification, messagesNotification, postWebhook, type WebhookDelivery, type WebhookTarget } from './webhooks';
import type { JsonRecord } from './validate';

export interface StatusWebhookOptions {
	/** Statuses delivered after an accepted send, in order (default sent, delivered, read). */
	stages?: Array<Exclude<StatusName, 'failed'>>;
	/** Real-time pause before each stage (default 0). */
	delayMs?: number;
}

export interface MetaSimulatorOptions {
	host?: string;
	/** 0 (default) picks a free port. */
	port?: number;
	/** The token (and 360dialog API key) the simulator accepts. */
	accessToken?: string;
	businessAccountId?: string;
	phoneNumbers?: SimPhoneNumber[];
	/** Replaces the seeded templates. */
	templates?: TemplateDefinition[];
	/** Base clock in ms; advanceTime() shifts it further. Default Date.now. */
	now?: () => number;
	/** How window (131047) and undeliverable (131026) failures surface; default 'sync'. */
	failureMode?: 'sync' | 'webhook';
	/** Numbers that are not on WhatsApp. */
	undeliverableNumbers?: string[];
	/** Answer 130429 beyond this many accepted sends per second per number (off by default). */
	throughputLimitPerSecond?: number;
	/** Default page size of the template listing (Graph API default: 25). */
	templatePageSize?: number;
	webhook?: Partial<WebhookTarget> & { statuses?: false | StatusWebhookOptions };
	/**
	 * Routes of a page or tool served beside the Graph API (the sandbox's chat page): asked first for
	 * every request; answer it and return true, or return false to let the Graph API routes answer.
	 * Requests it answers are not logged as API requests.
	 */
	extraRoutes?: (request: IncomingMessage, response: ServerResponse, rawBody: Buffer) => boolean | Promise<boolean>;
}

export interface InboundDelivery extends WebhookDelivery {
	wamid: string;
	message: JsonRecord;
}

export interface SimulatorClientConfig {
	baseUrl: string;
	accessToken: string;
	phoneNumberId: string;
	businessAccountId: string;
}

export interface MetaSimulator {
	/** Base URL, e.g. http://127.0.0.1:43210 (use as the client's baseUrl). */
	readonly url: string;
	readonly port: number;
	readonly accessToken: string;
	readonly businessAccountId: string;
	/** The first (default) phone number id. */
	readonly phoneNumberId: string;
	readonly state: SimulatorState;
	/** Every API request, in order. */
	readonly requests: LoggedRequest[];
	/** Every webhook POST, in order. */
	readonly webhookDeliveries: WebhookDelivery[];
	clientConfig(): SimulatorClientConfig;
	now(): number;
	advanceTime(ms: number): void;
	/** Answer the next `count` matching API requests with this fault. */
	failNext(count: number, fault: FaultSpec): void;
	clearFaults(): void;
	/** `id`: the user's number or business-scoped user id. */
	openWindow(id: string, at?: number): void;
	closeWindow(id: string): void;
	addTemplate(template: TemplateDefinition): void;
	setTemplateStatus(name: string, language: string, status: string): void;
	addMedia(data: Buffer, mimeType: string, options?: { id?: string; phoneNumberId?: string }): StoredMedia;
	markUndeliverable(phone: string): void;
	configureWebhook(target: Partial<WebhookTarget> & { statuses?: false | StatusWebhookOptions }): void;
	/** Builds, signs and POSTs an inbound message webhook; records the inbound time (opens the window). */
	simulateInbound(input: InboundInput): Promise<InboundDelivery>;
	/** Delivers one status webhook for an accepted message. */
	deliverStatus(wamid: string, status: StatusName, options?: { errorCode?: number }): Promise<WebhookDelivery>;
	/**
	 * Signs and POSTs an account webhook of `field` (template_category_update, phone_number_quality_update,
	 * user_preferences...) with this value, in Meta's envelope. Template status and category changes made
	 * through `setTemplateStatus` or the state deliver theirs by themselves.
	 */
	simulateAccountEvent(field: string, value: Record<string, unknown>): Promise<WebhookDelivery>;
	/** Signs and POSTs any payload (e.g. a shared Meta sample); `signature` overrides the computed one. */
	deliverRaw(payload: unknown, options?: { signature?: string; rawBody?: Buffer }): Promise<WebhookDelivery>;
	/** POSTs the exact same bytes and signature again, as Meta does when it retries. */
	redeliver(delivery: WebhookDelivery): Promise<WebhookDelivery>;
	/** Resolves when every scheduled status webhook has been delivered. */
	flushWebhooks(): Promise<void>;
	requestsTo(method: string, pathEnd: string): LoggedRequest[];
	/** Accepted sends to this user, named by number or business-scoped user id (either reaches both). */
	sentTo(id: string): SentMessage[];
	close(): Promise<void>;
}

const MAX_BODY_BYTES = 110 * 1024 * 1024;

/** A fault that only slows the real answer down. */
function isDelayOnly(fault: FaultSpec): boolean {
	return fault.delayMs !== undefined && fault.code === undefined && fault.httpStatus === undefined && !fault.emptyBody && !fault.dropConnection;
}

function headerRecord(request: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
}

export async function startMetaSimulator(options: MetaSimulatorOptions = {}): Promise<MetaSimulator> {
	const accessToken = options.accessToken ?? DEFAULT_ACCESS_TOKEN;
	const state = new SimulatorState(options.businessAccountId ?? DEFAULT_BUSINESS_ACCOUNT_ID, options.now ?? Date.now);
	for (const phone of options.phoneNumbers ?? defaultPhoneNumbers()) state.phoneNumbers.set(phone.id, phone);
	state.templates.push(...(options.templates ?? defaultTemplates()));
	for (const number of options.undeliverableNumbers ?? []) state.undeliverableNumbers.add(digitsOf(number));
	const defaultPhone = [...state.phoneNumbers.values()][0];
	if (defaultPhone === undefined) throw new Error('The simulator needs at least one phone number.');

	const target: WebhookTarget = { appSecret: DEFAULT_APP_SECRET, timestampFormat: 'string', escapeNonAscii: true, escapeSlashes: false };
	let statusOptions: false | Required<StatusWebhookOptions> = { stages: ['sent', 'delivered', 'read'], delayMs: 0 };
	const webhookDeliveries: WebhookDelivery[] = [];
	const pending = new Set<Promise<unknown>>();
	let closed = false;

	const configureWebhook = (update: Partial<WebhookTarget> & { statuses?: false | StatusWebhookOptions }): void => {
		const { statuses, ...rest } = update;
		Object.assign(target, rest);
		if (statuses !== undefined) {
			statusOptions = statuses === false ? false : { stages: statuses.stages ?? ['sent', 'delivered', 'read'], delayMs: statuses.delayMs ?? 0 };
		}
	};
	if (options.webhook) configureWebhook(options.webhook);

	const track = <T>(promise: Promise<T>): Promise<T> => {
		pending.add(promise);
		void promise.finally(() => pending.delete(promise)).catch(() => undefined);
		return promise;
	};

	const deliver = async (kind: WebhookDelivery['kind'], payload: unknown, extra: { rawBody?: Buffer; signature?: string; attempt?: number } = {}): Promise<WebhookDelivery> => {
		const delivery = await postWebhook(target, kind, payload, state.now(), extra);
		webhookDeliveries.push(delivery);
		return delivery;
	};

	const phoneOf = (id: string): SimPhoneNumber => state.phoneNumbers.get(id) ?? defaultPhone;

	const simulateAccountEvent = (field: string, value: Record<string, unknown>): Promise<WebhookDelivery> =>
		track(deliver('account', accountNotification(state.businessAccountId, field, value, state.now())));

	// Meta tells the account about its templates' reviews and recategorizations by webhook.
	state.templateChangeListeners.push((change) => {
		if (target.url === undefined) return;
		const { template } = change;
		const about = { message_template_id: /^\d+$/.test(String(template.id)) ? Number(template.id) : template.id, message_template_name: template.name, message_template_language: template.language };
		if (change.kind === 'status') {
			void simulateAccountEvent('message_template_status_update', {
				event: template.status,
				...about,
				reason: change.reason ?? 'NONE',
				message_template_category: template.category,
			});
		} else {
			void simulateAccountEvent('template_category_update', { ...about, previous_category: change.previous, new_category: template.category });
		}
	});

	const deliverStatusOf = (sent: SentMessage, status: StatusName, windowWasOpen: boolean, errorCode?: number): Promise<WebhookDelivery> => {
		const entry = buildStatus(sent, status, state.now(), target.timestampFormat, { windowWasOpen, errorCode });
		return deliver('status', messagesNotification(state.businessAccountId, phoneOf(sent.phoneNumberId), { statuses: [entry] }));
	};

	const onAccepted = (sent: SentMessage, windowWasOpen: boolean): void => {
		if (target.url === undefined) return;
		const configured: StatusName[] = statusOptions === false ? [] : statusOptions.stages;
		// A reaction only ever gets a sent status (messages/reaction-messages), never delivered or read.
		const stages: StatusName[] = sent.asyncFailureCode !== undefined ? ['failed'] : sent.type === 'reaction' ? configured.filter((stage) => stage === 'sent') : configured;
		if (stages.length === 0) return;
		const delayMs = statusOptions === false ? 0 : statusOptions.delayMs;
		track(
			(async () => {
				for (const stage of stages) {
					await new Promise((resolve) => setTimeout(resolve, delayMs));
					if (closed) return;
					await deliverStatusOf(sent, stage, windowWasOpen, sent.asyncFailureCode);
				}
			})(),
		);
	};

	const server = createServer((request, response) => {
		void handle(request, response);
	});
	const context: RouteContext = {
		state,
		accessToken,
		baseUrl: '',
		failureMode: options.failureMode ?? 'sync',
		throughputLimitPerSecond: options.throughputLimitPerSecond ?? null,
		templatePageSize: options.templatePageSize ?? 25,
		onAccepted,
	};

	function answer(simRequest: SimRequest): SimReply {
		try {
			return route(context, simRequest);
		} catch (error) {
			// A simulator bug must surface in the test, not as a hang: answer a non-retryable error naming it.
			const spec =
				error instanceof MetaErrorSignal
					? error.spec
					: { code: 100, httpStatus: 500, message: `Simulator internal error: ${error instanceof Error ? error.stack : String(error)}` };
			const metaError = metaErrorReply(spec);
			return { status: metaError.httpStatus, headers: metaError.headers, json: metaError.body };
		}
	}

	async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const rawBody = await readBody(request, MAX_BODY_BYTES).catch(() => Buffer.alloc(0));
		if (options.extraRoutes) {
			try {
				if (await options.extraRoutes(request, response, rawBody)) return;
			} catch (error) {
				if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
				response.end(`extra route failed: ${error instanceof Error ? error.message : String(error)}`);
				return;
			}
		}
		const url = new URL(request.url ?? '/', context.baseUrl);
		const simRequest: SimRequest = {
			method: request.method ?? 'GET',
			path: url.pathname,
			query: url.searchParams,
			headers: request.headers,
			rawBody,
			json: parseJson(rawBody, request.headers['content-type']),
		};
		const log: LoggedRequest = {
			at: state.now(),
			method: simRequest.method,
			path: simRequest.path,
			query: Object.fromEntries(url.searchParams),
			headers: headerRecord(request),
			body: simRequest.json ?? (rawBody.length > 0 ? rawBody.toString('utf8') : null),
			status: 0,
			responseBody: null,
		};
		state.requestLog.push(log);

		let reply: SimReply;
		const fault = state.takeFault({ method: simRequest.method, path: simRequest.path, body: simRequest.json });
		const routed = fault === null || fault.afterAccept ? answer(simRequest) : null;
		if (fault?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
		if (fault?.dropConnection) {
			log.status = -1;
			request.socket.destroy();
			return;
		}
		if (fault?.emptyBody) {
			reply = { status: fault.httpStatus ?? 503, raw: Buffer.alloc(0) };
		} else if (fault && !isDelayOnly(fault)) {
			const error = metaErrorReply({ ...fault, code: fault.code ?? 131000 });
			reply = { status: error.httpStatus, headers: error.headers, json: error.body };
		} else {
			reply = routed ?? answer(simRequest);
		}
		log.status = reply.status;
		log.responseBody = reply.json ?? (reply.raw ? `<${reply.raw.length} bytes>` : null);
		const body = reply.raw ?? Buffer.from(reply.json === undefined ? '' : JSON.stringify(reply.json));
		response.writeHead(reply.status, {
			'content-type': reply.raw ? 'application/octet-stream' : 'application/json; charset=UTF-8',
			...reply.headers,
			'content-length': String(body.length),
		});
		response.end(body);
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const { port, address } = server.address() as AddressInfo;
	const url = `http://${address}:${port}`;
	context.baseUrl = url;

	const findSent = (wamid: string): SentMessage => {
		const sent = state.sentMessages.find((message) => message.wamid === wamid);
		if (sent === undefined) throw new Error(`No accepted message ${wamid}.`);
		return sent;
	};

	return {
		url,
		port,
		accessToken,
		businessAccountId: state.businessAccountId,
		phoneNumberId: defaultPhone.id,
		state,
		requests: state.requestLog,
		webhookDeliveries,
		clientConfig: () => ({ baseUrl: url, accessToken, phoneNumberId: defaultPhone.id, businessAccountId: state.businessAccountId }),
		now: () => state.now(),
		advanceTime: (ms) => state.advanceTime(ms),
		failNext: (count, fault) => state.queueFault(count, fault),
		clearFaults: () => state.clearFaults(),
		openWindow: (waId, at) => state.openWindow(waId, at),
		closeWindow: (waId) => state.closeWindow(waId),
		addTemplate: (template) => {
			state.templates.push(template);
		},
		setTemplateStatus: (name, language, status) => {
			state.setTemplateStatus(name, language, status);
		},
		addMedia: (data, mimeType, mediaOptions = {}) =>
			state.addMedia(data, mimeType, mediaOptions.phoneNumberId ?? defaultPhone.id, mediaOptions.id),
		markUndeliverable: (phone) => {
			state.undeliverableNumbers.add(digitsOf(phone));
		},
		configureWebhook,
		simulateInbound: async (input) => {
			const sender = input.from ?? input.userId;
			if (sender === undefined) throw new Error('simulateInbound needs `from` (a number) or `userId` (a BSUID).');
			if (input.userId !== undefined && !isBsuid(input.userId)) throw new Error(`"${input.userId}" is not a business-scoped user id.`);
			if (input.from !== undefined && input.userId !== undefined) state.linkUser(input.userId, input.from);
			const phone = phoneOf(input.phoneNumberId ?? defaultPhone.id);
			const message = buildInboundMessage(state, input, phone.id, url, target.timestampFormat);
			const value: JsonRecord = { messages: [message] };
			if (!input.omitContacts) value.contacts = [senderContact(input)];
			// contacts precede messages in Meta's samples; keep that order in the bytes.
			const ordered: JsonRecord = input.omitContacts ? value : { contacts: value.contacts, messages: value.messages };
			const wamid = String(message.id);
			state.inbound.push({ wamid, phoneNumberId: phone.id, from: state.userKey(sender), type: String(message.type), at: state.now() });
			if (input.openWindow !== false) state.openWindow(sender);
			const delivery = await deliver('inbound', messagesNotification(state.businessAccountId, phone, ordered));
			return { ...delivery, wamid, message };
		},
		deliverStatus: (wamid, status, statusOptions = {}) => {
			const sent = findSent(wamid);
			return deliverStatusOf(sent, status, state.isWindowOpen(sent.to), statusOptions.errorCode);
		},
		simulateAccountEvent,
		deliverRaw: (payload, rawOptions = {}) => deliver('raw', payload, rawOptions),
		redeliver: (delivery) =>
			deliver(delivery.kind, delivery.payload, { rawBody: delivery.rawBody, signature: delivery.signature, attempt: delivery.attempt + 1 }),
		flushWebhooks: async () => {
			while (pending.size > 0) await Promise.allSettled([...pending]);
		},
		requestsTo: (method, pathEnd) =>
			state.requestLog.filter((entry) => entry.method === method.toUpperCase() && entry.path.endsWith(pathEnd)),
		sentTo: (id) => {
			const key = state.userKey(id);
			return state.sentMessages.filter((message) => state.userKey(message.to) === key);
		},
		close: async () => {
			closed = true;
			await Promise.allSettled([...pending]);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

export type { InboundInput, StatusName } from './inbound';
export type { MetaErrorSpec } from './meta-errors';
export type { SimPhoneNumber } from './seed';
export type { FaultSpec, FaultTarget, LoggedRequest, SentMessage, StoredMedia } from './state';
export type { WebhookDelivery, WebhookTarget } from './webhooks';
export { DEFAULT_ACCESS_TOKEN, DEFAULT_APP_SECRET, DEFAULT_BUSINESS_ACCOUNT_ID, DEFAULT_PHONE_NUMBER_ID } from './seed';
export { serializeLikeMeta, signPayload } from './webhooks';
export { SimulatorState, CUSTOMER_SERVICE_WINDOW_MS, isBsuid } from './state';
