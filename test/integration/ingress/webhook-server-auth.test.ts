// The plain Node endpoint (createWebhookHandler / startWebhookServer) under the same rule as
// ingestWebhookRequest: it is not even built without a way to authenticate deliveries, and over real
// HTTP it stores only deliveries carrying the configured proof.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { WebhookError } from '../../../core/errors';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { signPayload } from '../../../core/webhook/signature';
import { createWebhookHandler, startWebhookServer } from '../../../core/webhook-server';

const body = readFileSync(resolve(__dirname, '../../fixtures/meta-samples/meta_docs_text.json'));
const HEADER = { name: 'X-360-Webhook-Secret', value: 'hdr-secret-4e0a9d' };

/** Raw HTTP, so a header can be sent twice (fetch would merge it). */
function post(url: string, headers: Record<string, string | string[]>): Promise<{ status: number; text: string }> {
	return new Promise((done, fail) => {
		const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => done({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
		});
		request.on('error', fail);
		request.end(body);
	});
}

describe('createWebhookHandler refuses to be built without authentication', () => {
	let folder: string;
	let store: SqliteConversationStore;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-handler-auth-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
	});

	afterEach(async () => {
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	it.each([
		['no secret', {}],
		['an empty app secret', { appSecret: '' }],
		['allowUnsigned as a string', { appSecret: '', allowUnsigned: 'yes' as unknown as boolean }],
	])('throws AUTH_NOT_CONFIGURED given %s', async (_label, auth) => {
		const options = { store, verifyToken: 'vt', inactivityTimeoutMs: 3_600_000, ...auth };
		expect(() => createWebhookHandler(options)).toThrow(WebhookError);
		expect(() => createWebhookHandler(options)).toThrow(expect.objectContaining({ code: 'AUTH_NOT_CONFIGURED' }));
		await expect(startWebhookServer(options)).rejects.toMatchObject({ code: 'AUTH_NOT_CONFIGURED' });
	});

	it('is built with allowUnsigned: true and stores unsigned deliveries as unauthenticated', async () => {
		const server = await startWebhookServer({ store, verifyToken: 'vt', inactivityTimeoutMs: 3_600_000, allowUnsigned: true });
		try {
			await store.subscribe('audit', 'now');
			expect((await post(server.url, {})).status).toBe(200);
			const { events } = await store.readEvents('audit', { limit: 10 });
			expect(events.find((event) => event.type === 'message.received')?.payload).toMatchObject({ authenticated: false });
		} finally {
			await server.close();
		}
	});
});

describe('a header secret over HTTP', () => {
	let folder: string;
	let store: SqliteConversationStore;
	let server: Awaited<ReturnType<typeof startWebhookServer>>;

	beforeAll(async () => {
		folder = mkdtempSync(join(tmpdir(), 'wa-handler-header-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		server = await startWebhookServer({ store, headerSecret: HEADER, verifyToken: 'vt', inactivityTimeoutMs: 3_600_000 });
	});

	afterAll(async () => {
		await server.close();
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	it.each<[string, Record<string, string | string[]>, string]>([
		['missing', {}, 'no X-360-Webhook-Secret header'],
		['wrong', { [HEADER.name]: 'hdr-secret-4e0a9e' }, 'does not carry'],
		['sent twice', { [HEADER.name]: [HEADER.value, HEADER.value] }, 'does not carry'],
		['replaced by a Meta signature', { 'x-hub-signature-256': signPayload(body, HEADER.value) }, 'no X-360-Webhook-Secret header'],
	])('answers 401 when the header is %s, and stores nothing', async (_label, headers, message) => {
		const answer = await post(server.url, headers);
		expect(answer.status).toBe(401);
		expect(answer.text).toContain(message);
		expect(answer.text).not.toContain(HEADER.value);
		expect(await store.listConversations({})).toEqual([]);
	});

	it('answers 200 and stores the delivery when the header carries the secret', async () => {
		expect(await post(server.url, { [HEADER.name.toLowerCase()]: HEADER.value })).toEqual({ status: 200, text: 'OK' });
		expect(await store.listConversations({})).toHaveLength(1);
	});
});
