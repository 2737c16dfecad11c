// End-of-conversation extraction on a real store against the local OpenAI-compatible server: asked
// once per conversation, stored as extracted variables, failures reported instead of thrown.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chatCompleter } from '../../../core/ai/chat';
import { AiConnection } from '../../../core/ai/client';
import { extractAndStoreConversationVariables, type VariableDefinition } from '../../../core/ai/extract';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { BUSINESS, inbound, webhookOf } from '../../../tools/traffic/builders';
import { startOpenAiServer, type OpenAiTestServer } from '../../ai-server/openai-server';

const HOUR = 3_600_000;
let ai: OpenAiTestServer;
let folder: string;
let store: SqliteConversationStore;

const definitions: VariableDefinition[] = [
	{ name: 'email', type: 'string', description: 'Email address' },
	{ name: 'quantity', type: 'number', description: 'Planters ordered' },
];

beforeAll(async () => {
	ai = await startOpenAiServer();
});
afterAll(async () => {
	await ai.close();
});
beforeEach(() => {
	ai.reset();
	folder = mkdtempSync(join(tmpdir(), 'wa-ai-extract-'));
	store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
});
afterEach(async () => {
	await store.close();
	rmSync(folder, { recursive: true, force: true });
});

async function endedConversation(): Promise<string> {
	const at = Date.now() - 2 * HOUR;
	await store.ingest(webhookOf({ messages: [inbound({ text: 'Two planters please, mail me at maria@example.com', timestamp: at })] }), { now: at, inactivityTimeoutMs: HOUR });
	const [closed] = await store.sweepIdleConversations({ now: Date.now(), inactivityTimeoutMs: HOUR, phoneNumberId: BUSINESS.phoneNumberId });
	return closed.id;
}

const complete = () => chatCompleter(new AiConnection({ baseUrl: ai.url, apiKey: 'sk-test', retry: { sleep: async () => undefined } }));

describe('extractAndStoreConversationVariables', () => {
	it('asks the model once and stores the variables and the summary on the conversation', async () => {
		const id = await endedConversation();
		ai.replyWith(JSON.stringify({ variables: { email: 'maria@example.com', quantity: 2 }, summary: 'Maria ordered two planters.' }));
		const first = await extractAndStoreConversationVariables(store, id, definitions, complete(), { model: 'gpt-4o-mini' });
		expect(first).toMatchObject({ variables: { email: 'maria@example.com', quantity: 2 }, summary: 'Maria ordered two planters.', error: null, alreadyExtracted: false });
		expect(ai.lastChatRequest()).toMatchObject({ model: 'gpt-4o-mini', temperature: 0, response_format: { type: 'json_object' } });
		expect(ai.lastChatRequest().messages[1].content).toBe('Transcript:\nCustomer: Two planters please, mail me at maria@example.com');
		expect((await store.getConversation(id))?.extractedVariables).toEqual({ email: 'maria@example.com', quantity: 2, summary: 'Maria ordered two planters.' });

		// A redelivered Conversation Ended event: no second model call, the same values.
		const again = await extractAndStoreConversationVariables(store, id, definitions, complete(), { model: 'gpt-4o-mini' });
		expect(again).toMatchObject({ variables: { email: 'maria@example.com', quantity: 2 }, summary: 'Maria ordered two planters.', alreadyExtracted: true });
		expect(ai.chatRequests()).toHaveLength(1);
	});

	it('reports a failing model in `error` and stores nothing', async () => {
		const id = await endedConversation();
		ai.failNext(3, 'server_error');
		const result = await extractAndStoreConversationVariables(store, id, definitions, complete(), { model: 'gpt-4o-mini' });
		expect(result).toMatchObject({ variables: {}, summary: null, error: { code: 'AI_UNAVAILABLE', hint: expect.any(String) }, alreadyExtracted: false });
		expect((await store.getConversation(id))?.extractedVariables).toEqual({});
	});

	it('reports an unknown conversation id without throwing', async () => {
		const result = await extractAndStoreConversationVariables(store, 'nope', definitions, complete(), { model: 'gpt-4o-mini' });
		expect(result.error?.code).toBe('AI_INPUT_INVALID');
	});
});
