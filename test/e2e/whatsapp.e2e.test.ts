/**
 * The package in a real n8n 2.30.8 server, installed from its `npm pack` tarball as Community Nodes
 * installs it (n8n-smoke.e2e.test.ts checks that install itself), one WhatsApp credential created
 * through the public API, and the Meta simulator standing in for Meta
 * (Cloud API and signed webhooks) on 127.0.0.1. Every assertion reads executions back through n8n's
 * public API, or the simulator's and the store's own records.
 *
 * The tests share one server and run in order: workflows activated by one test stay active for the
 * next ones, which is what users get too (every active WhatsApp trigger sees every inbound message).
 * So each test finds its executions by the message id or the customer it used, never by position.
 *
 * Needs `npm run build` first (npm run test:e2e does it).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { ingestWebhookRequest } from '../../core/ingress';
import { SqliteConversationStore } from '../../core/conversation/open';
import { resumeWaitingAnswers } from '../../core/conversation/waiting-answers';
import { startMetaSimulator, type InboundDelivery, type InboundInput, type MetaSimulator } from '../../tools/meta-simulator/meta-simulator';
import { packPackage, readManifest } from '../../tools/n8n-harness/community-package';
import { startN8n, type Execution, type N8nServer, type WorkflowJson } from '../../tools/n8n-harness/n8n-server';
import { decodeQrPng, decodeQrSvg } from '../support/qr-decode';
import { recordTestTimings, simulatorCredential } from './support/harness';

const PACKAGE_ROOT = resolve(__dirname, '../..');
const DIST = join(PACKAGE_ROOT, 'dist');
const APP_SECRET = 'e2e-app-secret';
const VERIFY_TOKEN = 'e2e-verify-token';
/** 0.05 minutes = 3 s: short enough for the Conversation Ended test (the editor's minimum is 1). */
const INACTIVITY_MINUTES = 0.05;
const INACTIVITY_MS = INACTIVITY_MINUTES * 60_000;

const CREDENTIAL_TYPE = 'whatsAppConversationsApi';
// A community package's node types carry the package's name.
const PACKAGE_NAME = readManifest(PACKAGE_ROOT).name;
const MESSAGE_RECEIVED = `${PACKAGE_NAME}.whatsAppMessageReceivedTrigger`;
const CONVERSATION_ENDED = `${PACKAGE_NAME}.whatsAppConversationEndedTrigger`;
const SEND_MESSAGE = `${PACKAGE_NAME}.whatsAppSendMessage`;
const SEND_TEMPLATE = `${PACKAGE_NAME}.whatsAppSendTemplate`;
const CONVERSATION = `${PACKAGE_NAME}.whatsAppConversation`;

const TRIGGER_NAME = 'WhatsApp Message Received';

// Fixed webhook ids: a trigger's production URL is /webhook/<webhookId>/webhook.
const HOOK = {
	fanOutA: '0b7c5a10-1e0f-4c6e-9a51-e2e000000a01',
	fanOutB: '0b7c5a10-1e0f-4c6e-9a51-e2e000000b02',
	statuses: '0b7c5a10-1e0f-4c6e-9a51-e2e000000c03',
	reply: '0b7c5a10-1e0f-4c6e-9a51-e2e000000d04',
	ended: '0b7c5a10-1e0f-4c6e-9a51-e2e000000e05',
	listen: '0b7c5a10-1e0f-4c6e-9a51-e2e000000f06',
	windowWebhook: '0b7c5a10-1e0f-4c6e-9a51-e2e000000a07',
	templateWebhook: '0b7c5a10-1e0f-4c6e-9a51-e2e000000a08',
	noAppSecret: '0b7c5a10-1e0f-4c6e-9a51-e2e000000a09',
	askWebhook: '0b7c5a10-1e0f-4c6e-9a51-e2e0000013b1',
	askTimeoutWebhook: '0b7c5a10-1e0f-4c6e-9a51-e2e0000013b2',
	askRestartWebhook: '0b7c5a10-1e0f-4c6e-9a51-e2e0000013b3',
	askDownWebhook: '0b7c5a10-1e0f-4c6e-9a51-e2e0000013b4',
	burst: '0b7c5a10-1e0f-4c6e-9a51-e2e000000a10',
	reaction: '0b7c5a10-1e0f-4c6e-9a51-e2e0000012a1',
	reactionSend: '0b7c5a10-1e0f-4c6e-9a51-e2e0000012a2',
};

// Customers (valid UK mobile numbers, each test its own).
const CUSTOMER = {
	fanOut: '447911123401',
	reply: '447911123402',
	neverWrote: '447911123403',
	template: '447911123404',
	ended: '447911123405',
	restart: '447911123406',
	listen: '447911123407',
	ask: '447911123421',
	askTimeout: '447911123422',
	askRestart: '447911123423',
	askDown: '447911123424',
	burst: '447911123408',
	reaction: '447911123419',
};

type Json = Record<string, unknown>;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The items of one output of a node in an execution (first run). */
function outputOf(execution: Execution, nodeName: string, output = 0): Json[] {
	const runs = execution.data?.resultData.runData[nodeName];
	const items = runs?.[0]?.data?.main[output] ?? [];
	return items.map((item) => item.json);
}

function triggerItem(execution: Execution, nodeName = TRIGGER_NAME): Json {
	return outputOf(execution, nodeName)[0] ?? {};
}

const finished = (execution: Execution) => !['new', 'running', 'waiting'].includes(execution.status);

let server: N8nServer | undefined;
let simulator: MetaSimulator | undefined;
let sqlitePath: string;
let credentialId: string;
/** The test process's own handle on the store file n8n writes (WAL: both may use it). */
let store: SqliteConversationStore | undefined;
const workflows: Record<string, string> = {};

function n8n(): N8nServer {
	if (!server) throw new Error('n8n is not running');
	return server;
}

function meta(): MetaSimulator {
	if (!simulator) throw new Error('the simulator is not running');
	return simulator;
}

function storeFile(): SqliteConversationStore {
	store ??= new SqliteConversationStore({ path: sqlitePath });
	return store;
}

const triggerUrl = (webhookId: string) => n8n().webhookUrl(`${webhookId}/webhook`);

/** Polls the workflow's finished executions until `accept` finds one (or throws with the log tail). */
async function waitForExecution(workflowId: string, accept: (execution: Execution) => boolean, what: string, timeoutMs = 45_000): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = (await n8n().executions(workflowId)).filter(finished).find(accept);
		if (found) return found;
		if (Date.now() > deadline) throw new Error(`no execution of ${workflowId} with ${what} after ${timeoutMs} ms; n8n log:\n${n8n().logTail(40)}`);
		await sleep(300);
	}
}

const withMessageId = (wamid: string) => (execution: Execution) => triggerItem(execution).messageId === wamid;

async function executionsWith(workflowId: string, wamid: string): Promise<Execution[]> {
	return (await n8n().executions(workflowId)).filter(withMessageId(wamid));
}

const credentialRef = () => ({ [CREDENTIAL_TYPE]: { id: credentialId, name: 'WhatsApp (simulator)' } });
const SETTINGS = { executionOrder: 'v1', saveManualExecutions: true, saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };

/** `typeVersion` 1.1 marks messages read by default; 1 is a node saved before that. */
function messageReceivedWorkflow(name: string, webhookId: string, parameters: Json = {}, typeVersion = 1): WorkflowJson {
	return {
		name,
		nodes: [
			{
				name: TRIGGER_NAME,
				type: MESSAGE_RECEIVED,
				typeVersion,
				position: [0, 0],
				webhookId,
				parameters,
				credentials: credentialRef(),
			},
		],
		connections: {},
		settings: SETTINGS,
	};
}

/** A Send Message node sending `text` to the customer `phone` (digits, no +). */
function sendTextNode(phone: string, text: string): Json {
	return { name: 'WhatsApp Send Message', type: SEND_MESSAGE, parameters: { to: `+${phone}`, messageType: 'text', text, options: {} } };
}

/** n8n's own Webhook node (answers at once) feeding one node of this package. */
function webhookStartedWorkflow(name: string, webhookId: string, path: string, node: Json): WorkflowJson {
	return {
		name,
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{ position: [220, 0], typeVersion: 1, credentials: credentialRef(), ...node },
		],
		connections: { Webhook: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
		settings: SETTINGS,
	};
}

async function createAndActivate(key: string, workflow: WorkflowJson): Promise<string> {
	const id = await n8n().importWorkflow(workflow);
	workflows[key] = id;
	await n8n().activate(id);
	return id;
}

async function inbound(from: string, text: string, name = 'E2E Customer'): Promise<InboundDelivery> {
	const delivery = await meta().simulateInbound({ from, text, name });
	expect(delivery.error).toBeNull();
	expect(delivery.status).toBe(200);
	return delivery;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: response.status, text: await response.text() };
}

/**
 * Stops n8n and starts it again on the same folder and port, running `whileDown` once the old process
 * is gone (nothing answers on the port: the new process needs seconds before it listens).
 */
async function restartN8n<T>(whileDown: () => Promise<T>): Promise<T> {
	const oldPid = n8n().pid as number;
	const restarted = Date.now();
	const restarting = n8n().restart();
	const alive = () => {
		try {
			process.kill(oldPid, 0);
			return true;
		} catch {
			return false;
		}
	};
	let result: T;
	try {
		while (alive()) await sleep(20);
		await expect(fetch(`${n8n().baseUrl}/healthz`)).rejects.toThrow();
		result = await whileDown();
	} finally {
		await restarting;
	}
	timings.push(`n8n stop + start ${Date.now() - restarted} ms`);
	return result;
}

/**
 * A message Meta signs while n8n is down, ingested into the store by the core, as a process sharing the
 * store would (a webhook process, or n8n itself just before it stopped). Meta's own retries would bring
 * it to n8n only once it is back.
 */
