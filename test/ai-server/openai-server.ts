// A local OpenAI-compatible server for tests: a real node:http server on 127.0.0.1 that records every
// request and answers chat completions (scripted, or echoing the last user message, image parts
// included), audio transcriptions (multipart) and the model list, with errors injected on demand in
// OpenAI's own shapes.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { parseJson, readBody } from '../../tools/http/body';
import { parseMultipart, type FormPart } from '../../tools/meta-simulator/multipart';

export interface RecordedAiRequest {
	method: string;
	/** Path without the query, e.g. /v1/chat/completions. */
	path: string;
	headers: IncomingHttpHeaders;
	raw: Buffer;
	/** Parsed JSON body (undefined for multipart or empty bodies). */
	json: unknown;
	/** Multipart parts (audio uploads). */
	form: FormPart[] | null;
}

export interface ChatContentPart {
	type: string;
	text?: string;
	image_url?: { url: string; detail?: string };
}

export interface ChatCompletionBody {
	model: string;
	messages: Array<{ role: string; content: string | ChatContentPart[] }>;
	temperature?: number;
	top_p?: number;
	max_tokens?: number;
	max_completion_tokens?: number;
	response_format?: { type: string };
	[key: string]: unknown;
}

export interface ScriptedReply {
	content?: string | null;
	refusal?: string;
	finishReason?: string;
	model?: string;
	usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
	/** Sent as the whole body instead of a completion (to test unreadable answers). */
	rawBody?: string;
}

export type FaultKind = 'unauthorized' | 'rate_limited' | 'insufficient_quota' | 'context_length' | 'bad_request' | 'model_not_found' | 'server_error';

export interface Fault {
	kind: FaultKind;
	/** Retry-After header value (seconds) for rate limits. */
	retryAfter?: string;
	/** Only requests to this path (default: any path). */
	path?: string;
	message?: string;
}

export interface OpenAiServerOptions {
	/** When set, requests without "Authorization: Bearer <apiKey>" get a 401 like OpenAI's. */
	apiKey?: string;
	/** Answer 400 to max_tokens like OpenAI's reasoning models (they want max_completion_tokens). */
	rejectMaxTokens?: boolean;
	models?: string[];
}

export interface OpenAiTestServer {
	/** Base URL for the SDK, ending in /v1. */
	readonly url: string;
	readonly requests: RecordedAiRequest[];
	/** Bodies of every chat completion request, in order. */
	chatRequests(): ChatCompletionBody[];
	lastChatRequest(): ChatCompletionBody;
	transcriptionRequests(): RecordedAiRequest[];
	/** Queue replies for the next chat completions; afterwards the server echoes again. */
	replyWith(...replies: Array<string | ScriptedReply>): void;
	/** Text returned by /audio/transcriptions. */
	setTranscription(text: string): void;
	/** Answer the next `count` requests with an error. */
	failNext(count: number, fault: Fault | FaultKind): void;
	reset(): void;
	close(): Promise<void>;
}

interface ErrorReply {
	status: number;
	body: { error: { message: string; type: string; param: string | null; code: string | null } };
	headers?: Record<string, string>;
}

