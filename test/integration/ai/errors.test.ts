// Model server failures become AiErrors with stable codes and no API key, and only the retryable
// ones (rate limit, 5xx, connection) are tried again, honouring Retry-After.
import { createServer } from 'node:net';

import { completeChat } from '../../../core/ai/chat';
import { AiConnection } from '../../../core/ai/client';
import { AiError } from '../../../core/ai/errors';
import { startOpenAiServer, type FaultKind, type OpenAiTestServer } from '../../ai-server/openai-server';

const API_KEY = 'sk-test-0123456789abcdefXYZW';
let server: OpenAiTestServer;
let sleeps: number[];

beforeAll(async () => {
	server = await startOpenAiServer();
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => {
	server.reset();
	sleeps = [];
});

function connection(baseUrl = server.url) {
	return new AiConnection({
		baseUrl,
		apiKey: API_KEY,
		retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 5000, random: () => 0, sleep: async (ms) => void sleeps.push(ms) },
	});
}

const ask = (baseUrl?: string) => completeChat(connection(baseUrl), { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });

async function failure(promise: Promise<unknown>): Promise<AiError> {
	const error = await promise.then(
		() => null,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(AiError);
	return error as AiError;
}

describe('model errors', () => {
	it.each<[FaultKind, string, number | null]>([
		['unauthorized', 'AI_AUTH_FAILED', 401],
		['insufficient_quota', 'AI_QUOTA_EXCEEDED', 429],
		['context_length', 'AI_CONTEXT_TOO_LONG', 400],
		['bad_request', 'AI_BAD_REQUEST', 400],
		['model_not_found', 'AI_MODEL_NOT_FOUND', 404],
	])('%s becomes %s at once, without a retry', async (kind, code, status) => {
		server.failNext(1, kind);
		const error = await failure(ask());
		expect(error).toMatchObject({ code, httpStatus: status, retryable: false });
		expect(error.hint).not.toBe('');
		expect(server.chatRequests()).toHaveLength(1);
		expect(sleeps).toEqual([]);
	});

	it('never puts the API key, or anything shaped like one, in the message', async () => {
		server.failNext(1, { kind: 'unauthorized', message: `Incorrect API key provided: ${API_KEY}. Also sk-proj-abcdefgh1234.` });
		const error = await failure(ask());
		expect(error.message).not.toContain(API_KEY);
		expect(error.message).not.toContain('sk-proj-abcdefgh1234');
		expect(error.message).toContain('[redacted]');
		expect(JSON.stringify({ message: error.message, hint: error.hint })).not.toContain('0123456789abcdef');
	});

	it('retries a rate limit after the Retry-After the server asked for, then succeeds', async () => {
		server.failNext(1, { kind: 'rate_limited', retryAfter: '2' });
		const result = await ask();
		expect(result.text).toBe('Echo: Hi');
		expect(server.chatRequests()).toHaveLength(2);
		expect(sleeps).toEqual([2000]);
	});

	it('gives up at once when the server asks to wait longer than the longest delay', async () => {
		server.failNext(1, { kind: 'rate_limited', retryAfter: '600' });
		const error = await failure(ask());
		expect(error).toMatchObject({ code: 'AI_RATE_LIMITED', retryable: true, retryAfterMs: 600_000 });
		expect(server.chatRequests()).toHaveLength(1);
	});

	it('retries server errors with growing back-off, at most maxRetries times', async () => {
		server.failNext(3, 'server_error');
		const error = await failure(ask());
		expect(error).toMatchObject({ code: 'AI_UNAVAILABLE', httpStatus: 500, retryable: true });
		expect(server.chatRequests()).toHaveLength(3);
		expect(sleeps).toEqual([75, 150]);

		server.failNext(1, 'server_error');
		expect((await ask()).text).toBe('Echo: Hi');
	});

	it('retries a refused connection and then names the host', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as { port: number }).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const error = await failure(ask(`http://127.0.0.1:${port}/v1`));
		expect(error.code).toBe('AI_UNAVAILABLE');
		expect(error.message).toContain(`127.0.0.1:${port}`);
		expect(sleeps).toHaveLength(2);
	});

	it('names an answer that is not an OpenAI-compatible completion', async () => {
		server.replyWith({ rawBody: '<html>Welcome to nginx</html>' });
		expect((await failure(ask())).code).toBe('AI_BAD_RESPONSE');
	});

	it('refuses a base URL that is not http(s) before any request', () => {
		expect(() => new AiConnection({ baseUrl: 'ftp://models.example' })).toThrow(expect.objectContaining({ code: 'AI_CONFIG_INVALID' }));
		expect(() => new AiConnection({ baseUrl: 'not a url' })).toThrow(expect.objectContaining({ code: 'AI_CONFIG_INVALID' }));
	});
});