async function ingestWhileDown(input: InboundInput): Promise<{ delivery: InboundDelivery; questionsAnswered: number }> {
	meta().configureWebhook({ url: undefined });
	let delivery: InboundDelivery;
	try {
		delivery = await meta().simulateInbound(input);
	} finally {
		meta().configureWebhook({ url: triggerUrl(HOOK.fanOutA) });
	}
	expect(delivery.error).toBe('no webhook target configured');
	const summary = await ingestWebhookRequest(
		{ rawBody: delivery.rawBody, signature: delivery.signature },
		{ store: storeFile(), appSecret: APP_SECRET, inactivityTimeoutMs: INACTIVITY_MS },
	);
	expect(summary.messagesStored).toBe(1);
	return { delivery, questionsAnswered: summary.questionsAnswered };
}

const timings: string[] = [];

beforeAll(async () => {
	if (!existsSync(join(DIST, 'nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node.js'))) {
		throw new Error(`${DIST} holds no compiled nodes: run \`npm run build\` first (npm run test:e2e does)`);
	}
	const started = Date.now();
	const tarball = packPackage(PACKAGE_ROOT);
	try {
		server = await startN8n({ communityTarballs: [tarball] });
	} finally {
		rmSync(dirname(tarball), { recursive: true, force: true });
	}
	// The Store File Path must lead into the n8n user folder (or a folder n8n's environment allows).
	sqlitePath = join(server.userFolder, '.n8n', 'conversations.sqlite');
	timings.push(`n8n start ${Date.now() - started} ms`);
	// Meta calls workflow A's production URL, as if it were the callback URL saved in the Meta app.
	simulator = await startMetaSimulator({ webhook: { url: triggerUrl(HOOK.fanOutA), appSecret: APP_SECRET } });
	credentialId = await server.createCredential(CREDENTIAL_TYPE, 'WhatsApp (simulator)', {
		...simulatorCredential(simulator, { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, inactivityTimeoutMinutes: INACTIVITY_MINUTES }),
		storeEngine: 'sqlite',
		sqlitePath,
	});
}, 240_000);

afterAll(async () => {
	await store?.close();
	await simulator?.close();
	await server?.stop();
	console.log(`whatsapp e2e timings:\n  ${timings.join('\n  ')}`);
}, 120_000);

recordTestTimings(timings);

/** Send Template's or the Template node's variables mapper, filled in as the editor saves it. */
const variables = (value: Json) => ({ mappingMode: 'defineBelow', value, matchingColumns: [], schema: [], attemptToConvertTypes: false, convertFieldsToString: false });

