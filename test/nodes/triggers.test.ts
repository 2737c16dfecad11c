// The three triggers as n8n drives them: activation through n8n-core's trigger machinery, Meta's
// requests through webhook(), and a manual "listen for test event" run through the execution engine.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { IDataObject, INodeParameters, INodeType } from 'n8n-workflow';

import { signPayload } from '../../core/webhook/signature';
import { WhatsAppConversationEndedTrigger } from '../../nodes/WhatsAppConversationEndedTrigger/WhatsAppConversationEndedTrigger.node';
import { WhatsAppConversationStartedTrigger } from '../../nodes/WhatsAppConversationStartedTrigger/WhatsAppConversationStartedTrigger.node';
import { WhatsAppMessageReceivedTrigger } from '../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { OpenAiCompatibleApi } from '../../credentials/OpenAiCompatibleApi.credentials';
import { startOpenAiServer, type OpenAiTestServer } from '../ai-server/openai-server';
import { createTriggerHarness } from './support/trigger-runner';
import { credentialTypes, useWhatsAppFixture, whatsAppCredentialRef } from './support/whatsapp-fixture';
import { runWorkflow } from './support/workflow-runner';

const APP_SECRET = 'trigger-test-secret';
const VERIFY_TOKEN = 'trigger-verify-token';
const SAMPLES = resolve(__dirname, '../fixtures/meta-samples');

const wa = useWhatsAppFixture();

function credentials(overrides: IDataObject = {}) {
	return wa.credentials({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, inactivityTimeoutMinutes: 30, ...overrides });
}

async function harness(nodeType: INodeType, parameters: INodeParameters = {}, workflowId = 'wf-1', credentialOverrides: IDataObject = {}) {
	return createTriggerHarness({
		nodeType,
		node: { parameters, webhookId: `hook-${workflowId}` },
		credentials: credentials(credentialOverrides),
		credentialTypes,
		workflowId,
	});
}

function signed(body: Buffer) {
	return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, APP_SECRET) } };
}

const sample = (name: string) => readFileSync(join(SAMPLES, name));

describe('the Meta endpoint on every trigger', () => {
	it('answers the verification handshake and refuses a wrong token', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger());
		const query = { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' };
		const ok = await trigger.webhook({ method: 'GET', webhookName: 'setup', query });
		expect(ok.response.statusCode).toBe(200);
		expect(ok.response.bodyText).toBe('1158201444');
		const wrong = await trigger.webhook({ method: 'GET', webhookName: 'setup', query: { ...query, 'hub.verify_token': 'nope' } });
		expect(wrong.response.statusCode).toBe(403);
		expect(wrong.response.bodyText).not.toContain(VERIFY_TOKEN);
	});

	it('stores a signed delivery, answers 200 and starts no execution by itself', async () => {
		const trigger = await harness(new WhatsAppConversationStartedTrigger());
		const call = await trigger.webhook(signed(sample('meta_docs_text.json')));
		expect(call.response.statusCode).toBe(200);
		expect(call.workflowData).toBeUndefined();
		expect(call.noWebhookResponse).toBe(true);
		expect(await wa.store.listConversations({})).toHaveLength(1);
	});

	it('refuses a bad signature with 401 and stores nothing', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger());
		const body = sample('meta_docs_text.json');
		const call = await trigger.webhook({ body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, 'wrong-secret') } });
		expect(call.response.statusCode).toBe(401);
		expect(call.response.bodyText).not.toContain(APP_SECRET);
		expect(await wa.store.listConversations({})).toEqual([]);
	});

	it('checks the next delivery with the credential as edited (a rotated App Secret), however close they come', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger());
		const body = sample('meta_docs_text.json');
		expect((await trigger.webhook(signed(body))).response.statusCode).toBe(200);
		const edited = credentials({ appSecret: 'rotated-secret' }).whatsAppConversationsApi;
		await trigger.credentialsHelper.updateCredentials({ id: 'whatsAppConversationsApi-id', name: 'whatsAppConversationsApi' }, 'whatsAppConversationsApi', edited);
		expect((await trigger.webhook(signed(body))).response.statusCode).toBe(401);
		const rotated = await trigger.webhook({ body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, 'rotated-secret') } });
		expect(rotated.response.statusCode).toBe(200);
	});
});

