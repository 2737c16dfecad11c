// WhatsApp AI Reply through n8n's own execution engine: the Meta simulator for media and sends, the
// local OpenAI-compatible server for the model, the embedded store in a temporary folder.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { OpenAiCompatibleApi } from '../../credentials/OpenAiCompatibleApi.credentials';
import { WhatsAppAiReply } from '../../nodes/WhatsAppAiReply/WhatsAppAiReply.node';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { startOpenAiServer, type OpenAiTestServer } from '../ai-server/openai-server';
import { credentialTypes, useWhatsAppFixture, whatsAppCredentialRef } from './support/whatsapp-fixture';
import { runWorkflow, type WorkflowNode } from './support/workflow-runner';

const TYPE = 'whatsAppAiReply';
const nodeTypes = { [TYPE]: new WhatsAppAiReply() };
const allCredentialTypes = { ...credentialTypes, openAiCompatibleApi: new OpenAiCompatibleApi() };
const API_KEY = 'sk-test-node-0123456789';
const CUSTOMER_WA_ID = '16505551234';
const CUSTOMER = `+${CUSTOMER_WA_ID}`;
const STRANGER = '+447911123456';
const HOUR = 3_600_000;

const wa = useWhatsAppFixture();
let ai: OpenAiTestServer;

beforeAll(async () => {
	ai = await startOpenAiServer({ apiKey: API_KEY });
});
afterAll(async () => {
	await ai.close();
});
beforeEach(() => ai.reset());

/** A customer message stored as the webhook ingress does; returns the item Message Received would emit. */
async function customerWrote(text: string | null, overrides: Parameters<typeof inbound>[0] = {}): Promise<IDataObject> {
	const message = inbound({ customerId: CUSTOMER_WA_ID, text, timestamp: Date.now() - 1000, ...overrides });
	await wa.store.ingest(webhookOf({ messages: [message] }), { now: Date.now(), inactivityTimeoutMs: HOUR });
	wa.simulator.openWindow(CUSTOMER_WA_ID);
	const conversation = await wa.store.findOpenConversation(message.phoneNumberId, CUSTOMER_WA_ID);
	return { messageId: message.wamid, text: message.text, type: message.type, customerPhone: CUSTOMER, customerId: CUSTOMER_WA_ID, conversationId: conversation?.id };
}

function replyNode(parameters: INodeParameters = {}, settings: Partial<WorkflowNode> = {}): WorkflowNode {
	return {
		name: 'AI Reply',
		type: TYPE,
		parameters: { instructions: 'You are the Lucky Shrub assistant.', ...parameters },
		credentials: { ...whatsAppCredentialRef, openAiCompatibleApi: { id: '2', name: 'Model server' } },
		...settings,
	};
}

async function run(node: WorkflowNode, inputItems: IDataObject[]) {
	return await runWorkflow({
		nodeTypes,
		credentialTypes: allCredentialTypes,
		credentials: { ...wa.credentials(), openAiCompatibleApi: { apiKey: API_KEY, baseUrl: ai.url, organization: '' } },
		workflow: { nodes: [node], connections: {} },
		inputItems: inputItems.map((json) => ({ json })),
	});
}