describe('WhatsApp Conversations in a real n8n server', () => {
	it('answers Meta\'s verification handshake on a trigger\'s production URL', async () => {
		await createAndActivate('fanOutA', messageReceivedWorkflow('E2E fan-out A: Message Received', HOOK.fanOutA));
		await createAndActivate('fanOutB', messageReceivedWorkflow('E2E fan-out B: Message Received', HOOK.fanOutB, {}, 1.1));

		const query = (token: string) => new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' });
		const ok = await fetch(`${triggerUrl(HOOK.fanOutA)}?${query(VERIFY_TOKEN)}`);
		expect(ok.status).toBe(200);
		expect(await ok.text()).toBe('1158201444');

		const wrong = await fetch(`${triggerUrl(HOOK.fanOutA)}?${query('not-the-token')}`);
		expect(wrong.status).toBe(403);
		expect(await wrong.text()).not.toContain(VERIFY_TOKEN);

		// The handshake is answered by webhook() and starts nothing.
		await sleep(500);
		expect(await n8n().executions(workflows.fanOutA)).toHaveLength(0);
	});

	let fanOutDelivery: InboundDelivery;

	it('fans one signed delivery out to every active workflow', async () => {
		fanOutDelivery = await inbound(CUSTOMER.fanOut, 'Does it come in another color?', 'Sheena Nelson');
		expect(fanOutDelivery.responseBody).toBe('OK');

		for (const key of ['fanOutA', 'fanOutB']) {
			const execution = await waitForExecution(workflows[key], withMessageId(fanOutDelivery.wamid), `message ${fanOutDelivery.wamid}`);
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('trigger');
			expect(triggerItem(execution)).toMatchObject({
				event: 'message',
				messageId: fanOutDelivery.wamid,
				type: 'text',
				text: 'Does it come in another color?',
				customerPhone: `+${CUSTOMER.fanOut}`,
				customerWaId: CUSTOMER.fanOut,
				customerName: 'Sheena Nelson',
				conversationId: expect.any(String),
				isNewConversation: true,
				windowOpen: true,
				businessPhoneNumberId: meta().phoneNumberId,
			});
		}
		const [a] = await executionsWith(workflows.fanOutA, fanOutDelivery.wamid);
		const [b] = await executionsWith(workflows.fanOutB, fanOutDelivery.wamid);
		expect(triggerItem(b).conversationId).toBe(triggerItem(a).conversationId);
	});

	it('marks the message read once: B (version 1.1) marks it, A (version 1, saved before) keeps it off', async () => {
		const receiptsOf = () => meta().state.readReceipts.filter((receipt) => receipt.wamid === fanOutDelivery.wamid);
		// Both executions have run (the previous test), so the receipt, started as B emitted, has gone out.
		for (let waited = 0; receiptsOf().length === 0 && waited < 10_000; waited += 200) await sleep(200);
		await sleep(1000);
		expect(receiptsOf()).toEqual([expect.objectContaining({ typingIndicator: false })]);
	});

	it('gives Meta\'s redelivery of the same bytes no second execution', async () => {
		const again = await meta().redeliver(fanOutDelivery);
		expect(again.attempt).toBe(2);
		expect(again.status).toBe(200);
		// Deduped in the store: nothing to wait for, so give the triggers time to (wrongly) emit.
		await sleep(3000);
		expect(await executionsWith(workflows.fanOutA, fanOutDelivery.wamid)).toHaveLength(1);
		expect(await executionsWith(workflows.fanOutB, fanOutDelivery.wamid)).toHaveLength(1);
		// B has served its purpose; A stays active, its URL is the callback URL Meta uses.
		await n8n().deactivate(workflows.fanOutB);
	});

	let replyWamid: string;
	let replyConversationId: string;

	it('replies through Send Message: Meta gets the text, the store keeps it in the transcript', async () => {
		await createAndActivate('reply', {
			name: 'E2E reply: Message Received → Send Message → Conversation get',
			nodes: [
				{ name: TRIGGER_NAME, type: MESSAGE_RECEIVED, typeVersion: 1, position: [0, 0], webhookId: HOOK.reply, parameters: {}, credentials: credentialRef() },
				{
					name: 'WhatsApp Send Message',
					type: SEND_MESSAGE,
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						to: '={{ $json.customerPhone }}',
						messageType: 'text',
						text: '=Thanks {{ $json.customerName }}, we open at 9.',
						options: {},
					},
					credentials: credentialRef(),
				},
				{
					name: 'WhatsApp Conversation',
					type: CONVERSATION,
					typeVersion: 1,
					position: [440, 0],
					parameters: { operation: 'get', conversationId: { __rl: true, mode: 'id', value: '={{ $json.conversationId }}' } },
					credentials: credentialRef(),
				},
			],
			connections: {
				[TRIGGER_NAME]: { main: [[{ node: 'WhatsApp Send Message', type: 'main', index: 0 }]] },
				'WhatsApp Send Message': { main: [[{ node: 'WhatsApp Conversation', type: 'main', index: 0 }]] },
			},
			settings: SETTINGS,
		});

		const delivery = await inbound(CUSTOMER.reply, 'When do you open?', 'Pablo Morales');
		const execution = await waitForExecution(workflows.reply, withMessageId(delivery.wamid), `message ${delivery.wamid}`);
		expect(execution.status).toBe('success');

		const [sent] = outputOf(execution, 'WhatsApp Send Message', 0);
		expect(sent).toMatchObject({ messageId: expect.stringMatching(/^wamid\./), to: `+${CUSTOMER.reply}`, conversationId: triggerItem(execution).conversationId });
		expect(outputOf(execution, 'WhatsApp Send Message', 1)).toEqual([]);
		replyWamid = sent.messageId as string;
		replyConversationId = sent.conversationId as string;

		// Meta (the simulator) received exactly that text, from the credential's number.
		const atMeta = meta().sentTo(CUSTOMER.reply);
		expect(atMeta).toHaveLength(1);
		expect(atMeta[0]).toMatchObject({ wamid: replyWamid, type: 'text', phoneNumberId: meta().phoneNumberId });
		expect(atMeta[0].payload).toMatchObject({ text: { body: 'Thanks Pablo Morales, we open at 9.' } });

		// The Conversation node, in the same run, reads both messages back from the store.
		const [conversation] = outputOf(execution, 'WhatsApp Conversation');
		expect(conversation).toMatchObject({ conversationId: sent.conversationId });
		expect((conversation.transcript as Json[]).map((entry) => [entry.direction, entry.text])).toEqual([
			['inbound', 'When do you open?'],
			['outbound', 'Thanks Pablo Morales, we open at 9.'],
		]);
		expect(conversation.transcriptText).toBe('Customer: When do you open?\nBusiness: Thanks Pablo Morales, we open at 9.');

		// And the store file itself, read from this process.
		const transcript = await storeFile().getTranscript(sent.conversationId as string);
		expect(transcript.map((message) => [message.direction, message.wamid])).toEqual([
			['inbound', delivery.wamid],
			['outbound', replyWamid],
		]);
		// The reply workflow would answer every later message too.
		await n8n().deactivate(workflows.reply);
	});

	it('starts no execution for status updates unless a trigger asks for them', async () => {
		// The simulator sent sent/delivered/read webhooks for the reply to A's URL.
		await meta().flushWebhooks();
		const statusDeliveries = meta().webhookDeliveries.filter((delivery) => delivery.kind === 'status');
		expect(statusDeliveries.length).toBeGreaterThanOrEqual(3);
		expect(statusDeliveries.every((delivery) => delivery.status === 200)).toBe(true);
		const waitForRead = Date.now() + 10_000;
		const replyStatus = async () => (await storeFile().getTranscript(replyConversationId)).find((message) => message.wamid === replyWamid)?.status;
		while ((await replyStatus()) !== 'read') {
			if (Date.now() > waitForRead) throw new Error('the reply never became read in the store');
			await sleep(200);
		}

		// A workflow that asks for statuses (and, of messages, only reactions).
		await createAndActivate('statuses', messageReceivedWorkflow('E2E statuses: Message Received with status updates', HOOK.statuses, { includeStatuses: true, messageTypes: ['reaction'] }));
		const statusWamid = 'wamid.e2e-status-only-0001';
		const delivery = await meta().deliverRaw({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: meta().businessAccountId,
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550783881', phone_number_id: meta().phoneNumberId },
								statuses: [{ id: statusWamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: CUSTOMER.reply }],
							},
						},
					],
				},
			],
		});
		expect(delivery.status).toBe(200);
		const execution = await waitForExecution(workflows.statuses, withMessageId(statusWamid), `status of ${statusWamid}`);
		expect(triggerItem(execution)).toMatchObject({ event: 'status', status: 'delivered', messageId: statusWamid, recipientPhone: `+${CUSTOMER.reply}` });

		await sleep(1500);
		// Only that one; A saw only messages, never a status (neither the reply's nor this one).
		expect(await n8n().executions(workflows.statuses)).toHaveLength(1);
		const aItems = (await n8n().executions(workflows.fanOutA)).map((e) => triggerItem(e));
		expect(aItems.length).toBeGreaterThanOrEqual(2);
		expect(aItems.every((item) => item.event === 'message')).toBe(true);
		await n8n().deactivate(workflows.statuses);
	});

	it('turns a signed reaction to a message the business sent into a reaction item naming it (toOurMessage)', async () => {
		// Send Message answers the customer (window open), then the customer reacts to that answer.
		const path = 'e2e-reaction-send';
		await createAndActivate(
			'reactionSend',
			webhookStartedWorkflow('E2E reaction: Webhook → Send Message', HOOK.reactionSend, path, sendTextNode(CUSTOMER.reaction, 'Your planter ships today')),
		);
		await createAndActivate('reaction', messageReceivedWorkflow('E2E reaction: Message Received (reactions only)', HOOK.reaction, { messageTypes: ['reaction'] }));
		await inbound(CUSTOMER.reaction, 'Has my planter shipped?', 'Mary Jackson');
		expect((await postJson(n8n().webhookUrl(path), {})).status).toBe(200);
		const sendRun = await waitForExecution(workflows.reactionSend, () => true, 'the send');
		const [sent] = outputOf(sendRun, 'WhatsApp Send Message');
		expect(sent).toMatchObject({ messageId: expect.stringMatching(/^wamid\./) });

		const delivery = await meta().simulateInbound({ from: CUSTOMER.reaction, name: 'Mary Jackson', type: 'reaction', reaction: { messageId: sent.messageId as string, emoji: '🎉' } });
		expect(delivery.status).toBe(200);
		const execution = await waitForExecution(workflows.reaction, withMessageId(delivery.wamid), `reaction ${delivery.wamid}`);
		expect(execution.status).toBe('success');
		expect(triggerItem(execution)).toMatchObject({
			event: 'message',
			type: 'reaction',
			messageId: delivery.wamid,
			customerPhone: `+${CUSTOMER.reaction}`,
			conversationId: sent.conversationId,
			reaction: { messageId: sent.messageId, emoji: '🎉', toOurMessage: true, messageText: 'Your planter ships today' },
		});
		// Reactions only: the customer's text started nothing in this workflow.
		await sleep(1000);
		expect(await n8n().executions(workflows.reaction)).toHaveLength(1);
		await n8n().deactivate(workflows.reaction);
		await n8n().deactivate(workflows.reactionSend);
	});

	it('sends nothing outside the window: the item leaves on "Window Closed"', async () => {
		const path = 'e2e-window-closed';
		await createAndActivate(
			'windowClosed',
			webhookStartedWorkflow('E2E window closed: Webhook → Send Message', HOOK.windowWebhook, path, sendTextNode(CUSTOMER.neverWrote, 'Your order shipped')),
		);
		const sendsBefore = meta().requestsTo('POST', '/messages').length;
		const call = await postJson(n8n().webhookUrl(path), { order: 1 });
		expect(call.status).toBe(200);
		const execution = await waitForExecution(workflows.windowClosed, () => true, 'any run');
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'WhatsApp Send Message', 0)).toEqual([]);
		const [closed] = outputOf(execution, 'WhatsApp Send Message', 1);
		expect(closed).toMatchObject({ to: `+${CUSTOMER.neverWrote}`, windowClosed: true, windowClosedAt: null, reason: expect.any(String) });
		expect(meta().sentTo(CUSTOMER.neverWrote)).toEqual([]);
		expect(meta().requestsTo('POST', '/messages')).toHaveLength(sendsBefore);
	});

	it('sends an approved template to Meta and reports the daily limit', async () => {
		const path = 'e2e-send-template';
		await createAndActivate(
			'template',
			webhookStartedWorkflow('E2E template: Webhook → Send Template', HOOK.templateWebhook, path, {
				name: 'WhatsApp Send Template',
				type: SEND_TEMPLATE,
				parameters: {
					to: `+${CUSTOMER.template}`,
					template: { __rl: true, mode: 'list', value: 'hello_world|en_US' },
					variables: { mappingMode: 'defineBelow', value: null },
				},
			}),
		);
		const call = await postJson(n8n().webhookUrl(path), {});
		expect(call.status).toBe(200);
		const execution = await waitForExecution(workflows.template, () => true, 'any run');
		expect(execution.data?.resultData.error).toBeUndefined();
		expect(execution.status).toBe('success');

		const [result] = outputOf(execution, 'WhatsApp Send Template');
		expect(result).toMatchObject({
			messageId: expect.stringMatching(/^wamid\./),
			to: `+${CUSTOMER.template}`,
			isNewConversation: true,
			windowOpen: false,
			dailyLimit: { counted: true, used: 1, limit: 250, remaining: 249, tier: 'TIER_250' },
		});
		const requests = meta().requestsTo('POST', '/messages').filter((entry) => (entry.body as Json | null)?.type === 'template');
		expect(requests).toHaveLength(1);
		expect(requests[0].status).toBe(200);
		expect((requests[0].body as { template: Json }).template).toMatchObject({ name: 'hello_world', language: { code: 'en_US' } });
		expect(meta().sentTo(CUSTOMER.template)).toEqual([expect.objectContaining({ wamid: result.messageId, type: 'template' })]);
	});

	describe('Send and Wait for Response', () => {
		const ASKER = 'WhatsApp Send Message';
		const asking = (key: string, webhookId: string, path: string, to: string, wait: Json) =>
			createAndActivate(
				key,
				webhookStartedWorkflow(`E2E ${key}: Webhook → Send Message (Send and Wait)`, webhookId, path, {
					name: ASKER,
					type: SEND_MESSAGE,
					parameters: {
						operation: 'sendAndWait',
						to: `+${to}`,
						messageType: 'buttons',
						interactiveBody: 'Shall we ship your planter today?',
						buttons: { button: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] },
						options: {},
						...wait,
					},
				}),
			);

		/** Polls until the workflow's one execution waits (n8n saved it as waiting). */
		async function waitingExecution(workflowId: string): Promise<Execution> {
			const deadline = Date.now() + 30_000;
			for (;;) {
				const [execution] = (await n8n().executions(workflowId)).filter((e) => e.status === 'waiting');
				if (execution) return execution;
				if (Date.now() > deadline) throw new Error(`no waiting execution of ${workflowId}; n8n log:\n${n8n().logTail(40)}`);
				await sleep(300);
			}
		}

		/** The node's output after the resume: n8n replaces the waiting run with the resumed one. */
		const resumedItem = (execution: Execution) => execution.data?.resultData.runData[ASKER]?.at(-1)?.data?.main[0]?.[0]?.json ?? {};

		it('waits for the customer\'s tap on a reply button, and the signed reply resumes the execution with replyId', async () => {
			const path = 'e2e-send-and-wait';
			await asking('ask', HOOK.askWebhook, path, CUSTOMER.ask, { waitAmount: 1, waitUnit: 'hours' });
			await inbound(CUSTOMER.ask, 'Is my planter ready?', 'Grace Hopper');
			expect((await postJson(n8n().webhookUrl(path), {})).status).toBe(200);
			const waiting = await waitingExecution(workflows.ask);
			const [question] = meta().sentTo(CUSTOMER.ask);
			expect(question).toMatchObject({ type: 'interactive', payload: { interactive: { type: 'button' } } });

			const tap = await meta().simulateInbound({
				from: CUSTOMER.ask,
				name: 'Grace Hopper',
				type: 'interactive',
				buttonReply: { id: 'yes', title: 'Yes' },
				context: { id: question.wamid },
			});
			expect(tap.status).toBe(200);
			const execution = await waitForExecution(workflows.ask, (e) => e.id === waiting.id, 'the resumed run');
			expect(execution.status).toBe('success');
			expect(resumedItem(execution)).toMatchObject({
				answered: true,
				timedOut: false,
				text: 'Yes',
				replyId: 'yes',
				replyKind: 'button_reply',
				answerMessageId: tap.wamid,
				customerId: CUSTOMER.ask,
			});
			// The tap still reached the Message Received trigger Meta calls.
			await waitForExecution(workflows.fanOutA, withMessageId(tap.wamid), `message ${tap.wamid}`);
			await n8n().deactivate(workflows.ask);
		});

		it('goes on with timedOut true when the customer does not answer in time', async () => {
			const path = 'e2e-send-and-wait-timeout';
			// 0.1 minutes = 6 s (the editor's minimum is 1; the node takes any positive amount).
			await asking('askTimeout', HOOK.askTimeoutWebhook, path, CUSTOMER.askTimeout, { waitAmount: 0.1, waitUnit: 'minutes' });
			await inbound(CUSTOMER.askTimeout, 'Is my planter ready?', 'Alan Turing');
			const asked = Date.now();
			expect((await postJson(n8n().webhookUrl(path), {})).status).toBe(200);
			const waiting = await waitingExecution(workflows.askTimeout);
			const execution = await waitForExecution(workflows.askTimeout, (e) => e.id === waiting.id, 'the timed-out run');
			expect(Date.now() - asked).toBeGreaterThanOrEqual(6_000);
			expect(execution.status).toBe('success');
			expect(resumedItem(execution)).toMatchObject({ answered: false, timedOut: true, text: null, replyId: null, customerId: CUSTOMER.askTimeout });
			await n8n().deactivate(workflows.askTimeout);
		});

		/** The store's record of the question an execution waits on (found by its resume URL, which names the execution). */
		function questionOf(executionId: string): { state: string; attempts: number } | undefined {
			const db = new DatabaseSync(sqlitePath);
			try {
				const rows = db.prepare('SELECT resume_url, state, attempts FROM waiting_answers').all() as Array<{ resume_url: string; state: string; attempts: number }>;
				const row = rows.find((candidate) => new URL(candidate.resume_url).pathname.endsWith(`/${executionId}`));
				return row && { state: row.state, attempts: Number(row.attempts) };
			} finally {
				db.close();
			}
		}

		const tapOf = (customer: string, button: { id: string; title: string }): InboundInput => ({
			from: customer,
			name: 'Grace Hopper',
			type: 'interactive',
			buttonReply: button,
			context: { id: meta().sentTo(customer)[0].wamid },
		});

		it('keeps waiting across an n8n restart: a tap after it, and one the store took while n8n was down, each resume their execution once and start Message Received once', async () => {
			const asks = [
				{ key: 'askRestart', webhookId: HOOK.askRestartWebhook, path: 'e2e-send-and-wait-restart', customer: CUSTOMER.askRestart },
				{ key: 'askDown', webhookId: HOOK.askDownWebhook, path: 'e2e-send-and-wait-down', customer: CUSTOMER.askDown },
			];
			const [NO, YES] = [{ id: 'no', title: 'No' }, { id: 'yes', title: 'Yes' }];
			const waiting: Record<string, Execution> = {};
			for (const { key, webhookId, path, customer } of asks) {
				await asking(key, webhookId, path, customer, { waitAmount: 1, waitUnit: 'hours' });
				await inbound(customer, 'Is my planter ready?', 'Grace Hopper');
				expect((await postJson(n8n().webhookUrl(path), {})).status).toBe(200);
				waiting[key] = await waitingExecution(workflows[key]);
			}

			// While n8n is down, one customer taps "No": the store settles the question at once, and the
			// resume call the accepting process makes finds no n8n, so the question stays due.
			const down = await restartN8n(async () => {
				const { delivery, questionsAnswered } = await ingestWhileDown(tapOf(CUSTOMER.askDown, NO));
				expect(questionsAnswered).toBe(1);
				await resumeWaitingAnswers(storeFile());
				expect(questionOf(waiting.askDown.id)).toEqual({ state: 'answered', attempts: 1 });
				return delivery;
			});
			const expectResumedBy = async (key: string, delivery: InboundDelivery, customer: string, button: { id: string; title: string }) => {
				const execution = await waitForExecution(workflows[key], (e) => e.id === waiting[key].id, `the resumed run of ${key}`);
				expect(execution.status).toBe('success');
				expect(resumedItem(execution)).toMatchObject({ answered: true, timedOut: false, text: button.title, replyId: button.id, replyKind: 'button_reply', answerMessageId: delivery.wamid, customerId: customer });
				// The tap also started the ordinary Message Received workflow (Meta's callback URL).
				await waitForExecution(workflows.fanOutA, withMessageId(delivery.wamid), `message ${delivery.wamid}`);
			};
			// The tap taken while n8n was down resumes its execution with no delivery after the restart:
			// the restarted n8n's resumer retries the call.
			await expectResumedBy('askDown', down, CUSTOMER.askDown, NO);
			// Then the other customer taps "Yes": the delivery reaches the restarted n8n.
			const tap = await meta().simulateInbound(tapOf(CUSTOMER.askRestart, YES));
			expect(tap.status).toBe(200);
			await expectResumedBy('askRestart', tap, CUSTOMER.askRestart, YES);
			const answers = [
				{ key: 'askDown', delivery: down },
				{ key: 'askRestart', delivery: tap },
			];
			// One resume call took the tap after the restart; the one made while n8n was down was retried
			// by the restarted n8n's resumer (more tries only if n8n refused a call while starting).
			expect(questionOf(waiting.askRestart.id)).toEqual({ state: 'resumed', attempts: 1 });
			const resumedDown = questionOf(waiting.askDown.id);
			expect(resumedDown?.state).toBe('resumed');
			expect(resumedDown?.attempts).toBeGreaterThanOrEqual(2);

			// Later messages of both customers resume nothing (past two resumer passes) and run Message Received once each.
			const later = [await inbound(CUSTOMER.askRestart, 'Thanks!', 'Grace Hopper'), await inbound(CUSTOMER.askDown, 'Maybe tomorrow then', 'Grace Hopper')];
			for (const delivery of later) await waitForExecution(workflows.fanOutA, withMessageId(delivery.wamid), `message ${delivery.wamid}`);
			await sleep(4500);
			for (const { key, delivery } of answers) {
				const [execution, ...others] = await n8n().executions(workflows[key]);
				expect(others).toEqual([]);
				expect(execution.data?.resultData.runData[ASKER]).toHaveLength(1);
				expect(resumedItem(execution)).toMatchObject({ answerMessageId: delivery.wamid });
				expect(await executionsWith(workflows.fanOutA, delivery.wamid)).toHaveLength(1);
			}
			expect(questionOf(waiting.askRestart.id)).toEqual({ state: 'resumed', attempts: 1 });
			expect(questionOf(waiting.askDown.id)).toEqual(resumedDown);
			for (const delivery of later) expect(await executionsWith(workflows.fanOutA, delivery.wamid)).toHaveLength(1);
			for (const { key } of asks) await n8n().deactivate(workflows[key]);
		});
	});

	it('fires Conversation Ended with the transcript after the inactivity timeout', async () => {
		await createAndActivate('ended', {
			name: 'E2E ended: Conversation Ended',
			nodes: [
				{
					name: 'WhatsApp Conversation Ended',
					type: CONVERSATION_ENDED,
					typeVersion: 1,
					position: [0, 0],
					webhookId: HOOK.ended,
					parameters: { sweepIntervalSeconds: 1 },
					credentials: credentialRef(),
				},
			],
			connections: {},
			settings: SETTINGS,
		});
		const delivery = await inbound(CUSTOMER.ended, 'Thanks, that was all', 'Ada Lovelace');
		const startedAt = Date.now();
		// Earlier conversations end too once the sweep runs: this one is found by its customer.
		const byCustomer = (execution: Execution) => triggerItem(execution, 'WhatsApp Conversation Ended').customerPhone === `+${CUSTOMER.ended}`;
		const execution = await waitForExecution(workflows.ended, byCustomer, `the end of ${CUSTOMER.ended}'s conversation`, 30_000);
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(INACTIVITY_MS - 1000);
		const item = triggerItem(execution, 'WhatsApp Conversation Ended');
		expect(item).toMatchObject({
			reason: 'inactivity',
			initiatedBy: 'customer',
			customerId: CUSTOMER.ended,
			customerName: 'Ada Lovelace',
			messageCount: 1,
			endedAt: expect.any(String),
		});
		expect(item.transcript).toEqual([expect.objectContaining({ direction: 'inbound', text: 'Thanks, that was all', wamid: delivery.wamid })]);
		expect(item.transcriptText).toBe('Customer: Thanks, that was all');

		// Exactly once, though the sweep keeps running every second.
		await sleep(2500);
		expect((await n8n().executions(workflows.ended)).filter(byCustomer)).toHaveLength(1);
		await n8n().deactivate(workflows.ended);
	});

	it('delivers a message accepted while n8n was down once it is back, and nothing twice', async () => {
		const a = workflows.fanOutA;
		const before = (await n8n().executions(a)).filter(finished);
		const beforeIds = new Set(before.map((execution) => execution.id));
		expect(before.length).toBeGreaterThanOrEqual(3);

		// Stop n8n; while it is down a delivery reaches the store (a webhook process, or one accepted
		// just before the crash): the signed bytes Meta would send, ingested by the core.
		const { delivery } = await restartN8n(() => ingestWhileDown({ from: CUSTOMER.restart, text: 'Are you there?', name: 'Grace Hopper' }));

		const execution = await waitForExecution(a, withMessageId(delivery.wamid), `message ${delivery.wamid}`);
		expect(execution.status).toBe('success');
		expect(triggerItem(execution)).toMatchObject({ text: 'Are you there?', customerPhone: `+${CUSTOMER.restart}` });

		// Give a (wrong) replay of older events time to show.
		await sleep(3000);
		const after = (await n8n().executions(a)).filter(finished);
		expect(after.filter((e) => !beforeIds.has(e.id)).map((e) => triggerItem(e).messageId)).toEqual([delivery.wamid]);
		// The inactive workflows stayed silent (their cursors wait for their next activation).
		expect(await executionsWith(workflows.fanOutB, delivery.wamid)).toEqual([]);
	});

	it('"Listen for test event" catches the next message Meta sends to another workflow\'s URL', async () => {
		const c = await n8n().importWorkflow(messageReceivedWorkflow('E2E listen: Message Received (manual test run)', HOOK.listen));
		workflows.listen = c;
		const run = await n8n().runManually(c, TRIGGER_NAME);
		// n8n answers only after it created the test webhook (TestWebhooks.needsWebhook awaits
		// webhookMethods.default.create in manual mode), so the node's listener already watches the store.
		expect(run.waitingForWebhook).toBe(true);

		const delivery = await inbound(CUSTOMER.listen, 'Is this thing on?', 'Alan Turing');
		const execution = await waitForExecution(c, () => true, 'the manual run', 30_000);
		expect(execution.mode).toBe('manual');
		expect(execution.status).toBe('success');
		expect(triggerItem(execution)).toMatchObject({
			event: 'message',
			messageId: delivery.wamid,
			text: 'Is this thing on?',
			customerPhone: `+${CUSTOMER.listen}`,
			customerName: 'Alan Turing',
		});
		// A, whose URL Meta called, ran as usual.
		await waitForExecution(workflows.fanOutA, withMessageId(delivery.wamid), `message ${delivery.wamid}`);
		// One manual run, and the test URL is gone with it.
		await sleep(1000);
		expect(await n8n().executions(c)).toHaveLength(1);
	});

	it('refuses to activate a Meta trigger whose credential has no App Secret, saying where to find it', async () => {
		const unsignedCredential = await n8n().createCredential(CREDENTIAL_TYPE, 'WhatsApp (Meta, no App Secret)', {
			provider: 'meta',
			accessToken: 'e2e-unused-token',
			phoneNumberId: meta().phoneNumberId,
			businessAccountId: meta().businessAccountId,
			appSecret: '',
			verifyToken: VERIFY_TOKEN,
			storeEngine: 'sqlite',
			sqlitePath,
		});
		const workflow = messageReceivedWorkflow('E2E: Meta trigger without App Secret', HOOK.noAppSecret);
		workflow.nodes[0].credentials = { [CREDENTIAL_TYPE]: { id: unsignedCredential, name: 'WhatsApp (Meta, no App Secret)' } };
		const id = await n8n().importWorkflow(workflow);
		const refusal = await n8n().activate(id).then(
			() => 'activated',
			(error: unknown) => (error instanceof Error ? error.message : String(error)),
		);
		expect(refusal).toMatch(/→ 4\d\d/);
		expect(refusal).toMatch(/no App Secret \(Meta App Dashboard > App settings > Basic > App secret\)/);
		// The workflow stays inactive: its URL is not registered, so nothing can be posted to it.
		const { active } = await n8n().api<{ active: boolean }>('GET', `/workflows/${id}`);
		expect(active).toBe(false);
		const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
		const posted = await fetch(triggerUrl(HOOK.noAppSecret), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
		expect(posted.status).toBe(404);
	});

	it('combines a customer\'s quick messages into one execution, and starts the next with the next message', async () => {
		const quietSeconds = 3;
		await createAndActivate('burst', messageReceivedWorkflow('E2E burst: Message Received combining messages', HOOK.burst, { combineWithinSeconds: quietSeconds }));
		const byCustomer = (execution: Execution) => triggerItem(execution).customerPhone === `+${CUSTOMER.burst}`;
		const texts = ['Hi', 'I ordered a planter last week', 'Order 1042, has it shipped?'];
		const burst: InboundDelivery[] = [];
		for (const text of texts) burst.push(await inbound(CUSTOMER.burst, text, 'Katherine Johnson'));
		const lastSent = Date.now();

		const execution = await waitForExecution(workflows.burst, (e) => byCustomer(e) && triggerItem(e).messageCount === 3, 'the burst of 3 messages', 30_000);
		// Emitted once the customer had been quiet for the whole period (counted from the last message's
		// arrival, a moment before its delivery was answered: hence the margin).
		expect(Date.now() - lastSent).toBeGreaterThanOrEqual(quietSeconds * 1000 - 500);
		expect(execution.status).toBe('success');
		const item = triggerItem(execution);
		expect(item).toMatchObject({
			event: 'message',
			messageId: burst[2].wamid,
			text: texts.join('\n'),
			messageCount: 3,
			isNewConversation: true,
			customerPhone: `+${CUSTOMER.burst}`,
			customerName: 'Katherine Johnson',
		});
		expect((item.messages as Json[]).map((message) => [message.messageId, message.text])).toEqual(burst.map((delivery, index) => [delivery.wamid, texts[index]]));
		// Nothing more for the burst's messages: one execution, where A (no combining) started three.
		await sleep(1500);
		expect((await n8n().executions(workflows.burst)).filter(byCustomer)).toHaveLength(1);
		for (const delivery of burst) await waitForExecution(workflows.fanOutA, withMessageId(delivery.wamid), `message ${delivery.wamid}`);

		// A message after the burst went out starts the next one (in a new conversation: the suite's
		// inactivity timeout, 3 s, has passed by now).
		const next = await inbound(CUSTOMER.burst, 'Also, do you gift-wrap?', 'Katherine Johnson');
		const second = await waitForExecution(workflows.burst, withMessageId(next.wamid), `message ${next.wamid}`, 30_000);
		expect(triggerItem(second)).toMatchObject({ text: 'Also, do you gift-wrap?', messageCount: 1 });
		expect(triggerItem(second).messages).toEqual([expect.objectContaining({ messageId: next.wamid })]);
		await sleep(1500);
		expect((await n8n().executions(workflows.burst)).filter(byCustomer)).toHaveLength(2);
		await n8n().deactivate(workflows.burst);
	});
});