describe('WhatsApp Message Received Trigger', () => {
	it('emits one flat item per message to every active workflow, once even when Meta retries', async () => {
		const first = await harness(new WhatsAppMessageReceivedTrigger(), {}, 'wf-a');
		const second = await harness(new WhatsAppMessageReceivedTrigger(), {}, 'wf-b');
		const activeA = await first.activate();
		const activeB = await second.activate();

		// Meta calls the URL of one trigger only; both workflows run.
		const body = sample('meta_docs_text.json');
		await first.webhook(signed(body));
		const [[itemA]] = await activeA.nextEmit(5000);
		const [[itemB]] = await activeB.nextEmit(5000);
		expect(itemA.json).toMatchObject({
			event: 'message',
			messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			type: 'text',
			text: 'Does it come in another color?',
			customerPhone: '+16505551234',
			customerName: 'Sheena Nelson',
			isNewConversation: true,
			windowOpen: expect.any(Boolean),
			businessPhoneNumberId: '106540352242922',
			timestamp: '2025-06-08T20:59:43.000Z',
		});
		expect(itemA.json.conversationId).toEqual(expect.any(String));
		expect(itemB.json.messageId).toBe(itemA.json.messageId);

		await second.webhook(signed(body));
		await new Promise((wait) => setTimeout(wait, 300));
		expect(activeA.recorder.emitted).toHaveLength(1);
		expect(activeB.recorder.emitted).toHaveLength(1);
		await activeA.close();
		await activeB.close();
	});

	it('delivers what arrived while the workflow was inactive once it is active again', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), {}, 'wf-restart');
		const active = await trigger.activate();
		await active.close();
		await trigger.webhook(signed(sample('meta_docs_image.json')));
		const again = await trigger.activate();
		const [[item]] = await again.nextEmit(5000);
		expect(item.json).toMatchObject({ type: 'image', media: expect.objectContaining({ id: expect.any(String) }) });
		await again.close();
	});

	it('filters by message type and includes status updates only when asked', async () => {
		const textsOnly = await harness(new WhatsAppMessageReceivedTrigger(), { messageTypes: ['text'] }, 'wf-text');
		const withStatuses = await harness(new WhatsAppMessageReceivedTrigger(), { includeStatuses: true, messageTypes: ['image'] }, 'wf-status');
		const activeText = await textsOnly.activate();
		const activeStatus = await withStatuses.activate();
		await textsOnly.webhook(signed(sample('meta_docs_image.json')));
		await textsOnly.webhook(signed(sample('meta_docs_status_sent.json')));
		// Meta's image and text samples share one example wamid: give the text its own.
		await textsOnly.webhook(signed(Buffer.from(sample('meta_docs_text.json').toString().replace('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=', 'wamid.text-after-image'))));
		const [[text]] = await activeText.nextEmit(5000);
		expect(text.json.type).toBe('text');
		const emitted = [await activeStatus.nextEmit(5000), await activeStatus.nextEmit(5000)].map(([[item]]) => item.json);
		expect(emitted.map((item) => item.event)).toEqual(['message', 'status']);
		expect(emitted[1]).toMatchObject({ status: 'sent', messageId: expect.any(String) });
		await new Promise((wait) => setTimeout(wait, 200));
		expect(activeText.recorder.emitted).toHaveLength(1);
		await activeText.close();
		await activeStatus.close();
	});

	it('downloads inbound media into binary data', async () => {
		const media = wa.simulator.addMedia(Buffer.from('fake-jpeg-bytes'), 'image/jpeg');
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), { downloadMedia: true }, 'wf-media');
		const active = await trigger.activate();
		const payload = JSON.parse(sample('meta_docs_image.json').toString()) as IDataObject & { entry: Array<{ changes: Array<{ value: { messages: Array<{ image: { id: string } }> } }> }> };
		payload.entry[0].changes[0].value.messages[0].image.id = media.id;
		await trigger.webhook(signed(Buffer.from(JSON.stringify(payload))));
		const [[item]] = await active.nextEmit(5000);
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/jpeg' });
		await active.close();
	});

	it("emits a reaction as its own type naming the message reacted to, and whether it was ours; a quote carries the quoted message's text", async () => {
		const ours = 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=';
		await wa.store.recordOutbound(
			{ wamid: ours, businessAccountId: wa.simulator.businessAccountId, phoneNumberId: '106540352242922', customerId: '16505551234', type: 'text', text: 'Your planter has shipped', payload: {}, timestamp: 1749419000_000 },
			{ now: Date.now(), inactivityTimeoutMs: 30 * 60_000 },
		);
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), { messageTypes: ['reaction', 'text'] });
		const active = await trigger.activate();
		/** Meta's sample with this message id and these fields in the message. */
		const variant = (name: string, id: string, message: IDataObject) => {
			const body = JSON.parse(sample(name).toString('utf8'));
			Object.assign(body.entry[0].changes[0].value.messages[0], { id }, message);
			return Buffer.from(JSON.stringify(body));
		};

		await trigger.webhook(signed(sample('meta_docs_reaction.json')));
		const [[reaction]] = await active.nextEmit(5000);
		expect(reaction.json).toMatchObject({ type: 'reaction', text: '👍', reaction: { messageId: ours, emoji: '👍', toOurMessage: true, messageText: 'Your planter has shipped' }, context: null });

		await trigger.webhook(signed(variant('meta_docs_reaction.json', 'wamid.reaction-2', { reaction: { message_id: 'wamid.not-stored' } })));
		const [[removed]] = await active.nextEmit(5000);
		expect(removed.json.reaction).toEqual({ messageId: 'wamid.not-stored', emoji: null, toOurMessage: false, messageText: null });

		await trigger.webhook(signed(variant('meta_docs_text.json', 'wamid.quote-1', { timestamp: '1749419600', context: { from: '15550783881', id: ours } })));
		const [[quote]] = await active.nextEmit(5000);
		expect(quote.json).toMatchObject({ type: 'text', contextMessageId: ours, context: { messageId: ours, text: 'Your planter has shipped', fromUs: true }, reaction: null });
		await active.close();
	});

	it('emits the next matching message in a manual test run', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger());
		const run = runWorkflow({
			nodeTypes: { whatsAppMessageReceivedTrigger: new WhatsAppMessageReceivedTrigger() },
			credentialTypes,
			credentials: credentials(),
			workflow: {
				nodes: [{ name: 'On message', type: 'whatsAppMessageReceivedTrigger', parameters: {}, credentials: whatsAppCredentialRef }],
				connections: {},
			},
			mode: 'manual',
		});
		// The test run listens from now on: deliver after it started.
		await new Promise((wait) => setTimeout(wait, 500));
		await trigger.webhook(signed(sample('meta_docs_text.json')));
		const result = await run;
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('On message')[0].json).toMatchObject({ type: 'text', text: 'Does it come in another color?' });
	});
});

