/**
 * n8n's own AI Agent with the WhatsApp Conversation Memory sub-node, in a real n8n 2.30.8 server with
 * the package installed from its `npm pack` tarball (the memory's `@n8n/ai-node-sdk` resolved from n8n's
 * own install, as for any user), n8n's OpenAI Chat Model pointed at the test OpenAI-compatible server
 * (its credential's Base URL) and the Meta simulator standing in for Meta.
 *
 * Message Received → AI Agent (this memory, the chat model) → Send Message, twice for one customer: the
 * model's second request carries the first turn from the store, the answer once (the memory's record
 * and Send Message's copy), and the store holds both answers.
 *
 * Needs `npm run build` first (npm run test:e2e does it).
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { SqliteConversationStore } from '../../core/conversation/open';
import { startMetaSimulator, type MetaSimulator } from '../../tools/meta-simulator/meta-simulator';
import { packPackage, readManifest } from '../../tools/n8n-harness/community-package';
import { startN8n, type Execution, type N8nServer } from '../../tools/n8n-harness/n8n-server';
import { startOpenAiServer, type OpenAiTestServer } from '../ai-server/openai-server';
import { simulatorCredential } from './support/harness';

const PACKAGE_ROOT = resolve(__dirname, '../..');
const PACKAGE_NAME = readManifest(PACKAGE_ROOT).name;
const APP_SECRET = 'e2e-app-secret';
const HOOK = '0b7c5a10-1e0f-4c6e-9a51-e2e0000017a1';
const CUSTOMER = '447911123471';
const TRIGGER = 'WhatsApp Message Received';
const AGENT = 'AI Agent';
const MEMORY = 'WhatsApp Conversation Memory';
const SETTINGS = { executionOrder: 'v1', saveManualExecutions: true, saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };

type Json = Record<string, unknown>;

let server: N8nServer | undefined;
let simulator: MetaSimulator | undefined;
let ai: OpenAiTestServer | undefined;
let store: SqliteConversationStore | undefined;
let workflowId = '';

function n8n(): N8nServer {
	if (!server) throw new Error('n8n is not running');
	return server;
}
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function outputOf(execution: Execution, nodeName: string): Json[] {
	return (execution.data?.resultData.runData[nodeName]?.[0]?.data?.main[0] ?? []).map((item) => item.json);
}

/** One customer message through the workflow; resolves with its finished execution. */
async function customerSays(text: string): Promise<{ wamid: string; execution: Execution }> {
	const delivery = await simulator!.simulateInbound({ from: CUSTOMER, text, name: 'Ana' });
	expect(delivery.status).toBe(200);
	const deadline = Date.now() + 60_000;
	for (;;) {
		const execution = (await n8n().executions(workflowId)).find(
			(candidate) => !['new', 'running', 'waiting'].includes(candidate.status) && outputOf(candidate, TRIGGER)[0]?.messageId === delivery.wamid,
		);
		if (execution) return { wamid: delivery.wamid, execution };
		if (Date.now() > deadline) throw new Error(`no execution for ${delivery.wamid}; n8n log:\n${n8n().logTail(60)}`);
		await sleep(300);
	}
}

/** The chat messages of a model request as role and text (LangChain may send text as parts). */
function conversationOf(body: { messages: Array<{ role: string; content: unknown }> }): Array<[string, string]> {
	return body.messages.map(({ role, content }) => [
		role,
		typeof content === 'string' ? content : (content as Array<{ text?: string }>).map((part) => part.text ?? '').join(''),
	]);
}

