import type { ChatMessage } from '../../../core/ai/chat';
import { fitToTokenBudget, transcriptToChatMessages, type HistoryMessage } from '../../../core/ai/history';
import { estimateMessageTokens, estimateTokens } from '../../../core/ai/tokens';

function message(direction: HistoryMessage['direction'], text: string | null, overrides: Partial<HistoryMessage> = {}): HistoryMessage {
	return { wamid: `wamid.${Math.random()}`, direction, type: 'text', text, status: direction === 'outbound' ? 'delivered' : null, ...overrides };
}

describe('estimateTokens', () => {
	it('counts about four ASCII characters a token and one per other character', () => {
		expect(estimateTokens('')).toBe(0);
		expect(estimateTokens('abcd')).toBe(1);
		expect(estimateTokens('Hello, how are you today?')).toBe(7);
		expect(estimateTokens('مرحبا')).toBe(5);
		expect(estimateTokens('😀😀')).toBe(2);
	});

	it('adds the per-message overhead and a fixed cost for images', () => {
		expect(estimateMessageTokens({ role: 'user', content: 'abcd' })).toBe(5);
		expect(estimateMessageTokens({ role: 'user', content: [{ type: 'text', text: 'abcd' }, { type: 'image_url', image_url: { url: 'data:x' } }] })).toBe(4 + 1 + 765);
	});
});

describe('transcriptToChatMessages', () => {
	it('maps the customer to user and the business to assistant, oldest first', () => {
		const history = transcriptToChatMessages([
			message('inbound', 'Hi'),
			message('outbound', 'Hello! How can I help?'),
			message('inbound', 'Is the navy planter in stock?'),
		]);
		expect(history).toEqual([
			{ role: 'user', content: 'Hi' },
			{ role: 'assistant', content: 'Hello! How can I help?' },
			{ role: 'user', content: 'Is the navy planter in stock?' },
		]);
	});

	it('joins consecutive messages of one side, marks media and templates, and skips what the customer never saw', () => {
		const history = transcriptToChatMessages([
			message('outbound', 'order_update', { type: 'template' }),
			message('outbound', 'This one failed', { status: 'failed' }),
			message('inbound', 'Thanks'),
			message('inbound', 'Look at this', { type: 'image' }),
			message('inbound', null, { type: 'audio' }),
			message('inbound', null, { type: 'reaction' }),
			message('inbound', '👍', { type: 'reaction' }),
		]);
		expect(history).toEqual([
			{ role: 'assistant', content: '[template order_update]' },
			{ role: 'user', content: 'Thanks\n[image] Look at this\n[voice message]\n[reaction 👍]' },
		]);
	});

	it('uses a transcription for a voice note when one is known', () => {
		const voice = message('inbound', null, { type: 'audio', wamid: 'wamid.voice' });
		expect(transcriptToChatMessages([voice], { transcriptions: new Map([['wamid.voice', 'Where is my order?']]) })).toEqual([
			{ role: 'user', content: '[voice message] Where is my order?' },
		]);
	});

	it('keeps only the sent copy of a reply AI Reply stored and a later step sent', () => {
		const history = transcriptToChatMessages([
			message('inbound', 'Hi'),
			message('outbound', 'Hello there', { wamid: 'ai.123' }),
			message('outbound', 'Hello there', { wamid: 'wamid.sent' }),
			message('inbound', 'Bye'),
			message('outbound', 'Goodbye', { wamid: 'ai.456' }),
		]);
		expect(history).toEqual([
			{ role: 'user', content: 'Hi' },
			{ role: 'assistant', content: 'Hello there' },
			{ role: 'user', content: 'Bye' },
			{ role: 'assistant', content: 'Goodbye' },
		]);
	});
});

describe('fitToTokenBudget', () => {
	const turns: ChatMessage[] = Array.from({ length: 10 }, (_, index) => ({
		role: index % 2 === 0 ? 'user' : 'assistant',
		content: `message ${index} ${'x'.repeat(36)}`,
	}));
	const cost = estimateMessageTokens(turns[0]);

	it('keeps the newest messages that fit, in their order, dropping the oldest first', () => {
		const fitted = fitToTokenBudget(turns, cost * 3);
		expect(fitted.messages).toEqual(turns.slice(7));
		expect(fitted.dropped).toBe(7);
		expect(fitted.tokens).toBe(cost * 3);
	});

	it('keeps everything under a large budget and nothing under a tiny one', () => {
		expect(fitToTokenBudget(turns, 1_000_000)).toMatchObject({ messages: turns, dropped: 0 });
		expect(fitToTokenBudget(turns, cost - 1)).toMatchObject({ messages: [], dropped: 10, tokens: 0 });
		expect(fitToTokenBudget(turns, 0).messages).toEqual([]);
	});

	it('stops at the first message that does not fit, so no gap opens in the middle', () => {
		const uneven: ChatMessage[] = [
			{ role: 'user', content: 'short' },
			{ role: 'assistant', content: 'y'.repeat(400) },
			{ role: 'user', content: 'short too' },
		];
		const fitted = fitToTokenBudget(uneven, 20);
		expect(fitted.messages).toEqual([{ role: 'user', content: 'short too' }]);
	});
});
