/**
 * End-of-conversation extraction: one model call reads the transcript and returns the variables the
 * user defined (name, type, description) and a short summary, as JSON checked with zod. It never
 * throws: a failure comes back in `error`, so a Conversation Ended event is never held up by it.
 */
import { z } from 'zod/v4';

import type { ConversationStore } from '../conversation/store';
import type { ChatCompleter, TokenUsage } from './chat';
import { AiError } from './errors';
import { historyText, type HistoryMessage } from './history';
import { estimateTokens } from './tokens';

export type VariableType = 'string' | 'number' | 'boolean' | 'date' | 'list';

export interface VariableDefinition {
	/** The key in the result, e.g. "email" or "order_number". */
	name: string;
	type: VariableType;
	/** What to look for, in the user's words; the model reads it. */
	description: string;
}

export interface ExtractionOptions {
	model: string;
	/** Ask for a short summary as well (under `summary`). Default true. */
	summary?: boolean;
	/** Extra instructions (language of the summary, business context). */
	instructions?: string;
	temperature?: number;
	/** The newest part of long transcripts that is sent; older lines are left out. Default 12,000. */
	maxTranscriptTokens?: number;
}

export interface ExtractionError {
	code: string;
	message: string;
	hint: string;
}

export interface ExtractionResult {
	/** Every defined variable, null where the transcript does not say; empty when the call failed. */
	variables: Record<string, string | number | boolean | string[] | null>;
	summary: string | null;
	/** Variables whose answer did not fit their type (set to null). */
	invalid: string[];
	model: string | null;
	usage: TokenUsage | null;
	error: ExtractionError | null;
}

const TYPE_GUIDE: Record<VariableType, string> = {
	string: 'string',
	number: 'number (digits only, no units)',
	boolean: 'true or false',
	date: 'date as YYYY-MM-DD (or full ISO 8601 date-time when a time is given)',
	list: 'array of strings',
};

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

function checkDefinitions(definitions: readonly VariableDefinition[]): void {
	const seen = new Set<string>();
	for (const definition of definitions) {
		if (!NAME.test(definition.name)) {
			throw new AiError('AI_INPUT_INVALID', `The variable name "${definition.name}" is not valid.`, 'Use letters, digits and underscores, starting with a letter (e.g. order_number).');
		}
		if (seen.has(definition.name)) {
			throw new AiError('AI_INPUT_INVALID', `The variable "${definition.name}" is defined twice.`, 'Give each variable its own name.');
		}
		seen.add(definition.name);
	}
}

/** "Customer: …" / "Business: …" lines, newest kept within the token budget. */
export function transcriptForExtraction(transcript: readonly HistoryMessage[], maxTokens: number): string {
	const lines: string[] = [];
	let tokens = 0;
	for (let index = transcript.length - 1; index >= 0; index--) {
		const message = transcript[index];
		const text = historyText(message);
		if (text === null) continue;
		const line = `${message.direction === 'inbound' ? 'Customer' : 'Business'}: ${text}`;
		tokens += estimateTokens(line) + 1;
		if (tokens > maxTokens) break;
		lines.push(line);
	}
	return lines.reverse().join('\n');
}

function systemPrompt(definitions: readonly VariableDefinition[], summary: boolean, instructions: string | undefined): string {
	const fields = definitions.map((definition) => `- "${definition.name}" (${TYPE_GUIDE[definition.type]}): ${definition.description.trim() || definition.name}`);
	const shape = [
		'{',
		`  "variables": { ${definitions.map((definition) => `"${definition.name}": ...`).join(', ')} }${summary ? ',' : ''}`,
		...(summary ? ['  "summary": "2-3 sentences: what the customer wanted and how it ended"'] : []),
		'}',
	].join('\n');
	return [
		'You read a finished WhatsApp conversation between a customer and a business and extract facts from it.',
		definitions.length > 0 ? `Variables to extract:\n${fields.join('\n')}` : '',
		'Use only what the transcript says. When it does not say, use null. Do not invent values.',
		`Answer with one JSON object and nothing else, shaped like:\n${shape}`,
		instructions?.trim() ?? '',
	]
		.filter((section) => section !== '')
		.join('\n\n');
}

/** The JSON object in an answer, also when wrapped in ```json fences or prose. */
function parseJsonObject(text: string): unknown {
	const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
	const candidate = fenced ? fenced[1] : text;
	const start = candidate.indexOf('{');
	const end = candidate.lastIndexOf('}');
	if (start < 0 || end <= start) throw new Error('no JSON object in the answer');
	return JSON.parse(candidate.slice(start, end + 1)) as unknown;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'si', 'sí', 'oui', 'ja']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'non', 'nein']);

/** One value checked against its declared type; models write "42" for 42 and "yes" for true, so those pass. */
function valueSchema(type: VariableType): z.ZodType<string | number | boolean | string[] | null> {
	const empty = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
	switch (type) {
		case 'number':
			return z.preprocess(
				(value) => (empty(value) ? null : typeof value === 'string' ? Number(value.replace(/[\s,]/g, '')) : value),
				z.number().nullable(),
			);
		case 'boolean':
			return z.preprocess((value) => {
				if (empty(value)) return null;
				if (typeof value !== 'string') return value;
				const word = value.trim().toLowerCase();
				return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
			}, z.boolean().nullable());
		case 'date':
			return z.preprocess(
				(value) => (empty(value) ? null : value),
				z
					.string()
					.refine((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), 'not an ISO date')
					.nullable(),
			);
		case 'list':
			return z.preprocess(
				(value) => (empty(value) ? null : typeof value === 'string' ? [value] : value),
				z.array(z.union([z.string(), z.number()]).transform(String)).nullable(),
			);
		case 'string':
			return z.preprocess(
				(value) => (empty(value) ? null : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value),
				z.string().nullable(),
			);
	}
}