describe('Get Chat Link and business hours in a real n8n server', () => {
	const HOOKS = { chatLink: '0b7c5a10-1e0f-4c6e-9a51-e2e0000015d1', hours: '0b7c5a10-1e0f-4c6e-9a51-e2e0000015d2' };
	const HOURS_CUSTOMER = '447911123441';

	it('Get Chat Link: the wa.me link of the number Meta reports, a QR code PNG that scans to it, and the SVG', async () => {
		const path = 'e2e-chat-link';
		const workflow = webhookStartedWorkflow('E2E chat link: Webhook → Conversation (Get Chat Link), answered with the PNG', HOOKS.chatLink, path, {
			name: 'WhatsApp Conversation',
			type: CONVERSATION,
			parameters: { operation: 'getChatLink', text: '={{ $json.body.text }}', options: { size: 256 } },
		});
		// The Webhook answers with the QR code, as a workflow serving it to a web page would.
		workflow.nodes[0].parameters = { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryBinary', responseBinaryPropertyName: 'data', options: {} };
		await createAndActivate('chatLink', workflow);
		const lookups = () => meta().requestsTo('GET', `/${meta().phoneNumberId}`).length;
		const lookupsBefore = lookups();

		const response = await fetch(n8n().webhookUrl(path), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ text: 'Hi, I would like to book a table for 2' }),
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^image\/png/);
		// The number Meta reports for the credential's phone number id (the simulator's display_phone_number).
		const link = 'https://wa.me/15550783881?text=Hi%2C%20I%20would%20like%20to%20book%20a%20table%20for%202';
		// What a phone's camera reads off the PNG: the link.
		expect(decodeQrPng(Buffer.from(await response.arrayBuffer()))).toEqual({ text: link, width: 256, height: 256 });

		const execution = await waitForExecution(workflows.chatLink, () => true, 'the chat link run');
		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'WhatsApp Conversation');
		expect(item).toEqual({ link, number: '15550783881', text: 'Hi, I would like to book a table for 2', svg: expect.stringMatching(/^<svg /) });
		expect(decodeQrSvg(String(item.svg))).toBe(link);
		const binary = (execution.data?.resultData.runData['WhatsApp Conversation']?.[0]?.data?.main[0]?.[0] as { binary?: Record<string, Json> } | undefined)?.binary;
		expect(binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'whatsapp-chat-15550783881.png' });
		expect(lookups() - lookupsBefore).toBe(1);
		await n8n().deactivate(workflows.chatLink);
	});

	it('business hours: Message Received items carry withinBusinessHours and nextOpenAt from the credential, and Check Business Hours agrees', async () => {
		// Open all day every day in Kolkata (UTC+05:30, no summer time) but closed there yesterday, today and
		// tomorrow: closed now whenever the test runs, open again at midnight the day after tomorrow.
		const day = 86_400_000;
		const kolkataDate = (epochMs: number) => new Date(epochMs + 5.5 * 3_600_000).toISOString().slice(0, 10);
		const now = Date.now();
		const opensAt = `${kolkataDate(now + 2 * day)}T00:00:00+05:30`;
		const allDay = Object.fromEntries(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((weekday) => [`hours${weekday}`, '00:00-24:00']));
		// The suite's number and store; only the hours differ.
		const hoursCredential = await n8n().createCredential(CREDENTIAL_TYPE, 'WhatsApp (simulator, business hours)', {
			...simulatorCredential(meta(), { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, inactivityTimeoutMinutes: INACTIVITY_MINUTES }),
			storeEngine: 'sqlite',
			sqlitePath,
			businessHours: true,
			businessTimeZone: 'Asia/Kolkata',
			...allDay,
			closedDates: [now - day, now, now + day].map(kolkataDate).join(', '),
		});
		const withHours = { [CREDENTIAL_TYPE]: { id: hoursCredential, name: 'WhatsApp (simulator, business hours)' } };
		const check = (name: string, time: string, x: number) => ({
			name,
			type: CONVERSATION,
			typeVersion: 1,
			position: [x, 0],
			parameters: { operation: 'checkBusinessHours', time },
			credentials: withHours,
		});
		await createAndActivate('hours', {
			name: 'E2E business hours: Message Received → Check Business Hours (at the message, and on a Monday in 2030)',
			nodes: [
				{ name: TRIGGER_NAME, type: MESSAGE_RECEIVED, typeVersion: 1.1, position: [0, 0], webhookId: HOOKS.hours, parameters: {}, credentials: withHours },
				check('At the Message', '={{ $json.timestamp }}', 220),
				check('On a Monday in 2030', '2030-01-07T10:00:00Z', 440),
			],
			connections: {
				[TRIGGER_NAME]: { main: [[{ node: 'At the Message', type: 'main', index: 0 }]] },
				'At the Message': { main: [[{ node: 'On a Monday in 2030', type: 'main', index: 0 }]] },
			},
			settings: SETTINGS,
		});

		const delivery = await inbound(HOURS_CUSTOMER, 'Are you open today?', 'Indira Rao');
		const execution = await waitForExecution(workflows.hours, withMessageId(delivery.wamid), `message ${delivery.wamid}`);
		expect(execution.status).toBe('success');
		const item = triggerItem(execution);
		expect(item).toMatchObject({ text: 'Are you open today?', withinBusinessHours: false, nextOpenAt: opensAt });
		expect(outputOf(execution, 'At the Message')).toEqual([{ withinBusinessHours: false, nextOpenAt: opensAt, timeZone: 'Asia/Kolkata', checkedAt: item.timestamp }]);
		expect(outputOf(execution, 'On a Monday in 2030')).toEqual([{ withinBusinessHours: true, nextOpenAt: null, timeZone: 'Asia/Kolkata', checkedAt: '2030-01-07T10:00:00.000Z' }]);
		// Workflow A's credential has no hours: the same message is within them there.
		const a = await waitForExecution(workflows.fanOutA, withMessageId(delivery.wamid), `message ${delivery.wamid}`);
		expect(triggerItem(a)).toMatchObject({ withinBusinessHours: true, nextOpenAt: null });
		await n8n().deactivate(workflows.hours);
	});
});

