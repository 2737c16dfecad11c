// The request / response pair the n8n server gives a node's webhook(): a real http.IncomingMessage
// carrying the raw body (readable as a stream, and as `rawBody`), parsed the way n8n's body parser
// does (JSON, url-encoded, text/plain), plus express's query/params; and a response that records
// what the node sends.
import { IncomingMessage, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';

import { parseIncomingMessage } from '@n8n/backend-network';
import { jsonParse, type IDataObject, type IHttpRequestMethods } from 'n8n-workflow';

export interface WebhookRequestInit {
	method?: IHttpRequestMethods;
	/** Raw body bytes; a string is sent as UTF-8, an object as JSON (content-type set if missing). */
	body?: Buffer | string | IDataObject;
	headers?: Record<string, string>;
	query?: Record<string, string | string[]>;
	params?: Record<string, string>;
	/** Request path, for nodes that look at it (default `/webhook/<path>`). */
	url?: string;
}

/** What n8n's webhook node code sees: IncomingMessage (with n8n's rawBody fields) plus express's. */
export interface FakeWebhookRequest extends IncomingMessage {
	body: unknown;
	query: Record<string, string | string[]>;
	params: Record<string, string>;
	path: string;
	get(name: string): string | undefined;
	header(name: string): string | undefined;
}

function toRawBody(init: WebhookRequestInit, headers: IncomingHttpHeaders): Buffer {
	const { body } = init;
	if (body === undefined) return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	headers['content-type'] ??= 'application/json';
	return Buffer.from(JSON.stringify(body), 'utf8');
}

function parseBody(request: FakeWebhookRequest): unknown {
	const { rawBody, contentType, encoding } = request;
	if (!rawBody.length) return {};
	const text = rawBody.toString(encoding);
	if (contentType === 'application/json') return jsonParse(text);
	if (contentType === 'application/x-www-form-urlencoded') return { ...parseQueryString(text) };
	if (contentType === 'text/plain') return text;
	return {};
}

export function createWebhookRequest(init: WebhookRequestInit, defaultPath: string): FakeWebhookRequest {
	const headers: IncomingHttpHeaders = {};
	for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
	const rawBody = toRawBody(init, headers);
	if (rawBody.length) headers['content-length'] ??= String(rawBody.length);

	const message = new IncomingMessage(new Socket());
	message.method = init.method ?? 'POST';
	message.url = init.url ?? defaultPath;
	message.headers = headers;
	message.push(rawBody.length ? rawBody : null);
	if (rawBody.length) message.push(null);

	const header = (name: string): string | undefined => {
		const value = headers[name.toLowerCase()];
		return Array.isArray(value) ? value.join(', ') : value;
	};
	const request = Object.assign(message, {
		body: {} as unknown,
		query: init.query ?? {},
		params: init.params ?? {},
		path: message.url.split('?')[0],
		get: header,
		header,
		rawBody,
		_body: true,
		readRawBody: async () => undefined,
	});
	parseIncomingMessage(request);
	request.body = parseBody(request);
	return request;
}

/** Records what a node sends through the response object (express methods the n8n nodes use). */
export class RecordingResponse {
	statusCode = 200;
	readonly headers: OutgoingHttpHeaders = {};
	private readonly chunks: Buffer[] = [];
	/** Set when the node ended the response itself (n8n then sends nothing more). */
	ended = false;

	get headersSent(): boolean {
		return this.ended;
	}

	/** What was sent, as text. */
	get bodyText(): string {
		return Buffer.concat(this.chunks).toString('utf8');
	}

	/** What was sent, parsed as JSON (undefined when it is not JSON). */
	get bodyJson(): unknown {
		return jsonParse(this.bodyText, { fallbackValue: undefined });
	}

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	setHeader(name: string, value: string | number | string[]): this {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	set(name: string, value: string): this {
		return this.setHeader(name, value);
	}

	header(name: string, value: string): this {
		return this.setHeader(name, value);
	}

	getHeader(name: string): OutgoingHttpHeaders[string] {
		return this.headers[name.toLowerCase()];
	}

	writeHead(statusCode: number, headers: OutgoingHttpHeaders = {}): this {
		this.statusCode = statusCode;
		for (const [name, value] of Object.entries(headers)) {
			if (value !== undefined) this.setHeader(name, value);
		}
		return this;
	}

	write(chunk: Buffer | string): boolean {
		this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8'));
		return true;
	}

	end(chunk?: Buffer | string): this {
		if (chunk !== undefined) this.write(chunk);
		this.ended = true;
		return this;
	}

	send(body?: Buffer | string | IDataObject | unknown[]): this {
		if (body === undefined) return this.end();
		if (Buffer.isBuffer(body) || typeof body === 'string') return this.end(body);
		return this.json(body);
	}

	json(body: unknown): this {
		if (this.getHeader('content-type') === undefined) this.setHeader('content-type', 'application/json');
		return this.end(JSON.stringify(body));
	}

	sendStatus(code: number): this {
		return this.status(code).end(String(code));
	}
}
