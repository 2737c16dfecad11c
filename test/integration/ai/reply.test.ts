// The AI Reply flow in the core: a real SQLite store, the local OpenAI-compatible server and the Meta
// simulator (media downloads and sends). Checks the exact chat request the SDK sends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chatCompleter } from '../../../core/ai/chat';
import { AiConnection } from '../../../core/ai/client';
import { replyToCustomer, type AiReplyAnswered, type AiReplyEnvironment, type AiReplyRequest } from '../../../core/ai/reply';
import { transcriber } from '../../../core/ai/transcribe';
import { CloudApiClient } from '../../../core/cloud-api/client';
import { ThrottleRegistry } from '../../../core/cloud-api/throttle';
import { TemplateCatalog } from '../../../core/template';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { BUSINESS, inbound, webhookOf } from '../../../tools/traffic/builders';
import { startOpenAiServer, type OpenAiTestServer } from '../../ai-server/openai-server';
import { startMetaSimulator, type MetaSimulator } from '../../../tools/meta-simulator/meta-simulator';

const HOUR = 3_600_000;
const MARIA = '16505551234';
const INSTRUCTIONS = 'You are the Lucky Shrub assistant.';

let ai: OpenAiTestServer;
let meta: MetaSimulator;
let folder: string;
let store: SqliteConversationStore;
let environment: AiReplyEnvironment;
let now: number;

beforeAll(async () => {
	ai = await startOpenAiServer();
	meta = await startMetaSimulator({ webhook: { statuses: false } });
});
afterAll(async () => {
	await ai.close();
	await meta.close();
});
beforeEach(() => {
	ai.reset();
	now = Date.now();
	folder = mkdtempSync(join(tmpdir(), 'wa-ai-reply-'));
	store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
	const connection = new AiConnection({ baseUrl: ai.url, apiKey: 'sk-test-key-123456' });
	const client = new CloudApiClient({ ...meta.clientConfig(), phoneNumberId: BUSINESS.phoneNumberId, throttleRegistry: new ThrottleRegistry() });
	environment = {
		store,
		complete: chatCompleter(connection),
		transcribe: transcriber(connection),
		media: client,
		outbound: {
			store,
			client,
			phoneNumberId: BUSINESS.phoneNumberId,
			businessAccountId: BUSINESS.businessAccountId,
			tier: 'TIER_250',
			inactivityTimeoutMs: HOUR,
			templates: new TemplateCatalog(client),
		},
		phoneNumberId: BUSINESS.phoneNumberId,
		businessAccountId: BUSINESS.businessAccountId,
		inactivityTimeoutMs: HOUR,
		now: () => now,
	};
});
afterEach(async () => {
	await store.close();
	rmSync(folder, { recursive: true, force: true });
});

/** A customer message as the webhook ingress stores it; returns its wamid. */
async function customerWrote(text: string | null, overrides: Parameters<typeof inbound>[0] = {}): Promise<string> {
	now += 1000;
	const message = inbound({ customerId: MARIA, text, timestamp: now, ...overrides });
	await store.ingest(webhookOf({ messages: [message] }), { now, inactivityTimeoutMs: HOUR });
	return message.wamid;
}

async function businessWrote(text: string): Promise<void> {
	now += 1000;
	await store.recordOutbound(
		{ wamid: `wamid.out-${now}`, businessAccountId: BUSINESS.businessAccountId, phoneNumberId: BUSINESS.phoneNumberId, customerId: MARIA, type: 'text', text, payload: {}, timestamp: now },
		{ now, inactivityTimeoutMs: HOUR },
	);
}

function request(overrides: Partial<AiReplyRequest> = {}): AiReplyRequest {
	return { customer: `+${MARIA}`, message: '', instructions: INSTRUCTIONS, model: 'gpt-4o-mini', ...overrides };
}

async function answered(overrides: Partial<AiReplyRequest> = {}): Promise<AiReplyAnswered> {
	now += 1000;
	const result = await replyToCustomer(request(overrides), environment);
	if (result.skipped) throw new Error('expected an answer');
	return result;
}

