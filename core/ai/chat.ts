import type OpenAI from 'openai';

import type { AiConnection } from './client';
import { AiError } from './errors';

export type ImageDetail = 'auto' | 'low' | 'high';

export type ChatContentPart =
	| { type: 'text'; text: string }
	| { type: 'image_url'; image_url: { url: string; detail?: ImageDetail } };

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant';
	content: string | ChatContentPart[];
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	temperature?: number;
	topP?: number;
	/** Upper bound for the answer's tokens. */
	maxTokens?: number;
	/** Ask for a JSON object (response_format json_object); dropped for servers that do not know it. */
	jsonObject?: boolean;
}

export interface TokenUsage {
	promptTokens: number;
	completionTokens: number;
	totalTokens: number;
}

export interface ChatResult {
	text: string;
	/** The model that answered, as the server names it. */
	model: string;
	/** stop, length (cut at max tokens), content_filter... */
	finishReason: string | null;
	usage: TokenUsage;
}

/** Anything that answers a chat request: the real connection, or a stand-in in tests. */
export type ChatCompleter = (request: ChatRequest) => Promise<ChatResult>;

type Body = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/**
 * Servers differ in which optional fields they accept. Each entry recognises one refusal and says how
 * to ask again: OpenAI's reasoning models want max_completion_tokens, some local servers reject
 * response_format.
 */
const ADJUSTMENTS: Array<{ matches: (message: string) => boolean; apply: (body: Body) => Body | null }> = [
	{
		matches: (message) => /max_completion_tokens/.test(message),
		apply: ({ max_tokens: maxTokens, ...body }) => (maxTokens === undefined || maxTokens === null ? null : { ...body, max_completion_tokens: maxTokens }),
	},
	{
		matches: (message) => /response_format/.test(message),
		apply: ({ response_format: format, ...body }) => (format === undefined ? null : body),
	},
];

function requestBody(request: ChatRequest): Body {
	const body: Body = {
		model: request.model,
		messages: request.messages as OpenAI.Chat.Completions.ChatCompletionMessageParam[],
	};
	if (request.temperature !== undefined) body.temperature = request.temperature;
	if (request.topP !== undefined) body.top_p = request.topP;
	if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
	if (request.jsonObject) body.response_format = { type: 'json_object' };
	return body;
}

function count(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The answer's text; some compatible servers send content as an array of text parts. */
function contentText(content: unknown): string | null {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		const texts = content
			.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : ''))
			.filter((text) => text !== '');
		return texts.length > 0 ? texts.join('') : null;
	}
	return null;
}

function readCompletion(completion: unknown, requestedModel: string): ChatResult {
	const answer = completion as {
		model?: unknown;
		choices?: Array<{ finish_reason?: unknown; message?: { content?: unknown; refusal?: unknown } }>;
		usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown };
	};
	const choice = Array.isArray(answer?.choices) ? answer.choices[0] : undefined;
	if (choice === undefined || typeof choice !== 'object' || choice === null) {
		throw new AiError('AI_BAD_RESPONSE', 'The model server answered without any choice.', 'Check that the Base URL points at an OpenAI-compatible API (often ending in /v1).');
	}
	const refusal = typeof choice.message?.refusal === 'string' ? choice.message.refusal : null;
	const text = contentText(choice.message?.content) ?? refusal;
	if (text === null || text.trim() === '') {
		throw new AiError('AI_EMPTY_REPLY', 'The model returned an empty answer.', 'Run again, raise Max Tokens, or adjust the instructions.');
	}
	const promptTokens = count(answer.usage?.prompt_tokens);
	const completionTokens = count(answer.usage?.completion_tokens);
	return {
		text,
		model: typeof answer.model === 'string' && answer.model !== '' ? answer.model : requestedModel,
		finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
		usage: {
			promptTokens,
			completionTokens,
			totalTokens: count(answer.usage?.total_tokens) || promptTokens + completionTokens,
		},
	};
}

/** One chat completion through the openai SDK (images travel as image_url parts). */
export async function completeChat(connection: AiConnection, request: ChatRequest): Promise<ChatResult> {
	if (request.model.trim() === '') {
		throw new AiError('AI_INPUT_INVALID', 'No model is set.', 'Enter a model name such as gpt-4o-mini.');
	}
	let body = requestBody(request);
	const tried = new Set<number>();
	for (;;) {
		try {
			const current = body;
			return readCompletion(await connection.call((sdk) => sdk.chat.completions.create(current)), request.model);
		} catch (error) {
			if (!(error instanceof AiError) || error.code !== 'AI_BAD_REQUEST') throw error;
			const index = ADJUSTMENTS.findIndex((adjustment, at) => !tried.has(at) && adjustment.matches(error.message));
			const adjusted = index < 0 ? null : ADJUSTMENTS[index].apply(body);
			if (adjusted === null) throw error;
			tried.add(index);
			body = adjusted;
		}
	}
}

/** A ChatCompleter bound to one connection, for code that only needs to ask. */
export function chatCompleter(connection: AiConnection): ChatCompleter {
	return (request) => completeChat(connection, request);
}