function errorReply(fault: Fault): ErrorReply {
	const error = (status: number, message: string, type: string, code: string | null, param: string | null = null): ErrorReply => ({
		status,
		body: { error: { message: fault.message ?? message, type, param, code } },
	});
	switch (fault.kind) {
		case 'unauthorized':
			return error(401, 'Incorrect API key provided: sk-test-********************abcd. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
		case 'rate_limited':
			return {
				...error(429, 'Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1.', 'requests', 'rate_limit_exceeded'),
				headers: fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
			};
		case 'insufficient_quota':
			return error(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota');
		case 'context_length':
			return error(
				400,
				"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.",
				'invalid_request_error',
				'context_length_exceeded',
				'messages',
			);
		case 'bad_request':
			return error(400, "Invalid value for 'temperature': must be between 0 and 2.", 'invalid_request_error', null, 'temperature');
		case 'model_not_found':
			return error(404, 'The model `gpt-nope` does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found');
		case 'server_error':
			return error(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null);
	}
}

/** The echo: the last user message's text, and what images it carried. */
function echo(body: ChatCompletionBody): string {
	const last = [...body.messages].reverse().find((message) => message.role === 'user');
	if (last === undefined) return 'Echo: (nothing)';
	if (typeof last.content === 'string') return `Echo: ${last.content}`;
	const text = last.content.filter((part) => part.type === 'text').map((part) => part.text ?? '').join(' ');
	const images = last.content.filter((part) => part.type === 'image_url').map((part) => /^data:([^;,]+)/.exec(part.image_url?.url ?? '')?.[1] ?? 'url');
	return `Echo: ${text}${images.length > 0 ? ` [saw ${images.length} image(s): ${images.join(', ')}]` : ''}`;
}

function completion(body: ChatCompletionBody, reply: ScriptedReply) {
	const content = reply.content === undefined ? echo(body) : reply.content;
	const promptTokens = Math.ceil(JSON.stringify(body.messages).length / 4);
	const completionTokens = Math.ceil((content ?? '').length / 4);
	return {
		id: `chatcmpl-test-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: reply.model ?? `${body.model}-2025-01-01`,
		choices: [
			{
				index: 0,
				message: { role: 'assistant', content, refusal: reply.refusal ?? null },
				finish_reason: reply.finishReason ?? 'stop',
			},
		],
		usage:
			reply.usage === undefined
				? { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }
				: reply.usage,
	};
}

export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
	const requests: RecordedAiRequest[] = [];
	let replies: ScriptedReply[] = [];
	let faults: Fault[] = [];
	let transcription = 'Hello, I would like to know if the navy planter is in stock.';

	const server: Server = createServer((request, response) => {
		void readBody(request).then((raw) => {
			const path = (request.url ?? '/').split('?')[0];
			const contentType = request.headers['content-type'];
			const recorded: RecordedAiRequest = {
				method: request.method ?? 'GET',
				path,
				headers: request.headers,
				raw,
				json: parseJson(raw, contentType),
				form: contentType?.includes('multipart/') ? parseMultipart(raw, contentType) : null,
			};
			requests.push(recorded);
			const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
				response.writeHead(status, { 'content-type': 'application/json', ...headers });
				response.end(typeof body === 'string' ? body : JSON.stringify(body));
			};

			if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
				const reply = errorReply({ kind: 'unauthorized' });
				return send(reply.status, reply.body);
			}
			const faultIndex = faults.findIndex((fault) => fault.path === undefined || path.endsWith(fault.path));
			if (faultIndex >= 0) {
				const [fault] = faults.splice(faultIndex, 1);
				const reply = errorReply(fault);
				return send(reply.status, reply.body, reply.headers);
			}

			if (request.method === 'GET' && path === '/v1/models') {
				const ids = options.models ?? ['gpt-4o-mini', 'gpt-4o', 'whisper-1'];
				return send(200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) });
			}
			if (request.method === 'POST' && path === '/v1/chat/completions') {
				const body = recorded.json as ChatCompletionBody | undefined;
				if (body === undefined || !Array.isArray(body.messages)) return send(400, errorReply({ kind: 'bad_request', message: 'messages is required' }).body);
				if (options.rejectMaxTokens && body.max_tokens !== undefined) {
					return send(400, {
						error: {
							message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
							type: 'invalid_request_error',
							param: 'max_tokens',
							code: 'unsupported_parameter',
						},
					});
				}
				const reply = replies.shift() ?? {};
				if (reply.rawBody !== undefined) return send(200, reply.rawBody, { 'content-type': 'text/html' });
				return send(200, completion(body, reply));
			}
			if (request.method === 'POST' && path === '/v1/audio/transcriptions') {
				const file = recorded.form?.find((part) => part.name === 'file');
				if (file === undefined || file.data.length === 0) return send(400, errorReply({ kind: 'bad_request', message: 'file is required' }).body);
				return send(200, { text: transcription });
			}
			return send(404, { error: { message: `Unknown path ${path}`, type: 'invalid_request_error', param: null, code: null } });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	const chatRequests = () =>
		requests.filter((request) => request.path === '/v1/chat/completions' && request.json !== undefined).map((request) => request.json as ChatCompletionBody);
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		chatRequests,
		lastChatRequest() {
			const all = chatRequests();
			if (all.length === 0) throw new Error('no chat completion request was made');
			return all[all.length - 1];
		},
		transcriptionRequests: () => requests.filter((request) => request.path === '/v1/audio/transcriptions'),
		replyWith(...next) {
			replies.push(...next.map((reply) => (typeof reply === 'string' ? { content: reply } : reply)));
		},
		setTranscription(text) {
			transcription = text;
		},
		failNext(count, fault) {
			for (let index = 0; index < count; index++) faults.push(typeof fault === 'string' ? { kind: fault } : fault);
		},
		reset() {
			requests.length = 0;
			replies = [];
			faults = [];
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
		},
	};
}