describe('WhatsApp AI Reply', () => {
	it('answers a Message Received item with the stored history and reports the token usage', async () => {
		await customerWrote('Hi there');
		const item = await customerWrote('Do you have **blue** planters?');
		ai.replyWith({ content: 'Yes! We have **navy** and _sky_ blue.', usage: { prompt_tokens: 42, completion_tokens: 9, total_tokens: 51 } });
		const result = await run(replyNode(), [item]);
		expect(result.error).toBeUndefined();
		const [output] = result.itemsOf('AI Reply');
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toMatchObject({
			skipped: false,
			skipReason: null,
			reply: 'Yes! We have *navy* and _sky_ blue.',
			replyParts: ['Yes! We have *navy* and _sky_ blue.'],
			conversationId: item.conversationId,
			customerId: CUSTOMER_WA_ID,
			customerPhone: CUSTOMER,
			model: 'gpt-4o-mini-2025-01-01',
			usage: { promptTokens: 42, completionTokens: 9, totalTokens: 51 },
			sent: false,
			reason: 'not_requested',
			messageRecorded: false,
			replyRecorded: true,
			replyMessageId: expect.stringMatching(/^ai\./),
			history: { messages: 1, dropped: 0 },
		});
		const request = ai.lastChatRequest();
		expect(request.model).toBe('gpt-4o-mini');
		expect(request.messages.map((message) => message.role)).toEqual(['system', 'user', 'user']);
		expect(request.messages[0].content).toContain('You are the Lucky Shrub assistant.');
		expect(request.messages.slice(1).map((message) => message.content)).toEqual(['Hi there', 'Do you have **blue** planters?']);
		expect(ai.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
		// The call went through n8n's request helper (axios asks for "compress"; fetch never does),
		// so the instance's proxy settings apply to it.
		expect(ai.requests[0].headers['accept-encoding']).toContain('compress');
		const transcript = await wa.store.getTranscript(item.conversationId as string);
		expect(transcript.map((message) => [message.direction, message.text])).toEqual([
			['inbound', 'Hi there'],
			['inbound', 'Do you have **blue** planters?'],
			['outbound', 'Yes! We have *navy* and _sky_ blue.'],
		]);
	});

	it('answers a burst of messages once: all of them in the message, none in the history', async () => {
		const hello = await customerWrote('Hello');
		const earlier = await wa.store.getConversation(hello.conversationId as string);
		await wa.store.recordOutbound(
			{ wamid: 'wamid.answer-1', businessAccountId: null, phoneNumberId: earlier!.phoneNumberId, customerId: CUSTOMER_WA_ID, type: 'text', text: 'Hi! How can I help?', payload: {}, timestamp: Date.now() - 1000 },
			{ now: Date.now(), inactivityTimeoutMs: HOUR },
		);
		const parts = [await customerWrote('my order #123'), await customerWrote('arrived broken'), await customerWrote('can you replace it?')];
		// The item Message Received emits for the burst (Combine Messages Sent Within): the last message's id, the texts joined.
		const burst = { ...parts[2], text: parts.map((part) => part.text).join('\n'), messageCount: 3, messages: parts };
		ai.replyWith({ content: 'Sorry about that! A replacement is on its way.' });
		const result = await run(replyNode(), [burst]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('AI Reply')).toHaveLength(1);
		expect(ai.chatRequests()).toHaveLength(1);
		const request = ai.lastChatRequest();
		expect(request.messages.slice(1).map((message) => [message.role, message.content])).toEqual([
			['user', 'Hello'],
			['assistant', 'Hi! How can I help?'],
			['user', 'my order #123\narrived broken\ncan you replace it?'],
		]);
		expect(result.itemsOf('AI Reply')[0].json).toMatchObject({ messageRecorded: false, history: { messages: 2 } });
	});

	it('stays silent during a human takeover and says so', async () => {
		const item = await customerWrote('I want to talk to a person');
		await wa.store.setAiEnabled(item.conversationId as string, false);
		const result = await run(replyNode(), [item]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('AI Reply')[0].json).toMatchObject({
			skipped: true,
			skipReason: 'human_takeover',
			reply: null,
			sent: false,
			reason: 'human_takeover',
			conversationId: item.conversationId,
		});
		expect(ai.chatRequests()).toHaveLength(0);
	});

	it('does not answer a reaction, and says why', async () => {
		const question = await customerWrote('Do you ship to Canada?');
		const item = await customerWrote('👍', { type: 'reaction', reaction: { messageId: question.messageId as string, emoji: '👍' } });
		const result = await run(replyNode({ sendReply: true }), [item]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('AI Reply')[0].json).toMatchObject({ skipped: true, skipReason: 'reaction', reply: null, sent: false, reason: 'reaction', hint: expect.stringContaining('reaction') });
		expect(ai.chatRequests()).toHaveLength(0);
	});

	it('sends the reply through WhatsApp inside the window, and not outside it', async () => {
		const item = await customerWrote('What are your opening hours?');
		ai.replyWith('We are open **9 to 5**.');
		const inside = await run(replyNode({ sendReply: true }), [item]);
		expect(inside.error).toBeUndefined();
		const sent = inside.itemsOf('AI Reply')[0].json;
		expect(sent).toMatchObject({ sent: true, reason: null, sentMessageIds: [expect.stringMatching(/^wamid\./)], windowExpiresAt: expect.any(String) });
		const lastSend = wa.simulator.requestsTo('POST', '/messages').at(-1);
		expect(lastSend?.body).toMatchObject({ to: CUSTOMER, type: 'text', text: { body: 'We are open *9 to 5*.' } });

		const before = wa.simulator.requestsTo('POST', '/messages').length;
		const outside = await run(replyNode({ sendReply: true }), [{ customerPhone: STRANGER, text: 'Hello?', messageId: '' }]);
		expect(outside.error).toBeUndefined();
		expect(outside.itemsOf('AI Reply')[0].json).toMatchObject({
			sent: false,
			reason: 'window_closed',
			hint: expect.stringContaining('template'),
			reply: 'Echo: Hello?',
			messageRecorded: true,
			replyRecorded: false,
		});
		expect(wa.simulator.requestsTo('POST', '/messages').length).toBe(before);
	});

	it('answers a username customer by their business-scoped user id and sends the reply with `recipient`', async () => {
		const bsuid = 'US.13491208655302741918';
		const message = inbound({ customerId: bsuid, customerWaId: null, customerUserId: bsuid, text: 'Do you deliver on Sundays?', timestamp: Date.now() - 1000 });
		await wa.store.ingest(webhookOf({ messages: [message] }), { now: Date.now(), inactivityTimeoutMs: HOUR });
		wa.simulator.openWindow(bsuid);
		const conversation = await wa.store.findOpenConversation(message.phoneNumberId, bsuid);
		// What Message Received emits for such a customer: no phone number, customerId is the BSUID.
		const item = { messageId: message.wamid, text: message.text, customerPhone: null, customerId: bsuid, conversationId: conversation?.id };
		ai.replyWith('Not on Sundays, sorry.');

		const result = await run(replyNode({ sendReply: true }), [item]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('AI Reply')[0].json).toMatchObject({
			sent: true,
			reason: null,
			customerId: bsuid,
			customerPhone: null,
			conversationId: conversation?.id,
			messageRecorded: false,
			sentMessageIds: [expect.stringMatching(/^wamid\./)],
		});
		const lastSend = wa.simulator.requestsTo('POST', '/messages').at(-1)?.body as IDataObject;
		expect(lastSend).toMatchObject({ recipient: bsuid, type: 'text', text: { body: 'Not on Sundays, sorry.' } });
		expect(lastSend).not.toHaveProperty('to');
		const transcript = await wa.store.getTranscript(conversation?.id as string);
		expect(transcript.map((stored) => [stored.direction, stored.text])).toEqual([
			['inbound', 'Do you deliver on Sundays?'],
			['outbound', 'Not on Sundays, sorry.'],
		]);
	});

	it('continues on fail with an error item paired to its input, and fails the run otherwise', async () => {
		const item = await customerWrote('First question');
		ai.failNext(1, 'unauthorized');
		const continuing = await run(replyNode({}, { continueOnFail: true }), [item, { customerPhone: CUSTOMER, text: 'Second question', messageId: '' }]);
		expect(continuing.error).toBeUndefined();
		const [failed, answered] = continuing.itemsOf('AI Reply');
		expect(failed).toMatchObject({ json: { code: 'AI_AUTH_FAILED', error: expect.any(String), hint: expect.stringContaining('API key') }, pairedItem: { item: 0 } });
		expect(JSON.stringify(failed.json)).not.toContain(API_KEY);
		expect(answered).toMatchObject({ json: { reply: 'Echo: Second question' }, pairedItem: { item: 1 } });

		ai.failNext(1, 'context_length');
		const failing = await run(replyNode(), [item]);
		expect(failing.status).toBe('error');
		expect(failing.error?.message).toContain('too long');
		expect(failing.error?.description).toContain('AI_CONTEXT_TOO_LONG');
	});

	it('looks at the image the customer sent', async () => {
		const jpeg = Buffer.from('ffd8ffe0-fake-jpeg');
		wa.simulator.addMedia(jpeg, 'image/jpeg', { id: 'media-plant' });
		const item = await customerWrote('Which plant is this?', {
			type: 'image',
			media: { id: 'media-plant', mimeType: 'image/jpeg', sha256: null, caption: 'Which plant is this?', filename: null, voice: false, url: null },
		});
		const result = await run(replyNode({ options: { imageDetail: 'high' } }), [item]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('AI Reply')[0].json).toMatchObject({ image: { mediaId: 'media-plant', mimeType: 'image/jpeg' } });
		expect(ai.lastChatRequest().messages.at(-1)?.content).toEqual([
			{ type: 'text', text: 'Which plant is this?' },
			{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}`, detail: 'high' } },
		]);
	});

	it('answers a voice note from its transcription', async () => {
		wa.simulator.addMedia(Buffer.from('OggS-note'), 'audio/ogg; codecs=opus', { id: 'media-voice' });
		ai.setTranscription('Can I pick it up today?');
		const item = await customerWrote(null, {
			type: 'audio',
			media: { id: 'media-voice', mimeType: 'audio/ogg; codecs=opus', sha256: null, caption: null, filename: null, voice: true, url: null },
		});
		const result = await run(replyNode({ options: { transcriptionLanguage: 'en' } }), [item]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('AI Reply')[0].json).toMatchObject({ transcription: 'Can I pick it up today?', reply: 'Echo: Can I pick it up today?' });
	});

	it('keeps a conversation for a CRM id and passes context variables to the prompt and the store', async () => {
		const parameters = {
			customer: '={{ $json.crmId }}',
			message: '={{ $json.question }}',
			messageId: '',
			model: 'llama3.1',
			options: { contextVariables: { variable: [{ name: 'name', value: '={{ $json.name }}' }, { name: 'plan', value: 'gold' }] }, temperature: 0.2, maxTokens: 300 },
		};
		const result = await run(replyNode(parameters), [{ crmId: 'crm-4711', question: 'When does my plan renew?', name: 'Maria' }]);
		expect(result.error).toBeUndefined();
		const output = result.itemsOf('AI Reply')[0].json;
		expect(output).toMatchObject({ customerId: 'crm-4711', customerPhone: null, messageRecorded: true });
		const request = ai.lastChatRequest();
		expect(request).toMatchObject({ model: 'llama3.1', temperature: 0.2, max_tokens: 300 });
		expect(request.messages[0].content).toContain('Context about this customer and conversation:\n- name: Maria\n- plan: gold');
		const conversation = await wa.store.getConversation(output.conversationId as string);
		expect(conversation?.inputVariables).toEqual({ name: 'Maria', plan: 'gold' });
	});
});

describe('WhatsApp AI Reply: typing indicator', () => {
	/** The customer's message as Meta knows it too, so Meta takes a read receipt for it. */
	async function customerWroteThroughMeta(text: string): Promise<IDataObject> {
		const item = await customerWrote(text);
		wa.simulator.state.inbound.push({ wamid: item.messageId as string, phoneNumberId: wa.simulator.phoneNumberId, from: CUSTOMER_WA_ID, type: 'text', at: wa.simulator.now() });
		return item;
	}
	const receiptsFor = (wamid: unknown) => wa.simulator.state.readReceipts.filter((receipt) => receipt.wamid === wamid);

	it('shows "typing…" while the model answers, and sends the answer only after it', async () => {
		const item = await customerWroteThroughMeta('Do you deliver on Sundays?');
		// A slow read receipt: the answer must still come after it, or "typing…" would show under the answer.
		wa.simulator.failNext(1, { delayMs: 700, match: (request) => (request.body as { status?: string } | null)?.status === 'read' });
		ai.replyWith('Not on Sundays, sorry.');
		const result = await run(replyNode({ sendReply: true }), [item]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('AI Reply')[0].json).toMatchObject({ sent: true });
		const [receipt] = receiptsFor(item.messageId);
		expect(receipt).toMatchObject({ typingIndicator: true });
		// The last message sent to the customer is this answer (earlier tests sent to the same customer).
		const reply = wa.simulator.sentTo(CUSTOMER_WA_ID).at(-1)!;
		expect(reply.payload).toMatchObject({ text: { body: 'Not on Sundays, sorry.' } });
		expect(reply.at).toBeGreaterThanOrEqual(receipt.at);
	});

	it('shows none when turned off, during a human takeover, or for a message from another channel', async () => {
		const off = await customerWroteThroughMeta('Hello?');
		expect((await run(replyNode({ options: { typingIndicator: false } }), [off])).error).toBeUndefined();
		const takenOver = await customerWroteThroughMeta('A person please');
		await wa.store.setAiEnabled(takenOver.conversationId as string, false);
		expect((await run(replyNode(), [takenOver])).error).toBeUndefined();
		const before = wa.simulator.state.readReceipts.length;
		expect((await run(replyNode(), [{ customerPhone: CUSTOMER, text: 'From the web chat', messageId: '' }])).error).toBeUndefined();
		expect(receiptsFor(off.messageId)).toEqual([]);
		expect(receiptsFor(takenOver.messageId)).toEqual([]);
		expect(wa.simulator.state.readReceipts).toHaveLength(before);
	});

	it('answers as usual when Meta refuses the typing indicator', async () => {
		// Stored, but unknown to Meta: the read receipt is refused (131009).
		const item = await customerWrote('Is the shop open?');
		ai.replyWith('Yes, until 18:00.');
		const result = await run(replyNode({ sendReply: true }), [item]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('AI Reply')[0].json).toMatchObject({ sent: true, reply: 'Yes, until 18:00.' });
		expect(receiptsFor(item.messageId)).toEqual([]);
	});
});
