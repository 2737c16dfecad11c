import type { StoredMessage } from '../conversation/types';
import type { ChatMessage } from './chat';
import { AI_REPLY_ID_PREFIX } from './ids';
import { estimateMessageTokens } from './tokens';

/** What history needs of a stored message. */
export type HistoryMessage = Pick<StoredMessage, 'wamid' | 'direction' | 'type' | 'text' | 'status'>;

/** Types whose text is exactly what the person typed or tapped. */
const PLAIN_TYPES = new Set(['text', 'button', 'interactive']);

/** A stored message as a line the model can read; null when there is nothing to say. */
export function historyText(message: HistoryMessage, transcriptions?: ReadonlyMap<string, string>): string | null {
	const text = message.text?.trim() ?? '';
	if (PLAIN_TYPES.has(message.type)) return text === '' ? null : text;
	if (message.type === 'audio') {
		const heard = (message.wamid && transcriptions?.get(message.wamid)) || text;
		return heard === '' ? '[voice message]' : `[voice message] ${heard}`;
	}
	if (message.type === 'template') return text === '' ? '[template]' : `[template ${text}]`;
	if (message.type === 'reaction') return text === '' ? null : `[reaction ${text}]`;
	return text === '' ? `[${message.type}]` : `[${message.type}] ${text}`;
}

/**
 * AI Reply stores a reply it did not send under an `ai.` id; when a later step sends the same text
 * through WhatsApp, the transcript holds it twice. History keeps the sent copy only.
 */
function isUnsentDuplicate(messages: readonly HistoryMessage[], index: number): boolean {
	const message = messages[index];
	if (message.direction !== 'outbound' || !message.wamid?.startsWith(AI_REPLY_ID_PREFIX)) return false;
	for (let next = index + 1; next < messages.length; next++) {
		const later = messages[next];
		if (later.direction === 'inbound') return false;
		if (later.text?.trim() === message.text?.trim()) return true;
	}
	return false;
}

/**
 * The transcript as chat messages, oldest first: the customer is `user`, the business `assistant`.
 * Messages that never reached the customer (failed) are left out, and consecutive messages of one side
 * are joined, since several chat templates insist on alternating roles.
 */
export function transcriptToChatMessages(
	transcript: readonly HistoryMessage[],
	options: { transcriptions?: ReadonlyMap<string, string> } = {},
): ChatMessage[] {
	const result: ChatMessage[] = [];
	transcript.forEach((message, index) => {
		if (message.direction === 'outbound' && message.status === 'failed') return;
		if (isUnsentDuplicate(transcript, index)) return;
		const text = historyText(message, options.transcriptions);
		if (text === null) return;
		const role = message.direction === 'inbound' ? 'user' : 'assistant';
		const previous = result.at(-1);
		if (previous?.role === role && typeof previous.content === 'string') previous.content = `${previous.content}\n${text}`;
		else result.push({ role, content: text });
	});
	return result;
}

/**
 * What comes before the message being answered: the earlier messages, without those of its burst
 * (`turnMessageIds`), which the answer's input carries already so none is read twice.
 */
export function historyBefore<T extends HistoryMessage & Pick<StoredMessage, 'seq'>>(
	transcript: readonly T[],
	answered: Pick<StoredMessage, 'seq'>,
	turnMessageIds: readonly string[] = [],
): T[] {
	const turn = new Set(turnMessageIds);
	return transcript.filter((message) => message.seq < answered.seq && !(message.wamid !== null && turn.has(message.wamid)));
}

export interface FittedHistory {
	/** Oldest first, the newest that fit. */
	messages: ChatMessage[];
	/** How many older messages were left out. */
	dropped: number;
	/** Estimated tokens of what was kept. */
	tokens: number;
}

/**
 * Keeps the newest messages whose estimated tokens fit `budgetTokens`, dropping the oldest first; the
 * order of what stays is unchanged. The system prompt and the message being answered are not part of
 * this budget: they are always sent.
 */
export function fitToTokenBudget(messages: readonly ChatMessage[], budgetTokens: number): FittedHistory {
	let tokens = 0;
	let start = messages.length;
	while (start > 0) {
		const cost = estimateMessageTokens(messages[start - 1]);
		if (tokens + cost > budgetTokens) break;
		tokens += cost;
		start--;
	}
	return { messages: messages.slice(start), dropped: start, tokens };
}