describe('Delivery failures and usage in a real n8n server', () => {
	const HOOKS = { failures: '0b7c5a10-1e0f-4c6e-9a51-e2e0000014c1', promo: '0b7c5a10-1e0f-4c6e-9a51-e2e0000014c2', usage: '0b7c5a10-1e0f-4c6e-9a51-e2e0000014c3' };
	const DELIVERED = '447911123431';
	const HELD_BACK = '447911123432';

	it('a template Meta later reports failed starts the workflow with what was sent, the error and the fix hint; Get Usage counts the delivered one', async () => {
		await createAndActivate(
			'failures',
			messageReceivedWorkflow('E2E delivery failures: Message Received (Delivery Failures)', HOOKS.failures, { includeDeliveryFailures: true, markAsRead: false }, 1.1),
		);
		await createAndActivate(
			'promo',
			webhookStartedWorkflow('E2E promo: Webhook → Send Template (marketing)', HOOKS.promo, 'e2e-promo', {
				name: 'WhatsApp Send Template',
				type: SEND_TEMPLATE,
				parameters: {
					to: '={{ $json.body.to }}',
					template: { __rl: true, mode: 'list', value: 'seasonal_promotion|en_US' },
					variables: { mappingMode: 'defineBelow', value: { 'body.1': 'summer', 'body.2': '20%' } },
				},
			}),
		);
		await createAndActivate(
			'usage',
			webhookStartedWorkflow('E2E usage: Webhook → Get Usage', HOOKS.usage, 'e2e-usage', {
				name: 'Get Usage',
				type: CONVERSATION,
				parameters: { operation: 'getUsage', period: 'today', prices: { price: [{ category: 'marketing', price: 0.05 }] }, currency: 'EUR', options: {} },
			}),
		);
		// Meta calls this test's trigger URL, and reports only "sent" by itself (priced as marketing).
		meta().configureWebhook({ url: triggerUrl(HOOKS.failures), statuses: { stages: ['sent'] } });
		try {
			const wamids: Record<string, string> = {};
			for (const to of [DELIVERED, HELD_BACK]) {
				expect((await postJson(n8n().webhookUrl('e2e-promo'), { to: `+${to}` })).status).toBe(200);
				const run = await waitForExecution(workflows.promo, (execution) => outputOf(execution, 'WhatsApp Send Template')[0]?.to === `+${to}`, `the send to ${to}`);
				expect(run.status).toBe('success');
				wamids[to] = outputOf(run, 'WhatsApp Send Template')[0].messageId as string;
			}
			await meta().flushWebhooks();
			await meta().deliverStatus(wamids[DELIVERED], 'delivered');
			// Hours later Meta holds the other one back: its per-user marketing limit.
			const failed = await meta().deliverStatus(wamids[HELD_BACK], 'failed', { errorCode: 131049 });
			expect(failed.status).toBe(200);

			const failure = await waitForExecution(workflows.failures, withMessageId(wamids[HELD_BACK]), `the failure of ${wamids[HELD_BACK]}`);
			expect(failure.status).toBe('success');
			expect(triggerItem(failure)).toMatchObject({
				event: 'status',
				status: 'failed',
				customerId: HELD_BACK,
				customerPhone: `+${HELD_BACK}`,
				conversationId: expect.any(String),
				messageType: 'template',
				templateName: 'seasonal_promotion',
				templateLanguage: 'en_US',
				sentAt: expect.any(String),
				errorCode: 131049,
				errorTitle: 'This message was not delivered to maintain healthy ecosystem engagement.',
				errorDetails: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
				failureReason: 'marketing_frequency_cap',
				fixHint: expect.stringMatching(/try again in a day/),
			});
			// Only the failure ran the workflow: the sent and delivered statuses did not.
			expect((await n8n().executions(workflows.failures)).filter(finished)).toHaveLength(1);

			expect((await postJson(n8n().webhookUrl('e2e-usage'), {})).status).toBe(200);
			const usageRun = await waitForExecution(workflows.usage, () => true, 'the usage run');
			expect(usageRun.status).toBe('success');
			const [usage] = outputOf(usageRun, 'Get Usage');
			const conversations = usage.byConversation as Json[];
			// Earlier tests sent messages too: this test's customers are looked up by their own lines.
			expect(conversations.find((line) => line.customerId === DELIVERED)).toMatchObject({ messages: 1, billable: 1, estimatedCost: 0.05 });
			expect(conversations.find((line) => line.customerId === HELD_BACK)).toBeUndefined();
			expect((usage.byCategory as Json[]).find((line) => line.category === 'marketing')).toMatchObject({ billable: 1, price: 0.05, estimatedCost: 0.05 });
			expect(usage).toMatchObject({ currency: 'EUR', dailyLimit: expect.objectContaining({ used: expect.any(Number) }), summaryText: expect.stringMatching(/^WhatsApp usage \d{4}-\d{2}-\d{2}: \d+ billable/) });
		} finally {
			meta().configureWebhook({ url: triggerUrl(HOOK.fanOutA), statuses: { stages: ['sent', 'delivered', 'read'], delayMs: 0 } });
			for (const key of ['failures', 'promo', 'usage']) await n8n().deactivate(workflows[key]);
		}
	});

	it("the sandbox's Daily usage summary example runs as shipped: Get Usage for yesterday, then its summary", async () => {
		const example = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'sandbox/workflows/usage-summary.json'), 'utf8')) as WorkflowJson & { nodes: Json[] };
		for (const node of example.nodes) if (node.credentials) node.credentials = credentialRef();
		const id = await n8n().importWorkflow(example);
		workflows.usageExample = id;
		await n8n().runManually(id, 'Every Day at 08:00');
		const execution = await waitForExecution(id, () => true, 'the manual run');
		expect(execution.status).toBe('success');
		const [usage] = outputOf(execution, 'Get Usage');
		const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
		expect(usage).toMatchObject({ from: `${yesterday}T00:00:00.000Z`, currency: 'USD', estimatedCost: expect.any(Number) });
		expect(outputOf(execution, 'Daily Summary')).toEqual([
			{
				summary: expect.stringMatching(new RegExp(`^WhatsApp usage ${yesterday}: \\d+ billable of \\d+ priced messages.* Daily limit: \\d+ `)),
				billable: usage.billable,
				estimatedCost: usage.estimatedCost,
				dailyLimitUsed: (usage.dailyLimit as Json).used,
			},
		]);
	});
});

