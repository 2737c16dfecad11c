import type { ChatCompleter, ChatRequest } from '../../../core/ai/chat';
import { AiError } from '../../../core/ai/errors';
import { extractConversationVariables, transcriptForExtraction, type VariableDefinition } from '../../../core/ai/extract';
import type { HistoryMessage } from '../../../core/ai/history';

const transcript: HistoryMessage[] = [
	{ wamid: 'w1', direction: 'inbound', type: 'text', text: 'Hi, I am Maria. My email is maria@example.com', status: null },
	{ wamid: 'w2', direction: 'outbound', type: 'text', text: 'Hello Maria! How can I help?', status: 'read' },
	{ wamid: 'w3', direction: 'inbound', type: 'text', text: 'I want 3 navy planters delivered on March 4th 2026', status: null },
];

const definitions: VariableDefinition[] = [
	{ name: 'email', type: 'string', description: "The customer's email address" },
	{ name: 'quantity', type: 'number', description: 'How many items' },
	{ name: 'wantsDelivery', type: 'boolean', description: 'Whether they want delivery' },
	{ name: 'deliveryDate', type: 'date', description: 'Requested delivery date' },
	{ name: 'products', type: 'list', description: 'Products mentioned' },
];

function answering(text: string): { complete: ChatCompleter; requests: ChatRequest[] } {
	const requests: ChatRequest[] = [];
	return {
		requests,
		complete: async (request) => {
			requests.push(request);
			return { text, model: 'gpt-test', finishReason: 'stop', usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 } };
		},
	};
}

describe('extractConversationVariables', () => {
	it('asks once, with the definitions and the transcript, for a JSON object', async () => {
		const { complete, requests } = answering(
			JSON.stringify({
				variables: { email: 'maria@example.com', quantity: 3, wantsDelivery: true, deliveryDate: '2026-03-04', products: ['navy planter'] },
				summary: 'Maria ordered three navy planters for delivery on 4 March.',
			}),
		);
		const result = await extractConversationVariables(transcript, definitions, complete, { model: 'gpt-4o-mini' });
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ model: 'gpt-4o-mini', temperature: 0, jsonObject: true });
		const [system, user] = requests[0].messages;
		expect(system.content).toContain('- "quantity" (number (digits only, no units)): How many items');
		expect(system.content).toContain('"summary"');
		expect(user.content).toBe(
			'Transcript:\nCustomer: Hi, I am Maria. My email is maria@example.com\nBusiness: Hello Maria! How can I help?\nCustomer: I want 3 navy planters delivered on March 4th 2026',
		);
		expect(result).toEqual({
			variables: { email: 'maria@example.com', quantity: 3, wantsDelivery: true, deliveryDate: '2026-03-04', products: ['navy planter'] },
			summary: 'Maria ordered three navy planters for delivery on 4 March.',
			invalid: [],
			model: 'gpt-test',
			usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 },
			error: null,
		});
	});

	it('accepts fenced JSON, top-level variables and values models write as strings', async () => {
		const { complete } = answering('Here you go:\n```json\n{"email": "", "quantity": "3", "wantsDelivery": "yes", "deliveryDate": "next week", "products": "planter", "summary": "Short."}\n```');
		const result = await extractConversationVariables(transcript, definitions, complete, { model: 'm' });
		expect(result.variables).toEqual({ email: null, quantity: 3, wantsDelivery: true, deliveryDate: null, products: ['planter'] });
		expect(result.invalid).toEqual(['deliveryDate']);
		expect(result.summary).toBe('Short.');
		expect(result.error).toBeNull();
	});

	it('reports an unreadable answer or a model error in `error` instead of throwing', async () => {
		const unreadable = await extractConversationVariables(transcript, definitions, answering('I cannot do that.').complete, { model: 'm' });
		expect(unreadable).toMatchObject({ variables: {}, summary: null, error: { code: 'AI_BAD_RESPONSE' } });

		const failing: ChatCompleter = async () => {
			throw new AiError('AI_RATE_LIMITED', 'The model server is rate limiting requests', 'Wait');
		};
		const failed = await extractConversationVariables(transcript, definitions, failing, { model: 'm' });
		expect(failed.error).toEqual({ code: 'AI_RATE_LIMITED', message: 'The model server is rate limiting requests', hint: 'Wait' });
	});

	it('refuses bad variable names without calling the model, and does nothing for an empty transcript', async () => {
		const { complete, requests } = answering('{}');
		const bad = await extractConversationVariables(transcript, [{ name: 'my var', type: 'string', description: '' }], complete, { model: 'm' });
		expect(bad.error?.code).toBe('AI_INPUT_INVALID');
		const empty = await extractConversationVariables([], definitions, complete, { model: 'm' });
		expect(empty.variables).toEqual({ email: null, quantity: null, wantsDelivery: null, deliveryDate: null, products: null });
		expect(requests).toHaveLength(0);
	});

	it('sends only the newest lines of a long transcript', () => {
		const long: HistoryMessage[] = Array.from({ length: 100 }, (_, index) => ({ wamid: `w${index}`, direction: 'inbound', type: 'text', text: `line ${index} ${'x'.repeat(36)}`, status: null }));
		const text = transcriptForExtraction(long, 120);
		expect(text.split('\n').length).toBeLessThan(100);
		expect(text.endsWith(`Customer: line 99 ${'x'.repeat(36)}`)).toBe(true);
	});
});
