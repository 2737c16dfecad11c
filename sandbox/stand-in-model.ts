/**
 * The sandbox's offline stand-in for an OpenAI-compatible model server: a real HTTP server on 127.0.0.1
 * speaking the API the AI Reply node calls (GET /v1/models, POST /v1/chat/completions, POST
 * /v1/audio/transcriptions) with canned, keyword-driven support answers. n8n's OpenAI Chat Model (the
 * AI Agent variant's, Responses API off) sends the same chat completion requests: `stream: false`, the
 * history's texts as content parts, and no `tools` since that Agent has none. The stand-in never calls
 * a tool and does not stream (a streamed request gets a 400 saying so). It is no language model: every
 * answer says so, so nobody mistakes it for one. Set OPENAI_API_KEY to use a real model instead.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { readBody } from '../tools/http/body';

export const STAND_IN_LABEL = '[offline stand-in model]';

export interface StandInModel {
	/** Base URL for the credential, ending in /v1. */
	readonly url: string;
	/** Chat completion requests answered so far. */
	readonly chatRequests: number;
	close(): Promise<void>;
}

interface ChatMessage {
	role: string;
	content: string | Array<{ type: string; text?: string }> | null;
}

interface ChatBody {
	model?: string;
	messages?: ChatMessage[];
	response_format?: { type?: string };
	stream?: boolean;
}

function textOf(message: ChatMessage | undefined): string {
	if (message === undefined || message.content === null) return '';
	if (typeof message.content === 'string') return message.content;
	return message.content
		.filter((part) => part.type === 'text')
		.map((part) => part.text ?? '')
		.join(' ');
}

function hasImage(message: ChatMessage | undefined): boolean {
	return Array.isArray(message?.content) && message.content.some((part) => part.type === 'image_url');
}

const ORDER_NUMBER = /#?\b(\d{4,10})\b/;

/** A canned support answer for the customer's last message, aware of what was said before. */
export function standInAnswer(messages: readonly ChatMessage[]): string {
	const users = messages.filter((message) => message.role === 'user');
	const last = users[users.length - 1];
	const text = textOf(last).trim();
	const lower = text.toLowerCase();
	const earlier = users.slice(0, -1).map((message) => textOf(message).toLowerCase());
	const askedAboutOrder = earlier.some((line) => /order|track|deliver|parcel|package|shipping/.test(line));
	const say = (answer: string) => `${answer}\n\n${STAND_IN_LABEL} canned answer, not AI; set OPENAI_API_KEY for a real model`;

	if (hasImage(last)) return say('Thanks for the picture! A real vision model would describe it here.');
	if (text === '') return say('I did not catch that. Could you type your question?');
	const order = ORDER_NUMBER.exec(text);
	if (order && (askedAboutOrder || /order|track/.test(lower))) {
		return say(`Order **#${order[1]}** left our warehouse yesterday and should arrive within 2 working days. Anything else?`);
	}
	if (/\b(hi|hello|hey|hola|good (morning|afternoon|evening))\b/.test(lower)) {
		return say('Hello! 👋 I am the Lucky Shrub assistant. Ask me about orders, delivery, returns or opening hours. Type **menu** for options or **agent** for a person.');
	}
	if (/order|track|deliver|parcel|package|shipping/.test(lower)) return say('Happy to check your order. What is your order number?');
	if (/return|refund|exchange|broken|damaged/.test(lower)) {
		return say('Sorry about that! You can return any item within 30 days. Send me your order number and I will start the return.');
	}
	if (/hour|open|close|when/.test(lower)) return say('We are open Monday to Saturday, 9:00 to 18:00.');
	if (/price|cost|how much|cheap|discount|coupon/.test(lower)) return say('Our planters start at $12. This week there is 20% off with the code **SUMMER20**.');
	if (/thank|thx|great|perfect|bye/.test(lower)) return say('You are welcome! Have a lovely day.');
	return say(`You wrote: "${text.slice(0, 200)}". I only know orders, returns, hours and prices. Type **agent** to talk to a person.`);
}