describe('replyToCustomer', () => {
	it('sends the stored history oldest first and the message last, without storing it twice', async () => {
		await customerWrote('Hi');
		await businessWrote('Hello! How can I help?');
		await customerWrote('Do you ship to Lisbon?');
		const wamid = await customerWrote('And how much is it?');
		const result = await answered({ message: 'And how much is it?', messageId: wamid });

		expect(ai.lastChatRequest().messages).toEqual([
			{ role: 'system', content: INSTRUCTIONS },
			{ role: 'user', content: 'Hi' },
			{ role: 'assistant', content: 'Hello! How can I help?' },
			{ role: 'user', content: 'Do you ship to Lisbon?' },
			{ role: 'user', content: 'And how much is it?' },
		]);
		expect(result).toMatchObject({
			reply: 'Echo: And how much is it?',
			replyParts: ['Echo: And how much is it?'],
			customerId: MARIA,
			customerPhone: `+${MARIA}`,
			messageRecorded: false,
			replyRecorded: true,
			model: 'gpt-4o-mini-2025-01-01',
			usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number), totalTokens: expect.any(Number) },
			delivery: { sent: false, reason: 'not_requested', messageIds: [], replyMessageId: expect.stringMatching(/^ai\./) },
			history: { messages: 3, dropped: 0 },
		});
		const transcript = await store.getTranscript(result.conversationId);
		expect(transcript.map((message) => [message.direction, message.text])).toEqual([
			['inbound', 'Hi'],
			['outbound', 'Hello! How can I help?'],
			['inbound', 'Do you ship to Lisbon?'],
			['inbound', 'And how much is it?'],
			['outbound', 'Echo: And how much is it?'],
		]);
	});

	it('recognises the stored message by its text when no id is given', async () => {
		await customerWrote('Hi');
		const result = await answered({ message: ' Hi ' });
		expect(result.messageRecorded).toBe(false);
		expect((await store.getTranscript(result.conversationId)).filter((message) => message.direction === 'inbound')).toHaveLength(1);
	});

	it('keeps a conversation for any identifier, with its own history across turns', async () => {
		const first = await answered({ customer: 'Maria@Example.com', message: 'Do you sell cacti?' });
		expect(first).toMatchObject({ customerId: 'maria@example.com', customerPhone: null, messageRecorded: true });
		ai.replyWith('Yes, **twelve** kinds.');
		const second = await answered({ customer: 'maria@example.com', message: 'Which ones?' });
		expect(second.conversationId).toBe(first.conversationId);
		expect(ai.lastChatRequest().messages).toEqual([
			{ role: 'system', content: INSTRUCTIONS },
			{ role: 'user', content: 'Do you sell cacti?' },
			{ role: 'assistant', content: 'Echo: Do you sell cacti?' },
			{ role: 'user', content: 'Which ones?' },
		]);
		const transcript = await store.getTranscript(first.conversationId);
		expect(transcript[0].wamid).toMatch(/^ai-in\./);
		expect(transcript[0].payload).toMatchObject({ raw: { source: 'whatsapp-ai-reply' } });
	});

	it('drops the oldest history first when the budget is exceeded and always keeps the system prompt', async () => {
		for (let turn = 0; turn < 6; turn++) {
			await customerWrote(`Question ${turn} ${'q'.repeat(76)}`);
			await businessWrote(`Answer ${turn} ${'a'.repeat(78)}`);
		}
		const wamid = await customerWrote('Last question');
		// Each stored message costs 4 + 88/4 = 26 estimated tokens.
		const result = await answered({ message: 'Last question', messageId: wamid, historyTokenBudget: 26 * 3 });
		const messages = ai.lastChatRequest().messages;
		expect(messages.map((message) => (typeof message.content === 'string' ? message.content.slice(0, 10) : 'parts'))).toEqual([
			INSTRUCTIONS.slice(0, 10),
			'Answer 4 a',
			'Question 5',
			'Answer 5 a',
			'Last quest',
		]);
		expect(result.history).toEqual({ messages: 3, dropped: 9, tokens: 78 });

		await answered({ message: 'Last question', messageId: wamid, historyTokenBudget: 0 });
		expect(ai.lastChatRequest().messages).toEqual([
			{ role: 'system', content: INSTRUCTIONS },
			{ role: 'user', content: 'Last question' },
		]);
	});

	it('stores context variables on the conversation and lists them in the system prompt', async () => {
		await answered({ customer: 'crm-42', message: 'Hi', variables: { name: 'Maria', plan: 'gold' } });
		const second = await answered({ customer: 'crm-42', message: 'Again', variables: { plan: 'platinum', orders: 3 } });
		expect(ai.lastChatRequest().messages[0]).toEqual({
			role: 'system',
			content: `${INSTRUCTIONS}\n\nContext about this customer and conversation:\n- name: Maria\n- plan: platinum\n- orders: 3`,
		});
		expect((await store.getConversation(second.conversationId))?.inputVariables).toEqual({ name: 'Maria', plan: 'platinum', orders: 3 });
	});

	it('does not call the model while a human has taken over', async () => {
		const wamid = await customerWrote('I want a human');
		const conversation = await store.findOpenConversation(BUSINESS.phoneNumberId, MARIA);
		await store.setAiEnabled(conversation?.id ?? '', false);
		const result = await replyToCustomer(request({ message: 'I want a human', messageId: wamid }), environment);
		expect(result).toEqual({ skipped: true, skipReason: 'human_takeover', conversationId: conversation?.id, customerId: MARIA, customerPhone: `+${MARIA}`, messageRecorded: false });
		expect(ai.chatRequests()).toHaveLength(0);
	});

	it('shows the customer’s image to the model as a data URL', async () => {
		const png = Buffer.from('89504e470d0a1a0a-fake-png', 'utf8');
		meta.addMedia(png, 'image/png', { id: 'media-image-1', phoneNumberId: BUSINESS.phoneNumberId });
		const wamid = await customerWrote('Is this plant healthy?', {
			type: 'image',
			media: { id: 'media-image-1', mimeType: 'image/png', sha256: null, caption: 'Is this plant healthy?', filename: null, voice: false, url: null },
		});
		const result = await answered({ message: '', messageId: wamid, vision: { enabled: true, detail: 'low' } });
		expect(ai.lastChatRequest().messages.at(-1)).toEqual({
			role: 'user',
			content: [
				{ type: 'text', text: 'Is this plant healthy?' },
				{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}`, detail: 'low' } },
			],
		});
		expect(result.image).toEqual({ mediaId: 'media-image-1', mimeType: 'image/png' });
		expect(result.reply).toBe('Echo: Is this plant healthy? [saw 1 image(s): image/png]');

		await answered({ message: '', messageId: wamid, vision: { enabled: false } });
		expect(ai.lastChatRequest().messages.at(-1)).toEqual({ role: 'user', content: '[image] Is this plant healthy?' });
	});

	it('hears a voice note through the transcription endpoint and answers it like text', async () => {
		const ogg = Buffer.from('OggS-voice-note');
		meta.addMedia(ogg, 'audio/ogg; codecs=opus', { id: 'media-voice-1', phoneNumberId: BUSINESS.phoneNumberId });
		ai.setTranscription('Is the navy planter back in stock?');
		const wamid = await customerWrote(null, {
			type: 'audio',
			media: { id: 'media-voice-1', mimeType: 'audio/ogg; codecs=opus', sha256: null, caption: null, filename: null, voice: true, url: null },
		});
		const result = await answered({ messageId: wamid, voice: { enabled: true, language: 'en' } });
		expect(result.transcription).toBe('Is the navy planter back in stock?');
		expect(ai.lastChatRequest().messages.at(-1)).toEqual({ role: 'user', content: 'Is the navy planter back in stock?' });
		const upload = ai.transcriptionRequests()[0].form ?? [];
		expect(upload.find((part) => part.name === 'file')?.data.equals(ogg)).toBe(true);

		// Message Received transcribed it already: its text is answered, nothing is transcribed twice.
		const again = await answered({ messageId: wamid, message: 'Is the navy planter back in stock?', voice: { enabled: true } });
		expect(again.transcription).toBeNull();
		expect(ai.transcriptionRequests()).toHaveLength(1);
	});

	it('formats the answer for WhatsApp and sends it in parts inside the window', async () => {
		meta.openWindow(MARIA);
		const wamid = await customerWrote('Tell me everything');
		const long = Array.from({ length: 12 }, (_, index) => `## Part ${index}\n${'**Plants** need light and water. '.repeat(14)}`).join('\n\n');
		ai.replyWith(long);
		const result = await answered({ message: 'Tell me everything', messageId: wamid, send: true });
		expect(result.replyParts.length).toBeGreaterThan(1);
		expect(result.reply).not.toContain('**');
		expect(result.reply.startsWith('*Part 0*')).toBe(true);
		expect(result.delivery).toMatchObject({ sent: true, reason: null, messageIds: expect.arrayContaining([expect.stringMatching(/^wamid\./)]) });
		expect(result.delivery.messageIds).toHaveLength(result.replyParts.length);
		expect(meta.sentTo(`+${MARIA}`).map((message) => (message.payload.text as { body: string }).body)).toEqual(result.replyParts);
		const outbound = (await store.getTranscript(result.conversationId)).filter((message) => message.direction === 'outbound');
		expect(outbound.map((message) => message.wamid)).toEqual(result.delivery.messageIds);
	});

	it('does not send when the window is closed, even after storing a message from another channel', async () => {
		const before = meta.requestsTo('POST', '/messages').length;
		const result = await answered({ customer: '+34 612 345 678', message: 'Hola', send: true });
		expect(result.delivery).toMatchObject({ sent: false, reason: 'window_closed', hint: expect.stringContaining('template') });
		expect(result.replyRecorded).toBe(false);
		expect(meta.requestsTo('POST', '/messages').length).toBe(before);

		// A message from another channel does not open WhatsApp's window: a later turn is refused too,
		// before anything reaches Meta.
		const later = await answered({ customer: '+34 612 345 678', message: '¿Hay alguien?', send: true });
		expect(later.delivery).toMatchObject({ sent: false, reason: 'window_closed' });
		expect(meta.requestsTo('POST', '/messages').length).toBe(before);
		expect((await store.getWindow(BUSINESS.phoneNumberId, '34612345678', Date.now())).open).toBe(false);

		const byEmail = await answered({ customer: 'juan@example.com', message: 'Hola', send: true });
		expect(byEmail.delivery).toMatchObject({ sent: false, reason: 'not_a_whatsapp_customer' });
		expect(byEmail.replyRecorded).toBe(true);
	});
});