describe('WhatsApp Template in a real n8n server', () => {
	const TEMPLATE_NODE = `${PACKAGE_NAME}.whatsAppTemplate`;
	const HOOKS = { create: '0b7c5a10-1e0f-4c6e-9a51-e2e0000016e1', send: '0b7c5a10-1e0f-4c6e-9a51-e2e0000016e2' };
	const TEMPLATE_CUSTOMER = '447911123469';
	const NAME = 'e2e_pickup_ready';

	/** n8n's Webhook node feeding a chain of this package's nodes, each on the suite's credential. */
	function chainedWorkflow(name: string, webhookId: string, path: string, nodes: Json[]): WorkflowJson {
		const names = ['Webhook', ...nodes.map((node) => String(node.name))];
		return {
			name,
			nodes: [
				{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId, parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } },
				...nodes.map((node, index) => ({ position: [220 * (index + 1), 0], typeVersion: 1, credentials: credentialRef(), ...node })),
			],
			connections: Object.fromEntries(names.slice(0, -1).map((from, index) => [from, { main: [[{ node: names[index + 1], type: 'main', index: 0 }]] }])),
			settings: SETTINGS,
		};
	}

	const byName = (value: string) => ({ __rl: true, mode: 'name', value });

	it('creates a template (PENDING at Meta), then gets it by ID and finds it in the list', async () => {
		const path = 'e2e-template-create';
		await createAndActivate(
			'templateCreate',
			chainedWorkflow('E2E template: Webhook → Create → Get by ID → List pending', HOOKS.create, path, [
				{
					name: 'Create',
					type: TEMPLATE_NODE,
					parameters: {
						operation: 'create',
						name: '={{ $json.body.name }}',
						language: 'en_US',
						category: 'UTILITY',
						headerType: 'text',
						headerText: 'Order {{1}}',
						headerExample: 'A-1001',
						body: 'Hi {{1}}, your order is ready for pickup at {{2}}.',
						bodyExamples: { examples: [{ variable: '1', example: 'Pablo' }, { variable: '2', example: 'Main Street' }] },
						footer: 'Lucky Shrub',
						buttons: { button: [{ type: 'quick_reply', text: 'On my way' }] },
					},
				},
				{ name: 'Get', type: TEMPLATE_NODE, parameters: { operation: 'get', template: { __rl: true, mode: 'id', value: '={{ $json.id }}' } } },
				{ name: 'List', type: TEMPLATE_NODE, parameters: { operation: 'list', returnAll: true, filters: { status: 'PENDING', name: NAME } } },
			]),
		);
		expect((await postJson(n8n().webhookUrl(path), { name: NAME })).status).toBe(200);
		const execution = await waitForExecution(workflows.templateCreate, () => true, 'the template creation');
		expect(execution.status).toBe('success');
		const [created] = outputOf(execution, 'Create');
		expect(created).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: NAME, language: 'en_US', status: 'PENDING', category: 'UTILITY' });
		expect(outputOf(execution, 'Get')).toEqual([expect.objectContaining({ id: created.id, name: NAME, status: 'PENDING', variables: ['header.1', 'body.1', 'body.2', 'button.0'] })]);
		expect(outputOf(execution, 'List').map((item) => item.id)).toEqual([created.id]);
		expect(meta().state.findTemplates(NAME)).toEqual([expect.objectContaining({ id: created.id, status: 'PENDING' })]);
		await n8n().deactivate(workflows.templateCreate);
	});

	it('once Meta approves it: previews it, sends it with its variables, then deletes it', async () => {
		meta().setTemplateStatus(NAME, 'en_US', 'APPROVED');
		const path = 'e2e-template-send';
		const values = { 'header.1': 'A-77', 'body.1': '={{ $("Webhook").item.json.body.name }}', 'body.2': 'Main Street' };
		await createAndActivate(
			'templateSend',
			chainedWorkflow('E2E template: Webhook → Preview → Send Template → Delete', HOOKS.send, path, [
				{ name: 'Preview', type: TEMPLATE_NODE, parameters: { operation: 'preview', template: byName(`${NAME}|en_US`), variables: variables(values) } },
				{ name: 'Send', type: SEND_TEMPLATE, parameters: { to: `+${TEMPLATE_CUSTOMER}`, template: byName(`${NAME}|en_US`), variables: variables(values) } },
				{ name: 'Delete', type: TEMPLATE_NODE, parameters: { operation: 'delete', template: byName(NAME), language: '', allLanguages: true } },
			]),
		);
		expect((await postJson(n8n().webhookUrl(path), { name: 'Ana' })).status).toBe(200);
		const execution = await waitForExecution(workflows.templateSend, () => true, 'the template send');
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Preview')[0]).toMatchObject({ text: 'Order A-77\n\nHi Ana, your order is ready for pickup at Main Street.\n\nLucky Shrub', buttons: [{ type: 'QUICK_REPLY', text: 'On my way' }] });
		expect(outputOf(execution, 'Send')[0]).toMatchObject({ to: `+${TEMPLATE_CUSTOMER}`, template: { name: NAME, language: 'en_US', category: 'UTILITY' }, messageId: expect.stringMatching(/^wamid\./) });
		const [sent] = meta().sentTo(TEMPLATE_CUSTOMER);
		expect(sent.payload.template).toMatchObject({
			name: NAME,
			components: [
				{ type: 'header', parameters: [{ type: 'text', text: 'A-77' }] },
				{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'Main Street' }] },
			],
		});
		expect(outputOf(execution, 'Delete')[0]).toMatchObject({ deleted: true, name: NAME, allLanguages: true });
		expect(meta().state.findTemplates(NAME)).toEqual([]);
		await n8n().deactivate(workflows.templateSend);
	});
});