/** The end-of-conversation extraction answer (a JSON object), read off the transcript by pattern. */
export function standInExtraction(messages: readonly ChatMessage[]): string {
	const system = textOf(messages.find((message) => message.role === 'system'));
	const transcript = messages
		.filter((message) => message.role === 'user')
		.map(textOf)
		.join('\n');
	// What the customer said (the business's lines mention every topic).
	const customerSaid = transcript
		.split('\n')
		.filter((line) => line.startsWith('Customer:'))
		.join('\n');
	const said = customerSaid === '' ? transcript : customerSaid;
	const wanted = [...system.matchAll(/^- "([^"]+)"/gm)].map((match) => match[1]);
	const email = /[\w.+-]+@[\w-]+\.[\w.]+/.exec(said)?.[0] ?? null;
	const order = ORDER_NUMBER.exec(said)?.[1] ?? null;
	const guess = (name: string): string | null => {
		if (/mail/i.test(name)) return email;
		if (/order/i.test(name)) return order;
		if (/topic|intent|reason/i.test(name)) return /return|refund/i.test(said) ? 'return' : /order|track|deliver/i.test(said) ? 'order status' : 'other';
		return null;
	};
	const customerLines = customerSaid === '' ? 0 : customerSaid.split('\n').length;
	return JSON.stringify({
		variables: Object.fromEntries(wanted.map((name) => [name, guess(name)])),
		summary: `${STAND_IN_LABEL} A conversation of ${customerLines || 'several'} customer message(s); found ${order ? `order ${order}` : 'no order number'}.`,
	});
}

/** A real model takes a moment, during which the chat page shows the business "typing…". */
const DEFAULT_ANSWER_DELAY_MS = 1500;

/** `answerDelayMs`: how long each chat answer takes. */
export async function startStandInModel(options: { host?: string; port?: number; answerDelayMs?: number } = {}): Promise<StandInModel> {
	const answerDelayMs = options.answerDelayMs ?? DEFAULT_ANSWER_DELAY_MS;
	let chatRequests = 0;
	const server = createServer((request, response) => {
		void readBody(request).then((raw) => {
			const path = (request.url ?? '/').split('?')[0].replace(/\/+$/, '');
			const send = (status: number, body: unknown) => {
				response.writeHead(status, { 'content-type': 'application/json' });
				response.end(JSON.stringify(body));
			};
			if (request.method === 'GET' && path === '/v1/models') {
				return send(200, { object: 'list', data: [{ id: 'stand-in', object: 'model', created: 0, owned_by: 'sandbox' }] });
			}
			if (request.method === 'POST' && path === '/v1/audio/transcriptions') {
				return send(200, { text: `${STAND_IN_LABEL} (a voice note; a real model would transcribe it)` });
			}
			if (request.method === 'POST' && path === '/v1/chat/completions') {
				let body: ChatBody;
				try {
					body = JSON.parse(raw.toString('utf8')) as ChatBody;
				} catch {
					return send(400, { error: { message: 'The body is not JSON.', type: 'invalid_request_error', param: null, code: null } });
				}
				if (body.stream === true) {
					return send(400, { error: { message: 'The offline stand-in model does not stream: turn streaming off.', type: 'invalid_request_error', param: 'stream', code: null } });
				}
				const messages = Array.isArray(body.messages) ? body.messages : [];
				chatRequests++;
				const content = body.response_format?.type === 'json_object' ? standInExtraction(messages) : standInAnswer(messages);
				const promptTokens = Math.ceil(JSON.stringify(messages).length / 4);
				const completionTokens = Math.ceil(content.length / 4);
				return void setTimeout(() => send(200, {
					id: `chatcmpl-standin-${Date.now()}`,
					object: 'chat.completion',
					created: Math.floor(Date.now() / 1000),
					model: `stand-in (asked for ${body.model ?? 'no model'})`,
					choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
					usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
				}), answerDelayMs);
			}
			return send(404, { error: { message: `Unknown path ${path}`, type: 'invalid_request_error', param: null, code: null } });
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const { port, address } = server.address() as AddressInfo;
	return {
		url: `http://${address}:${port}/v1`,
		get chatRequests() {
			return chatRequests;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
