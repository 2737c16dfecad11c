import type { ChatMessage } from './chat';

/**
 * Token counts estimated without a tokenizer: shipping one per model family would weigh megabytes and
 * still miss most compatible servers' models. English runs at about 4 characters a token; other
 * scripts, accents and emoji cost about a token per character or more, so non-ASCII characters count
 * one each. The estimate leans high, which keeps a budget on the safe side.
 */
export function estimateTokens(text: string): number {
	let ascii = 0;
	let other = 0;
	for (const character of text) {
		if ((character.codePointAt(0) ?? 0) < 128) ascii++;
		else other++;
	}
	return Math.ceil(ascii / 4 + other);
}

/** What each message costs on top of its content (role and separators in the chat format). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** OpenAI's figure for one high-detail 512×512 tile plus the base: a fair middle for any image. */
export const IMAGE_TOKENS = 765;

export function estimateMessageTokens(message: ChatMessage): number {
	if (typeof message.content === 'string') return MESSAGE_OVERHEAD_TOKENS + estimateTokens(message.content);
	let tokens = MESSAGE_OVERHEAD_TOKENS;
	for (const part of message.content) tokens += part.type === 'text' ? estimateTokens(part.text) : IMAGE_TOKENS;
	return tokens;
}