function failure(error: unknown, model: string | null, usage: TokenUsage | null): ExtractionResult {
	const known = error instanceof AiError ? error : null;
	return {
		variables: {},
		summary: null,
		invalid: [],
		model,
		usage,
		error: known
			? { code: known.code, message: known.message, hint: known.hint }
			: {
					code: 'AI_BAD_RESPONSE',
					message: `The model's extraction could not be read: ${error instanceof Error ? error.message : String(error)}`,
					hint: 'Run again, or use a model that follows JSON instructions well.',
				},
	};
}

/**
 * Asks the model once for the defined variables (and a summary) from the transcript. A model error or
 * an unreadable answer is reported in `error`; values of the wrong type become null, named in `invalid`.
 */
export async function extractConversationVariables(
	transcript: readonly HistoryMessage[],
	definitions: readonly VariableDefinition[],
	complete: ChatCompleter,
	options: ExtractionOptions,
): Promise<ExtractionResult> {
	const wantSummary = options.summary ?? true;
	let model: string | null = null;
	let usage: TokenUsage | null = null;
	try {
		checkDefinitions(definitions);
		if (definitions.length === 0 && !wantSummary) return { variables: {}, summary: null, invalid: [], model: null, usage: null, error: null };
		const text = transcriptForExtraction(transcript, options.maxTranscriptTokens ?? 12_000);
		if (text === '') return { variables: Object.fromEntries(definitions.map((definition) => [definition.name, null])), summary: null, invalid: [], model: null, usage: null, error: null };

		const answer = await complete({
			model: options.model,
			temperature: options.temperature ?? 0,
			jsonObject: true,
			messages: [
				{ role: 'system', content: systemPrompt(definitions, wantSummary, options.instructions) },
				{ role: 'user', content: `Transcript:\n${text}` },
			],
		});
		model = answer.model;
		usage = answer.usage;
		const parsed = z
			.looseObject({ variables: z.record(z.string(), z.unknown()).nullish(), summary: z.unknown().optional() })
			.parse(parseJsonObject(answer.text));
		// Some models put the variables at the top level instead of under "variables".
		const source: Record<string, unknown> = parsed.variables ?? parsed;
		const variables: ExtractionResult['variables'] = {};
		const invalid: string[] = [];
		for (const definition of definitions) {
			const checked = valueSchema(definition.type).safeParse(source[definition.name]);
			variables[definition.name] = checked.success ? checked.data : null;
			if (!checked.success) invalid.push(definition.name);
		}
		const summary = wantSummary && typeof parsed.summary === 'string' && parsed.summary.trim() !== '' ? parsed.summary.trim() : null;
		return { variables, summary, invalid, model, usage, error: null };
	} catch (error) {
		return failure(error, model, usage);
	}
}

export interface StoredExtraction extends ExtractionResult {
	/** True when the conversation already had extracted variables: the model was not asked again. */
	alreadyExtracted: boolean;
}

/**
 * Extraction for a stored conversation, asked once: when the conversation already carries extracted
 * variables (a redelivered Conversation Ended event), those are returned without a model call. A
 * successful result is saved with `mergeConversationVariables({ extracted })`, the summary under
 * `summary` unless a variable of that name was defined.
 */
export async function extractAndStoreConversationVariables(
	store: Pick<ConversationStore, 'getConversation' | 'getTranscript' | 'mergeConversationVariables'>,
	conversationId: string,
	definitions: readonly VariableDefinition[],
	complete: ChatCompleter,
	options: ExtractionOptions,
): Promise<StoredExtraction> {
	const conversation = await store.getConversation(conversationId);
	if (conversation === null) {
		return { ...failure(new AiError('AI_INPUT_INVALID', `No conversation with id "${conversationId}" is stored.`, 'Pass the conversation id from the event.'), null, null), alreadyExtracted: false };
	}
	const existing = conversation.extractedVariables;
	if (Object.keys(existing).length > 0) {
		const summary = typeof existing.summary === 'string' ? existing.summary : null;
		const variables: ExtractionResult['variables'] = {};
		for (const [name, value] of Object.entries(existing)) {
			if (name !== 'summary' || definitions.some((definition) => definition.name === 'summary')) variables[name] = value as ExtractionResult['variables'][string];
		}
		return { variables, summary, invalid: [], model: null, usage: null, error: null, alreadyExtracted: true };
	}
	const result = await extractConversationVariables(await store.getTranscript(conversationId), definitions, complete, options);
	if (result.error === null) {
		const summaryDefined = definitions.some((definition) => definition.name === 'summary');
		const extracted: Record<string, unknown> = { ...result.variables };
		if (result.summary !== null && !summaryDefined) extracted.summary = result.summary;
		if (Object.keys(extracted).length > 0) await store.mergeConversationVariables(conversationId, { extracted });
	}
	return { ...result, alreadyExtracted: false };
}
