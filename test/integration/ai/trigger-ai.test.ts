// What the triggers call for AI (nodes/shared/trigger/ai.ts), with a context whose request
// helper is plain node:http, against the local model server, the Meta simulator and a real store.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { CloudApiClient } from '../../../core/cloud-api/client';
import { ThrottleRegistry } from '../../../core/cloud-api/throttle';
import { SqliteConversationStore } from '../../../core/conversation/open';
import type { AiCredentialHost } from '../../../nodes/shared/core-access';
import { extractForTrigger, readVariableDefinitions, transcribeForTrigger } from '../../../nodes/shared/trigger/ai';
import { BUSINESS, inbound, webhookOf } from '../../../tools/traffic/builders';
import { startOpenAiServer, type OpenAiTestServer } from '../../ai-server/openai-server';
import { startMetaSimulator, type MetaSimulator } from '../../../tools/meta-simulator/meta-simulator';

const HOUR = 3_600_000;
let ai: OpenAiTestServer;
let meta: MetaSimulator;

beforeAll(async () => {
	ai = await startOpenAiServer({ apiKey: 'sk-trigger' });
	meta = await startMetaSimulator({ webhook: { statuses: false } });
});
afterAll(async () => {
	await ai.close();
	await meta.close();
});
beforeEach(() => ai.reset());

/** Stands in for a trigger's `this`: its credential and a request helper with n8n's full-response shape. */
function host(credential: Record<string, string> = { apiKey: 'sk-trigger', baseUrl: ai.url }): AiCredentialHost {
	return {
		getCredentials: async () => credential,
		helpers: {
			httpRequest: (options: IHttpRequestOptions) =>
				new Promise<IN8nHttpFullResponse>((resolve, reject) => {
					const outgoing = httpRequest(options.url, { method: options.method, headers: options.headers as Record<string, string> }, (response) => {
						const chunks: Buffer[] = [];
						response.on('data', (chunk: Buffer) => chunks.push(chunk));
						response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
					});
					outgoing.on('error', reject);
					outgoing.end(options.body as Buffer | undefined);
				}),
		},
	};
}

describe('trigger AI helpers', () => {
	it('reads the Variables to Extract rows, skipping unnamed ones', () => {
		expect(
			readVariableDefinitions({
				variable: [
					{ name: ' email ', type: 'string', description: 'Email' },
					{ name: '', type: 'number' },
					{ name: 'count', type: 'weird', description: 'How many' },
				],
			}),
		).toEqual([
			{ name: 'email', type: 'string', description: 'Email' },
			{ name: 'count', type: 'string', description: 'How many' },
		]);
		expect(readVariableDefinitions(undefined)).toEqual([]);
	});

	it('transcribes a voice note for Message Received', async () => {
		const client = new CloudApiClient({ ...meta.clientConfig(), throttleRegistry: new ThrottleRegistry() });
		meta.addMedia(Buffer.from('OggS'), 'audio/ogg; codecs=opus', { id: 'voice-t' });
		ai.setTranscription('See you tomorrow');
		expect(await transcribeForTrigger(host(), client, { id: 'voice-t', mimeType: 'audio/ogg' })).toEqual({ text: 'See you tomorrow', model: 'whisper-1', error: null });

		const refused = await transcribeForTrigger(host({ apiKey: 'wrong', baseUrl: ai.url }), client, { id: 'voice-t' });
		expect(refused).toMatchObject({ text: null, error: { code: 'AI_AUTH_FAILED' } });
	});

	it('extracts variables once for Conversation Ended and stores them', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'wa-trigger-ai-'));
		const store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		try {
			const at = Date.now() - 2 * HOUR;
			await store.ingest(webhookOf({ messages: [inbound({ text: 'Order 4711 please', timestamp: at })] }), { now: at, inactivityTimeoutMs: HOUR });
			const [ended] = await store.sweepIdleConversations({ now: Date.now(), inactivityTimeoutMs: HOUR, phoneNumberId: BUSINESS.phoneNumberId });
			ai.replyWith(JSON.stringify({ variables: { order: 4711 }, summary: 'Asked about order 4711.' }));
			const settings = { definitions: [{ name: 'order', type: 'number' as const, description: 'Order number' }], model: 'gpt-4o-mini' };
			const first = await extractForTrigger(host(), store, ended.id, settings);
			expect(first).toMatchObject({ variables: { order: 4711 }, summary: 'Asked about order 4711.', error: null, alreadyExtracted: false });
			const second = await extractForTrigger(host(), store, ended.id, settings);
			expect(second).toMatchObject({ variables: { order: 4711 }, summary: 'Asked about order 4711.', alreadyExtracted: true });
			expect(ai.chatRequests()).toHaveLength(1);

			const broken = await extractForTrigger(host({ baseUrl: 'not a url' }), store, 'other', settings);
			expect(broken.error?.code).toBe('AI_CONFIG_INVALID');
		} finally {
			await store.close();
			rmSync(folder, { recursive: true, force: true });
		}
	});
});