describe('WhatsApp Conversation Started Trigger', () => {
	it('emits new conversations, filtered by who started them', async () => {
		const customerOnly = await harness(new WhatsAppConversationStartedTrigger(), { initiatedBy: 'customer' }, 'wf-customer');
		const businessOnly = await harness(new WhatsAppConversationStartedTrigger(), { initiatedBy: 'business' }, 'wf-business');
		const activeCustomer = await customerOnly.activate();
		const activeBusiness = await businessOnly.activate();
		await customerOnly.webhook(signed(sample('meta_docs_text.json')));
		await wa.store.recordOutbound(
			{ wamid: 'wamid.out-1', businessAccountId: wa.simulator.businessAccountId, phoneNumberId: '106540352242922', customerId: '447911123456', type: 'template', text: 'hello_world', payload: {}, timestamp: Date.now() },
			{ now: Date.now(), inactivityTimeoutMs: 30 * 60_000 },
		);
		const [[customer]] = await activeCustomer.nextEmit(5000);
		const [[business]] = await activeBusiness.nextEmit(5000);
		expect(customer.json).toMatchObject({ initiatedBy: 'customer', customerPhone: '+16505551234', firstMessage: { type: 'text', text: 'Does it come in another color?', direction: 'inbound' } });
		expect(business.json).toMatchObject({ initiatedBy: 'business', customerPhone: '+447911123456', firstMessage: { type: 'template', direction: 'outbound' } });
		await new Promise((wait) => setTimeout(wait, 200));
		expect(activeCustomer.recorder.emitted).toHaveLength(1);
		expect(activeBusiness.recorder.emitted).toHaveLength(1);
		await activeCustomer.close();
		await activeBusiness.close();
	});
});

