import { buildChatMessages, renderSystemPrompt, renderVariables, WHATSAPP_STYLE_HINT } from '../../../core/ai/prompt';

describe('system prompt', () => {
	it('lists context variables after the instructions, leaving out empty values', () => {
		const prompt = renderSystemPrompt({
			instructions: '  You help Lucky Shrub customers.  ',
			variables: { customerName: 'Maria', plan: 'gold', orders: 3, vip: true, notes: '', missing: null, address: { city: 'Lisbon' } },
		});
		expect(prompt).toBe(
			'You help Lucky Shrub customers.\n\nContext about this customer and conversation:\n- customerName: Maria\n- plan: gold\n- orders: 3\n- vip: true\n- address: {"city":"Lisbon"}',
		);
	});

	it('adds the WhatsApp style hint when asked and keeps multi-line values on one line', () => {
		expect(renderSystemPrompt({ instructions: 'Be kind.', styleHint: true, variables: { note: 'line one\nline two' } })).toBe(
			`Be kind.\n\n${WHATSAPP_STYLE_HINT}\n\nContext about this customer and conversation:\n- note: line one line two`,
		);
		expect(renderVariables({})).toBe('');
	});
});

describe('buildChatMessages', () => {
	it('puts the system prompt first, then history, then the message with its image', () => {
		const messages = buildChatMessages('Be kind.', [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }], {
			text: 'What is this?',
			imageUrl: 'data:image/png;base64,AAAA',
			imageDetail: 'low',
		});
		expect(messages).toEqual([
			{ role: 'system', content: 'Be kind.' },
			{ role: 'user', content: 'Hi' },
			{ role: 'assistant', content: 'Hello' },
			{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
		]);
	});

	it('sends an image alone when there is no caption, and no empty system message', () => {
		expect(buildChatMessages('', [], { text: '', imageUrl: 'data:image/jpeg;base64,BBBB' })).toEqual([
			{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,BBBB' } }] },
		]);
	});
});