describe('Automatic messaging tier in a real n8n server', () => {
	const HOOKS = { send: '0b7c5a10-1e0f-4c6e-9a51-e2e0000016e1', events: '0b7c5a10-1e0f-4c6e-9a51-e2e0000016e2', health: '0b7c5a10-1e0f-4c6e-9a51-e2e0000016e3' };
	const CUSTOMERS = ['447911123451', '447911123452'];
	let automatic: Json;

	/** One template send through the Automatic credential; its dailyLimit. */
	async function sendTemplate(to: string): Promise<Json> {
		expect((await postJson(n8n().webhookUrl('e2e-auto-send'), { to })).status).toBe(200);
		const execution = await waitForExecution(workflows.autoSend, (run) => outputOf(run, 'WhatsApp Send Template')[0]?.to === `+${to}`, `the send to ${to}`);
		expect(execution.status).toBe('success');
		return outputOf(execution, 'WhatsApp Send Template')[0].dailyLimit as Json;
	}

	it("a credential that never stored a tier follows Meta's limit: a template send's dailyLimit reads it, and follows Meta's webhook when it changes", async () => {
		// Created through n8n's API without a Messaging Tier: n8n hands the nodes the default, Automatic.
		const { messagingTier: _notStored, ...data } = simulatorCredential(meta(), { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, inactivityTimeoutMinutes: INACTIVITY_MINUTES });
		const id = await n8n().createCredential(CREDENTIAL_TYPE, 'WhatsApp (simulator, Automatic tier)', { ...data, storeEngine: 'sqlite', sqlitePath });
		automatic = { [CREDENTIAL_TYPE]: { id, name: 'WhatsApp (simulator, Automatic tier)' } };
		const workflow = webhookStartedWorkflow('E2E automatic tier: Webhook → Send Template', HOOKS.send, 'e2e-auto-send', {
			name: 'WhatsApp Send Template',
			type: SEND_TEMPLATE,
			parameters: { to: '=+{{ $json.body.to }}', template: { __rl: true, mode: 'list', value: 'hello_world|en_US' }, variables: { mappingMode: 'defineBelow', value: null } },
		});
		workflow.nodes[1].credentials = automatic;
		await createAndActivate('autoSend', workflow);
		// Meta's callback URL for this test: a trigger of the Automatic credential, where Meta's account webhooks arrive.
		const events = messageReceivedWorkflow('E2E automatic tier: Message Received (the callback URL)', HOOKS.events);
		events.nodes[0].credentials = automatic;
		await createAndActivate('autoEvents', events);

		meta().state.messagingLimit = 'TIER_2K';
		const used = await storeFile().dailyLimitUsage(meta().businessAccountId, Date.now());
		expect(await sendTemplate(CUSTOMERS[0])).toEqual({
			counted: true,
			used: used + 1,
			limit: 2000,
			remaining: 2000 - used - 1,
			tier: 'TIER_2K',
			limitSource: 'meta',
			limitKnownAt: expect.any(String),
		});

		// Meta raises the portfolio's limit and says so by webhook; the next send follows at once (no
		// new read: the process's read of a moment ago is still fresh).
		meta().state.messagingLimit = 'TIER_10K';
		const reads = meta().requestsTo('GET', `/${meta().phoneNumberId}`).length;
		meta().configureWebhook({ url: triggerUrl(HOOKS.events) });
		// Meta's webhook time has whole seconds: the change is announced in a later second than the read.
		await new Promise((wait) => setTimeout(wait, 1010 - (Date.now() % 1000)));
		try {
			const delivery = await meta().simulateAccountEvent('phone_number_quality_update', {
				display_phone_number: '15550783881',
				event: 'UPGRADE',
				old_limit: 'TIER_2K',
				current_limit: 'TIER_10K',
				max_daily_conversations_per_business: 'TIER_10K',
			});
			expect(delivery.status).toBe(200);
		} finally {
			meta().configureWebhook({ url: triggerUrl(HOOK.fanOutA) });
		}
		expect(await storeFile().getMessagingLimit(meta().businessAccountId)).toMatchObject({ tier: 'TIER_10K', reportedBy: 'webhook' });
		expect(await sendTemplate(CUSTOMERS[1])).toMatchObject({ counted: true, used: used + 2, limit: 10000, tier: 'TIER_10K', limitSource: 'meta' });
		expect(meta().requestsTo('GET', `/${meta().phoneNumberId}`)).toHaveLength(reads);
	});

	it("Get Number Health reports Meta's view of the number and the limit the sends follow", async () => {
		meta().state.phoneNumbers.get(meta().phoneNumberId)!.quality_rating = 'YELLOW';
		try {
			const workflow = webhookStartedWorkflow('E2E automatic tier: Webhook → Conversation (Get Number Health)', HOOKS.health, 'e2e-number-health', {
				name: 'WhatsApp Conversation',
				type: CONVERSATION,
				parameters: { operation: 'getNumberHealth' },
			});
			workflow.nodes[1].credentials = automatic;
			await createAndActivate('autoHealth', workflow);
			expect((await postJson(n8n().webhookUrl('e2e-number-health'), {})).status).toBe(200);
			const execution = await waitForExecution(workflows.autoHealth, () => true, 'the health run');
			expect(execution.status).toBe('success');
			const used = await storeFile().dailyLimitUsage(meta().businessAccountId, Date.now());
			expect(outputOf(execution, 'WhatsApp Conversation')).toEqual([
				{
					phoneNumberId: meta().phoneNumberId,
					displayPhoneNumber: '15550783881',
					verifiedName: 'Lucky Shrub',
					qualityRating: 'YELLOW',
					status: 'CONNECTED',
					nameStatus: 'APPROVED',
					codeVerificationStatus: 'VERIFIED',
					throughputLevel: 'STANDARD',
					messagingLimit: { tier: 'TIER_10K', limit: 10000, reported: 'TIER_10K', reportedBy: 'graphApi', limitSource: 'meta', limitKnownAt: expect.any(String) },
					dailyLimit: { tier: 'TIER_10K', tierFrom: 'automatic', limit: 10000, used, remaining: 10000 - used },
					account: { id: meta().businessAccountId, name: 'Lucky Shrub', reviewStatus: 'APPROVED' },
					metaError: null,
					checkedAt: expect.any(String),
				},
			]);
		} finally {
			meta().state.phoneNumbers.get(meta().phoneNumberId)!.quality_rating = 'GREEN';
			meta().state.messagingLimit = 'TIER_250';
			for (const key of ['autoSend', 'autoEvents', 'autoHealth']) if (workflows[key]) await n8n().deactivate(workflows[key]);
		}
	});
});