describe('WhatsApp Conversation Ended Trigger', () => {
	it('sweeps idle conversations on its interval and emits the transcript', async () => {
		// A timeout of 60 ms: the conversation is idle by the first sweep.
		const trigger = await harness(new WhatsAppConversationEndedTrigger(), { sweepIntervalSeconds: 1 }, 'wf-ended', { inactivityTimeoutMinutes: 0.001 });
		const active = await trigger.activate();
		await trigger.webhook(signed(sample('meta_docs_text.json')));
		const [[item]] = await active.nextEmit(8000);
		expect(item.json).toMatchObject({
			reason: 'inactivity',
			customerPhone: '+16505551234',
			customerName: 'Sheena Nelson',
			messageCount: 1,
			transcript: [expect.objectContaining({ direction: 'inbound', text: 'Does it come in another color?' })],
			transcriptText: expect.stringContaining('Customer: Does it come in another color?'),
			inputVariables: {},
			extractedVariables: {},
		});
		await active.close();
	});

	it('emits a manual close once', async () => {
		const trigger = await harness(new WhatsAppConversationEndedTrigger(), { sweepIntervalSeconds: 3600 }, 'wf-manual-close');
		const active = await trigger.activate();
		await trigger.webhook(signed(sample('meta_docs_text.json')));
		const [conversation] = await wa.store.listConversations({});
		await wa.store.closeConversation(conversation.id, { now: Date.now() });
		await wa.store.closeConversation(conversation.id, { now: Date.now() });
		const [[item]] = await active.nextEmit(5000);
		expect(item.json).toMatchObject({ conversationId: conversation.id, reason: 'manual' });
		await new Promise((wait) => setTimeout(wait, 200));
		expect(active.recorder.emitted).toHaveLength(1);
		await active.close();
	});
});

describe('AI on trigger events', () => {
	let ai: OpenAiTestServer;
	beforeAll(async () => {
		ai = await startOpenAiServer();
	});
	afterAll(async () => {
		await ai.close();
	});

	async function aiHarness(nodeType: INodeType, parameters: INodeParameters, workflowId: string, credentialOverrides: IDataObject = {}) {
		return createTriggerHarness({
			nodeType,
			node: { parameters, webhookId: `hook-${workflowId}` },
			credentials: { ...credentials(credentialOverrides), openAiCompatibleApi: { apiKey: 'sk-test', baseUrl: ai.url } },
			credentialTypes: { ...credentialTypes, openAiCompatibleApi: new OpenAiCompatibleApi() },
			workflowId,
		});
	}

	it('transcribes a voice note into the item when asked', async () => {
		ai.setTranscription('Do you deliver on Sundays?');
		const voice = wa.simulator.addMedia(Buffer.from('ogg-bytes'), 'audio/ogg');
		const trigger = await aiHarness(new WhatsAppMessageReceivedTrigger(), { transcribeVoice: true }, 'wf-voice');
		const active = await trigger.activate();
		const payload = JSON.parse(sample('meta_docs_text.json').toString()) as { entry: Array<{ changes: Array<{ value: { messages: IDataObject[] } }> }> };
		payload.entry[0].changes[0].value.messages[0] = { from: '16505551234', id: 'wamid.voice-1', timestamp: '1749416383', type: 'audio', audio: { id: voice.id, mime_type: 'audio/ogg; codecs=opus', voice: true } };
		await trigger.webhook(signed(Buffer.from(JSON.stringify(payload))));
		const [[item]] = await active.nextEmit(5000);
		expect(item.json).toMatchObject({ type: 'audio', transcription: 'Do you deliver on Sundays?', text: 'Do you deliver on Sundays?', transcriptionError: null });
		expect(ai.transcriptionRequests()).toHaveLength(1);
		await active.close();
	});

	it('extracts the defined variables and a summary when a conversation ends, and reports a failure without blocking', async () => {
		const parameters: INodeParameters = {
			sweepIntervalSeconds: 3600,
			extractVariables: true,
			variablesToExtract: { variable: [{ name: 'color', type: 'string', description: 'The color the customer asked about' }] },
		};
		const trigger = await aiHarness(new WhatsAppConversationEndedTrigger(), parameters, 'wf-extract');
		const active = await trigger.activate();
		await trigger.webhook(signed(sample('meta_docs_text.json')));
		const [conversation] = await wa.store.listConversations({});
		ai.replyWith(JSON.stringify({ variables: { color: 'blue' }, summary: 'Asked about other colors.' }));
		await wa.store.closeConversation(conversation.id, { now: Date.now() });
		const [[item]] = await active.nextEmit(5000);
		expect(item.json).toMatchObject({ reason: 'manual', extractedVariables: { color: 'blue', summary: 'Asked about other colors.' }, summary: 'Asked about other colors.', extractionError: null });

		await trigger.webhook(signed(Buffer.from(sample('meta_docs_text.json').toString().replace('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=', 'wamid.second'))));
		const open = await wa.store.findOpenConversation('106540352242922', '16505551234');
		ai.failNext(1, 'unauthorized');
		await wa.store.closeConversation(open!.id, { now: Date.now() });
		const [[failed]] = await active.nextEmit(5000);
		expect(failed.json).toMatchObject({ reason: 'manual', extractionError: { code: 'AI_AUTH_FAILED' } });
		expect(JSON.stringify(failed.json)).not.toContain('sk-test');
		await active.close();
	});
});
