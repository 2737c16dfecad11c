// The exact requests the openai SDK sends through AiConnection to a real local OpenAI-compatible server.
import { request as httpRequest } from 'node:http';

import { completeChat } from '../../../core/ai/chat';
import { AiConnection } from '../../../core/ai/client';
import { fetchOverRequester, type RawHttpRequester } from '../../../core/ai/fetch';
import { transcribeAudio } from '../../../core/ai/transcribe';
import { startOpenAiServer, type OpenAiTestServer } from '../../ai-server/openai-server';

const API_KEY = 'sk-test-0123456789abcdef';
let server: OpenAiTestServer;

beforeAll(async () => {
	server = await startOpenAiServer();
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => server.reset());

const connection = (overrides: ConstructorParameters<typeof AiConnection>[0] = {}) =>
	new AiConnection({ baseUrl: server.url, apiKey: API_KEY, retry: { sleep: async () => undefined }, ...overrides });

describe('chat completions through the SDK', () => {
	it('sends the model, messages and sampling options, and reads the answer and usage', async () => {
		const result = await completeChat(connection({ organization: 'org-lucky' }), {
			model: 'gpt-4o-mini',
			messages: [
				{ role: 'system', content: 'Be brief.' },
				{ role: 'user', content: 'Hi' },
			],
			temperature: 0.3,
			topP: 0.9,
			maxTokens: 200,
		});
		expect(server.lastChatRequest()).toEqual({
			model: 'gpt-4o-mini',
			messages: [
				{ role: 'system', content: 'Be brief.' },
				{ role: 'user', content: 'Hi' },
			],
			temperature: 0.3,
			top_p: 0.9,
			max_tokens: 200,
		});
		const [request] = server.requests;
		expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(request.headers['openai-organization']).toBe('org-lucky');
		expect(result).toEqual({
			text: 'Echo: Hi',
			model: 'gpt-4o-mini-2025-01-01',
			finishReason: 'stop',
			usage: { promptTokens: expect.any(Number), completionTokens: 2, totalTokens: expect.any(Number) },
		});
		expect(result.usage.totalTokens).toBe(result.usage.promptTokens + 2);
	});

	it('sends images as image_url parts with a data URL', async () => {
		const url = `data:image/png;base64,${Buffer.from('png-bytes').toString('base64')}`;
		const result = await completeChat(connection(), {
			model: 'gpt-4o',
			messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url, detail: 'low' } }] }],
		});
		expect(server.lastChatRequest().messages[0].content).toEqual([
			{ type: 'text', text: 'What is this?' },
			{ type: 'image_url', image_url: { url, detail: 'low' } },
		]);
		expect(result.text).toBe('Echo: What is this? [saw 1 image(s): image/png]');
	});

	it('sends no Authorization header when the credential has no key (local servers)', async () => {
		await completeChat(connection({ apiKey: '' }), { model: 'llama3', messages: [{ role: 'user', content: 'Hi' }] });
		expect(server.requests[0].headers.authorization).toBeUndefined();
	});

	it('asks for JSON and never reads OPENAI_* environment variables', async () => {
		const saved = { ...process.env };
		process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1';
		process.env.OPENAI_ORG_ID = 'org-from-env';
		try {
			await completeChat(connection(), { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], jsonObject: true });
		} finally {
			process.env = saved;
		}
		expect(server.lastChatRequest().response_format).toEqual({ type: 'json_object' });
		expect(server.requests[0].headers['openai-organization']).toBeUndefined();
	});

	it('asks again with max_completion_tokens when the model refuses max_tokens', async () => {
		const strict = await startOpenAiServer({ rejectMaxTokens: true });
		try {
			const result = await completeChat(new AiConnection({ baseUrl: strict.url, apiKey: API_KEY }), {
				model: 'o4-mini',
				messages: [{ role: 'user', content: 'Hi' }],
				maxTokens: 50,
			});
			expect(result.text).toBe('Echo: Hi');
			const bodies = strict.chatRequests();
			expect(bodies).toHaveLength(2);
			expect(bodies[0].max_tokens).toBe(50);
			expect(bodies[1]).toMatchObject({ max_completion_tokens: 50 });
			expect(bodies[1].max_tokens).toBeUndefined();
		} finally {
			await strict.close();
		}
	});

	it('uses the refusal when there is no content, and names an empty answer', async () => {
		server.replyWith({ content: null, refusal: 'I cannot help with that.' }, { content: '   ' });
		const refused = await completeChat(connection(), { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
		expect(refused.text).toBe('I cannot help with that.');
		await expect(completeChat(connection(), { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ code: 'AI_EMPTY_REPLY' });
	});
});

describe('transcriptions through the SDK', () => {
	it('uploads the audio as multipart with a file name that matches its type', async () => {
		server.setTranscription('Is the navy planter in stock?');
		const audio = Buffer.from('OggS fake opus bytes');
		const result = await transcribeAudio(connection(), { audio, mimeType: 'audio/ogg; codecs=opus', language: 'en' });
		expect(result).toEqual({ text: 'Is the navy planter in stock?', model: 'whisper-1' });
		const [upload] = server.transcriptionRequests();
		const fields = Object.fromEntries((upload.form ?? []).map((part) => [part.name, part]));
		expect(fields.file.filename).toBe('voice.ogg');
		expect(fields.file.contentType).toBe('audio/ogg');
		expect(fields.file.data.equals(audio)).toBe(true);
		expect(fields.model.data.toString()).toBe('whisper-1');
		expect(fields.language.data.toString()).toBe('en');
		expect(upload.headers.authorization).toBe(`Bearer ${API_KEY}`);
	});
});

describe('a fetch over another HTTP client (the n8n request helper seam)', () => {
	// A requester over node:http stands in for n8n's helper: bytes in, bytes out.
	const requester: RawHttpRequester = (request) =>
		new Promise((resolve, reject) => {
			const outgoing = httpRequest(request.url, { method: request.method, headers: request.headers }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const headers: Record<string, string> = {};
					for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers[name] = value;
					resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
				});
			});
			outgoing.on('error', reject);
			outgoing.end(request.body);
		});

	it('carries chat completions, multipart uploads and error answers', async () => {
		const viaRequester = connection({ fetch: fetchOverRequester(requester) });
		expect((await completeChat(viaRequester, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Olá 👋' }] })).text).toBe('Echo: Olá 👋');
		expect((await transcribeAudio(viaRequester, { audio: Buffer.from('mp3'), mimeType: 'audio/mpeg' })).text).toBeTruthy();
		expect(server.transcriptionRequests()[0].form?.find((part) => part.name === 'file')?.filename).toBe('voice.mp3');
		server.failNext(1, 'unauthorized');
		await expect(completeChat(viaRequester, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ code: 'AI_AUTH_FAILED' });
	});
});