describe('WhatsApp Account Event Trigger in a real n8n server', () => {
	const TEMPLATE_NODE = `${PACKAGE_NAME}.whatsAppTemplate`;
	const ACCOUNT_EVENT = `${PACKAGE_NAME}.whatsAppAccountEventTrigger`;
	const TRIGGER = 'WhatsApp Account Event';
	const HOOKS = {
		create: '0b7c5a10-1e0f-4c6e-9a51-e2e0000018f1',
		send: '0b7c5a10-1e0f-4c6e-9a51-e2e0000018f2',
		templateEvents: '0b7c5a10-1e0f-4c6e-9a51-e2e0000018f3',
		preferenceEvents: '0b7c5a10-1e0f-4c6e-9a51-e2e0000018f4',
	};
	const WAITING = '447911123481';
	const STOPPED = '447911123482';
	const NAME = 'e2e_back_in_stock';

	/** An Account Event Trigger for these kinds, followed by `next` when given. */
	function accountEventWorkflow(name: string, webhookId: string, kinds: string[], next?: Json): WorkflowJson {
		return {
			name,
			nodes: [
				{ name: TRIGGER, type: ACCOUNT_EVENT, typeVersion: 1, position: [0, 0], webhookId, parameters: { kinds }, credentials: credentialRef() },
				...(next ? [{ position: [220, 0], typeVersion: 1, credentials: credentialRef(), ...next }] : []),
			],
			connections: next ? { [TRIGGER]: { main: [[{ node: next.name, type: 'main', index: 0 }]] } } : {},
			settings: SETTINGS,
		};
	}

	/** Posts to the Webhook → Send Template workflow and returns Send Template's item (an error item when refused). */
	async function sendTemplate(to: string): Promise<Json> {
		expect((await postJson(n8n().webhookUrl('e2e-account-send'), { to })).status).toBe(200);
		// A refusal's item does not name the customer: the run is found by what the Webhook received.
		const posted = (execution: Execution) => (outputOf(execution, 'Webhook')[0]?.body as Json | undefined)?.to;
		const run = await waitForExecution(workflows.accountSend, (execution) => posted(execution) === to, `the send to ${to}`);
		expect(run.status).toBe('success');
		return outputOf(run, 'Send')[0];
	}

	const executionsOf = async (key: string) => (await n8n().executions(workflows[key])).filter(finished);

	beforeAll(async () => {
		await createAndActivate(
			'accountCreate',
			webhookStartedWorkflow('E2E account events: Webhook → Template (create)', HOOKS.create, 'e2e-account-create', {
				name: 'Create',
				type: TEMPLATE_NODE,
				parameters: {
					operation: 'create',
					name: NAME,
					language: 'en_US',
					category: 'MARKETING',
					body: 'Hi {{1}}, the {{2}} you asked about is back in stock.',
					bodyExamples: { examples: [{ variable: '1', example: 'Pablo' }, { variable: '2', example: 'Monstera' }] },
				},
			}),
		);
		// Refusals leave as items (the node's "continue" setting), so the test reads their code.
		const send = webhookStartedWorkflow('E2E account events: Webhook → Send Template', HOOKS.send, 'e2e-account-send', {
			name: 'Send',
			type: SEND_TEMPLATE,
			onError: 'continueRegularOutput',
			parameters: { to: '=+{{ $json.body.to }}', template: { __rl: true, mode: 'name', value: `${NAME}|en_US` }, variables: variables({ 'body.1': 'Ana', 'body.2': 'Monstera' }) },
		});
		await createAndActivate('accountSend', send);
		// The template named by the event, to the customer waiting for it.
		await createAndActivate(
			'templateEvents',
			accountEventWorkflow('E2E account events: Account Event (Template Status) → Send Template', HOOKS.templateEvents, ['template_status'], {
				name: 'Send',
				type: SEND_TEMPLATE,
				parameters: {
					to: `+${WAITING}`,
					template: { __rl: true, mode: 'name', value: '={{ $json.template.name }}|{{ $json.template.language }}' },
					variables: variables({ 'body.1': 'Pablo', 'body.2': 'Monstera' }),
				},
			}),
		);
		await createAndActivate('preferenceEvents', accountEventWorkflow('E2E account events: Account Event (Marketing Preference)', HOOKS.preferenceEvents, ['user_preference']));
		// Meta's callback URL for these tests: the Account Event Trigger's production URL.
		meta().configureWebhook({ url: triggerUrl(HOOKS.templateEvents) });
	});

	afterAll(async () => {
		meta().configureWebhook({ url: triggerUrl(HOOK.fanOutA) });
		for (const key of ['accountCreate', 'accountSend', 'templateEvents', 'preferenceEvents']) if (workflows[key]) await n8n().deactivate(workflows[key]);
	});

	it("template created (PENDING), refused, then Meta's approval starts the trigger once and its workflow sends the template", async () => {
		expect((await postJson(n8n().webhookUrl('e2e-account-create'), {})).status).toBe(200);
		const creation = await waitForExecution(workflows.accountCreate, () => true, 'the template creation');
		expect(creation.status).toBe('success');
		const [created] = outputOf(creation, 'Create');
		expect(created).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: NAME, status: 'PENDING', category: 'MARKETING' });

		// Refused while pending; this send also leaves Meta's list (PENDING) in n8n's template cache.
		expect(await sendTemplate(WAITING)).toMatchObject({ code: 'TEMPLATE_NOT_APPROVED' });
		expect(meta().sentTo(WAITING)).toEqual([]);

		meta().setTemplateStatus(NAME, 'en_US', 'APPROVED');
		await meta().flushWebhooks();
		const delivered = meta().webhookDeliveries.filter((delivery) => delivery.kind === 'account').at(-1);
		// Meta's signed message_template_status_update, answered 200 at the trigger's URL.
		expect(delivered).toMatchObject({ status: 200, payload: { entry: [{ changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_name: NAME } }] }] } });

		const run = await waitForExecution(workflows.templateEvents, () => true, 'the approval');
		expect(run.status).toBe('success');
		expect(triggerItem(run, TRIGGER)).toMatchObject({
			kind: 'template_status',
			field: 'message_template_status_update',
			event: 'APPROVED',
			businessAccountId: meta().businessAccountId,
			template: { id: created.id, name: NAME, language: 'en_US' },
			details: { messageTemplateCategory: 'MARKETING' },
			authenticated: true,
		});
		// Sent within seconds of the refusal: the cached PENDING list was dropped when the event arrived.
		const [sent] = outputOf(run, 'Send');
		expect(sent).toMatchObject({ to: `+${WAITING}`, template: { name: NAME, language: 'en_US', category: 'MARKETING' }, messageId: expect.stringMatching(/^wamid\./) });
		expect(meta().sentTo(WAITING)).toEqual([expect.objectContaining({ wamid: sent.messageId, type: 'template' })]);
		expect(meta().sentTo(WAITING)[0].payload.template).toMatchObject({ name: NAME, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Pablo' }, { type: 'text', text: 'Monstera' }] }] });

		// Once, and only for the workflow asking for template reviews.
		await sleep(1500);
		expect(await executionsOf('templateEvents')).toHaveLength(1);
		expect(await executionsOf('preferenceEvents')).toEqual([]);
	});

	it("a customer's marketing stop from Meta starts the Marketing Preference trigger and the next marketing template to them is refused", async () => {
		expect((await storeFile().getContact(meta().phoneNumberId, STOPPED))?.optedOut ?? false).toBe(false);
		const delivery = await meta().simulateAccountEvent('user_preferences', {
			messaging_product: 'whatsapp',
			metadata: { display_phone_number: '15550783881', phone_number_id: meta().phoneNumberId },
			contacts: [{ profile: { name: 'Mary Jackson' }, wa_id: STOPPED }],
			user_preferences: [{ wa_id: STOPPED, detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: Math.floor(Date.now() / 1000) }],
		});
		expect(delivery.status).toBe(200);

		const run = await waitForExecution(workflows.preferenceEvents, () => true, 'the marketing stop');
		expect(run.status).toBe('success');
		expect(triggerItem(run, TRIGGER)).toMatchObject({
			kind: 'user_preference',
			field: 'user_preferences',
			event: 'stop',
			customer: { waId: STOPPED, name: 'Mary Jackson' },
			marketingOptOut: { customerId: STOPPED, optedOut: true },
			authenticated: true,
		});
		expect(await storeFile().getContact(meta().phoneNumberId, STOPPED)).toMatchObject({ optedOut: true });

		// The marketing template the previous test had approved: refused for this customer only.
		expect(await sendTemplate(STOPPED)).toMatchObject({ code: 'CONTACT_OPTED_OUT' });
		expect(meta().sentTo(STOPPED)).toEqual([]);
		await sleep(1500);
		expect(await executionsOf('preferenceEvents')).toHaveLength(1);
		expect(await executionsOf('templateEvents')).toHaveLength(1);
	});
});