beforeAll(async () => {
	if (!existsSync(join(PACKAGE_ROOT, 'dist/nodes/WhatsAppConversationMemory/WhatsAppConversationMemory.node.js'))) {
		throw new Error('dist/ holds no compiled memory node: run `npm run build` first (npm run test:e2e does)');
	}
	const tarball = packPackage(PACKAGE_ROOT);
	try {
		server = await startN8n({ communityTarballs: [tarball] });
	} finally {
		rmSync(dirname(tarball), { recursive: true, force: true });
	}
	const sqlitePath = join(server.userFolder, '.n8n', 'conversations.sqlite');
	simulator = await startMetaSimulator({ webhook: { url: server.webhookUrl(`${HOOK}/webhook`), appSecret: APP_SECRET } });
	ai = await startOpenAiServer();
	const whatsApp = await server.createCredential('whatsAppConversationsApi', 'WhatsApp (simulator)', {
		...simulatorCredential(simulator, { appSecret: APP_SECRET, verifyToken: 'e2e-verify-token', inactivityTimeoutMinutes: 30 }),
		storeEngine: 'sqlite',
		sqlitePath,
	});
	// n8n's OpenAI credential: its Base URL sends the Chat Model's requests to the test server.
	const openAi = await server.createCredential('openAiApi', 'OpenAI (test server)', { apiKey: 'sk-test', url: ai.url, header: false });
	const whatsAppRef = { whatsAppConversationsApi: { id: whatsApp, name: 'WhatsApp (simulator)' } };
	workflowId = await server.importWorkflow({
		name: 'E2E AI Agent with WhatsApp Conversation Memory',
		nodes: [
			{ name: TRIGGER, type: `${PACKAGE_NAME}.whatsAppMessageReceivedTrigger`, typeVersion: 1, position: [0, 0], webhookId: HOOK, parameters: {}, credentials: whatsAppRef },
			{
				name: AGENT,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [220, 0],
				parameters: { promptType: 'define', text: '={{ $json.text }}', options: { systemMessage: 'You answer customers of a plant shop.' } },
			},
			{
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [140, 200],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: { id: openAi, name: 'OpenAI (test server)' } },
			},
			// Its parameters keep their defaults: the Message Received item's conversation and message.
			{ name: MEMORY, type: `${PACKAGE_NAME}.whatsAppConversationMemory`, typeVersion: 1, position: [300, 200], parameters: {}, credentials: whatsAppRef },
			{
				name: 'WhatsApp Send Message',
				type: `${PACKAGE_NAME}.whatsAppSendMessage`,
				typeVersion: 1,
				position: [440, 0],
				parameters: { to: `={{ $('${TRIGGER}').item.json.customerPhone }}`, messageType: 'text', text: '={{ $json.output }}', options: {} },
				credentials: whatsAppRef,
			},
		],
		connections: {
			[TRIGGER]: { main: [[{ node: AGENT, type: 'main', index: 0 }]] },
			[AGENT]: { main: [[{ node: 'WhatsApp Send Message', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: AGENT, type: 'ai_languageModel', index: 0 }]] },
			[MEMORY]: { ai_memory: [[{ node: AGENT, type: 'ai_memory', index: 0 }]] },
		},
		settings: SETTINGS,
	});
	await server.activate(workflowId);
	store = new SqliteConversationStore({ path: sqlitePath });
}, 240_000);

afterAll(async () => {
	await store?.close();
	await ai?.close();
	await simulator?.close();
	await server?.stop();
}, 120_000);

describe("n8n's AI Agent with WhatsApp Conversation Memory", () => {
	it('loads the customer\'s stored history into the model request and records the answer in the shared transcript', async () => {
		ai!.replyWith('Yes, we ship to Spain in 3 days.');
		const first = await customerSays('Do you ship to Spain?');
		expect(first.execution.status).toBe('success');
		expect(conversationOf(ai!.lastChatRequest())).toEqual([
			['system', 'You answer customers of a plant shop.'],
			['user', 'Do you ship to Spain?'],
		]);
		expect(outputOf(first.execution, 'WhatsApp Send Message')[0]).toMatchObject({ messageId: expect.stringMatching(/^wamid\./) });

		ai!.replyWith('The navy planter costs 25 EUR.');
		const second = await customerSays('How much is the navy planter?');
		expect(second.execution.status).toBe('success');
		// The first turn, from the store: the customer's message and the answer once, though the
		// transcript holds the memory's record and Send Message's sent copy of it.
		expect(conversationOf(ai!.lastChatRequest())).toEqual([
			['system', 'You answer customers of a plant shop.'],
			['user', 'Do you ship to Spain?'],
			['assistant', 'Yes, we ship to Spain in 3 days.'],
			['user', 'How much is the navy planter?'],
		]);
		// The memory sub-node's own run data: what it gave the Agent and what the Agent saved.
		const memoryRuns = (second.execution.data?.resultData.runData[MEMORY] ?? []) as Array<{ data?: { ai_memory?: Array<Array<{ json: Json }>> } }>;
		expect(memoryRuns.map((run) => run.data?.ai_memory?.[0]?.[0]?.json.action)).toEqual(['loadMemoryVariables', 'saveContext']);

		const conversationId = String(outputOf(second.execution, TRIGGER)[0]?.conversationId);
		const transcript = await store!.getTranscript(conversationId);
		expect(transcript.map((message) => [message.direction, message.wamid?.startsWith('ai.') ? 'ai.' : message.wamid?.slice(0, 6), message.text])).toEqual([
			['inbound', 'wamid.', 'Do you ship to Spain?'],
			['outbound', 'ai.', 'Yes, we ship to Spain in 3 days.'],
			['outbound', 'wamid.', 'Yes, we ship to Spain in 3 days.'],
			['inbound', 'wamid.', 'How much is the navy planter?'],
			['outbound', 'ai.', 'The navy planter costs 25 EUR.'],
			['outbound', 'wamid.', 'The navy planter costs 25 EUR.'],
		]);
		// Meta got both answers.
		expect(simulator!.sentTo(CUSTOMER).map((sent) => (sent.payload as { text?: { body?: string } }).text?.body)).toEqual([
			'Yes, we ship to Spain in 3 days.',
			'The navy planter costs 25 EUR.',
		]);
	});
});
