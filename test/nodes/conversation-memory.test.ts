// WhatsApp Conversation Memory as n8n's AI Agent uses it: supplyData through the real
// `@n8n/ai-node-sdk` (the LangChain memory the Agent gets), reading the stored conversation by AI
// Reply's rules and recording the Agent's answer so the history keeps one copy once it is sent.
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { IDataObject, ISupplyDataFunctions } from 'n8n-workflow';

import { WhatsAppConversationMemory } from '../../nodes/WhatsAppConversationMemory/WhatsAppConversationMemory.node';
import { BUSINESS, inbound, webhookOf } from '../../tools/traffic/builders';
import { useWhatsAppFixture } from './support/whatsapp-fixture';

const HOUR = 3_600_000;
const MARIA = '16505551234';
// A minute ago: the Agent's answer is recorded now, within the conversation's inactivity timeout.
const AT = Date.now() - 60_000;

const wa = useWhatsAppFixture();

/** What the Agent calls on the memory it gets (LangChain's BaseChatMemory). */
interface AgentMemory {
	loadMemoryVariables(values: IDataObject): Promise<{ chat_history: BaseMessage[] }>;
	saveContext(input: IDataObject, output: IDataObject): Promise<void>;
	chatHistory: { addMessages(messages: BaseMessage[]): Promise<void> };
}

async function customerSays(wamid: string, text: string, at: number): Promise<void> {
	await wa.store.ingest(webhookOf({ messages: [inbound({ wamid, customerId: MARIA, text, timestamp: at })] }), { now: at, inactivityTimeoutMs: HOUR });
}

async function businessSends(wamid: string, text: string, at: number): Promise<void> {
	const message = { wamid, businessAccountId: BUSINESS.businessAccountId, phoneNumberId: BUSINESS.phoneNumberId, customerId: MARIA, type: 'text', text, payload: {}, timestamp: at };
	await wa.store.recordOutbound(message, { now: at, inactivityTimeoutMs: HOUR });
}

/** A question answered, then a burst of two messages the Agent is about to answer. */
async function seedConversation(): Promise<string> {
	await customerSays('wamid.q1', 'Do you ship to Spain?', AT);
	await businessSends('wamid.a1', 'Yes, in 3 days.', AT + 1000);
	await customerSays('wamid.b1', 'Great.', AT + 2000);
	await customerSays('wamid.b2', 'How much is it?', AT + 3000);
	const conversation = await wa.store.findOpenConversation(BUSINESS.phoneNumberId, MARIA);
	if (conversation === null) throw new Error('no conversation');
	return conversation.id;
}

/** The memory the Agent gets for one input item, with the node's parameters as n8n resolved them. */
async function supplyMemory(item: IDataObject, parameters: IDataObject): Promise<AgentMemory> {
	const context = {
		getNode: () => ({ id: 'memory', name: 'Memory', type: 'whatsAppConversationMemory', typeVersion: 1, position: [0, 0], parameters: {} }),
		getCredentials: async () => wa.credentials().whatsAppConversationsApi,
		getNodeParameter: (name: string, _itemIndex: number, fallback: unknown) => (name in parameters ? parameters[name] : fallback),
		getInputData: () => [{ json: item }],
		addInputData: () => ({ index: 0 }),
		addOutputData: () => undefined,
	} as unknown as ISupplyDataFunctions;
	const supplied = await new WhatsAppConversationMemory().supplyData.call(context, 0);
	return supplied.response as AgentMemory;
}

const roles = (messages: BaseMessage[]) => messages.map((message) => [message.getType(), message.text]);

async function transcriptOf(conversationId: string) {
	return (await wa.store.getTranscript(conversationId)).map((message) => [message.direction, message.wamid?.replace(/^ai\..*/, 'ai.*'), message.text]);
}

describe('WhatsApp Conversation Memory', () => {
	it('gives the Agent the history before the message it answers, without the rest of its burst', async () => {
		const id = await seedConversation();
		const burst = { conversationId: id, messageId: 'wamid.b2', messages: [{ messageId: 'wamid.b1' }, { messageId: 'wamid.b2' }] };
		const memory = await supplyMemory(burst, { conversation: id, messageId: 'wamid.b2', historyTokenBudget: 3000 });
		const { chat_history } = await memory.loadMemoryVariables({});
		expect(roles(chat_history)).toEqual([
			['human', 'Do you ship to Spain?'],
			['ai', 'Yes, in 3 days.'],
		]);
		// The budget drops the oldest first, as AI Reply's does.
		const small = await supplyMemory(burst, { conversation: id, messageId: 'wamid.b2', historyTokenBudget: 8 });
		expect(roles((await small.loadMemoryVariables({})).chat_history)).toEqual([['ai', 'Yes, in 3 days.']]);
	});

	it("records the Agent's answer as an unsent reply, which the history drops once Send Message sends that text", async () => {
		const id = await seedConversation();
		const memory = await supplyMemory({ customerId: MARIA }, { conversation: MARIA, messageId: 'wamid.b2', historyTokenBudget: 3000 });
		await memory.saveContext({ input: 'Great.\nHow much is it?' }, { output: 'It costs 5 EUR.' });
		expect((await transcriptOf(id)).slice(-1)).toEqual([['outbound', 'ai.*', 'It costs 5 EUR.']]);

		// Unsent, it is the business's answer in the next turn's history.
		const whole = await supplyMemory({}, { conversation: id, messageId: '', historyTokenBudget: 3000 });
		expect(roles((await whole.loadMemoryVariables({})).chat_history).at(-1)).toEqual(['ai', 'It costs 5 EUR.']);
		// Sent through WhatsApp, the transcript holds it twice and the history once.
		await businessSends('wamid.sent', 'It costs 5 EUR.', AT + 5000);
		expect(roles((await whole.loadMemoryVariables({})).chat_history)).toEqual([
			['human', 'Do you ship to Spain?'],
			['ai', 'Yes, in 3 days.'],
			['human', 'Great.\nHow much is it?'],
			['ai', 'It costs 5 EUR.'],
		]);
	});

	it('records only the final answer when the Agent saves a turn with tool calls', async () => {
		const id = await seedConversation();
		const memory = await supplyMemory({}, { conversation: id, messageId: 'wamid.b2', historyTokenBudget: 3000 });
		await memory.chatHistory.addMessages([
			new HumanMessage('How much is it?'),
			new AIMessage({ content: '', tool_calls: [{ id: 'call-1', name: 'price', args: {} }] }),
			new ToolMessage({ content: '5', tool_call_id: 'call-1' }),
			new AIMessage('It costs 5 EUR.'),
		]);
		expect((await transcriptOf(id)).slice(3)).toEqual([
			['inbound', 'wamid.b2', 'How much is it?'],
			['outbound', 'ai.*', 'It costs 5 EUR.'],
		]);
	});

	it('gives an empty history and records nothing for a customer without a stored conversation', async () => {
		const memory = await supplyMemory({}, { conversation: '447911000000', messageId: '', historyTokenBudget: 3000 });
		expect((await memory.loadMemoryVariables({})).chat_history).toEqual([]);
		await memory.saveContext({ input: 'Hi' }, { output: 'Hello!' });
		expect(await wa.store.listConversations({})).toEqual([]);
	});
});

describe('WhatsApp Conversation Memory on n8n 1.x (no @n8n/ai-node-sdk)', () => {
	afterEach(() => jest.dontMock('@n8n/ai-node-sdk'));

	it('stops the Agent with an error naming n8n 2.x and the operation to use instead', async () => {
		jest.doMock('@n8n/ai-node-sdk', () => {
			throw new Error("Cannot find module '@n8n/ai-node-sdk'");
		});
		let Node: typeof WhatsAppConversationMemory | undefined;
		jest.isolateModules(() => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			Node = (require('../../nodes/WhatsAppConversationMemory/WhatsAppConversationMemory.node') as { WhatsAppConversationMemory: typeof WhatsAppConversationMemory }).WhatsAppConversationMemory;
		});
		const context = { getNode: () => ({ name: 'Memory' }) } as unknown as ISupplyDataFunctions;
		await expect(new Node!().supplyData.call(context, 0)).rejects.toThrow('WhatsApp Conversation Memory needs n8n 2.x');
	});
});
