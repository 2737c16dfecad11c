import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { WebhookError } from '../../../core/errors';
import { ingestWebhookRequest, type WebhookIngressOptions } from '../../../core/ingress';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { signPayload } from '../../../core/webhook/signature';

const SAMPLES = resolve(__dirname, '../../fixtures/meta-samples');
const APP_SECRET = 'test-app-secret-3f9a';
const NOW = Date.UTC(2025, 5, 9, 12, 0, 0);

function sample(name: string): Buffer {
	return readFileSync(join(SAMPLES, name));
}

describe('ingesting signed Meta webhooks into the embedded store', () => {
	let folder: string;
	let store: SqliteConversationStore;
	let options: WebhookIngressOptions;

	beforeEach(async () => {
		folder = mkdtempSync(join(tmpdir(), 'wa-ingress-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		options = { store, appSecret: APP_SECRET, inactivityTimeoutMs: 30 * 60_000, clock: () => NOW };
		await store.subscribe('all', 'beginning');
	});

	afterEach(async () => {
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	const webhookSamples = readdirSync(SAMPLES).filter((name) => name.endsWith('.json'));

	it.each(webhookSamples)('stores %s once, however often Meta delivers it', async (name) => {
		const body = sample(name);
		const first = await ingestWebhookRequest({ rawBody: body, signature: signPayload(body, APP_SECRET) }, options);
		const again = await ingestWebhookRequest({ rawBody: body, signature: signPayload(body, APP_SECRET) }, options);
		const payload = JSON.parse(body.toString()) as { entry: Array<{ changes: Array<{ value: { messages?: unknown[]; statuses?: unknown[] } }> }> };
		const messages = payload.entry.flatMap((entry) => entry.changes.flatMap((change) => change.value.messages ?? [])).length;
		const statuses = payload.entry.flatMap((entry) => entry.changes.flatMap((change) => change.value.statuses ?? [])).length;

		expect(first).toMatchObject({ messagesStored: messages, statusesApplied: statuses });
		expect(again).toMatchObject({ messagesStored: 0, duplicateMessages: messages, statusesApplied: 0, duplicateStatuses: statuses });
		const events = (await store.readEvents('all', { limit: 100 })).events;
		expect(events.filter((event) => event.type === 'message.received')).toHaveLength(messages);
		expect(events.filter((event) => event.type === 'message.status')).toHaveLength(statuses);
	});

	it('reports system-level errors without storing anything', async () => {
		const summary = await ingestWebhookRequest(
			{ rawBody: sample('meta_docs_errors_system_level.json'), signature: signPayload(sample('meta_docs_errors_system_level.json'), APP_SECRET) },
			options,
		);
		expect(summary.systemErrors.length).toBeGreaterThan(0);
		expect(summary.systemErrors[0].errors[0].code).toEqual(expect.any(Number));
	});

	it('links a delivery status to the message this package sent', async () => {
		await store.recordOutbound(
			{
				businessAccountId: '102290129340398',
				phoneNumberId: '106540352242922',
				wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
				customerId: '16505551234',
				type: 'text',
				text: 'Hi',
				payload: {},
				timestamp: NOW - 1000,
			},
			{ now: NOW - 1000, inactivityTimeoutMs: 30 * 60_000 },
		);
		const body = sample('meta_docs_status_failed.json');
		await ingestWebhookRequest({ rawBody: body, signature: signPayload(body, APP_SECRET) }, options);
		const [conversation] = await store.listConversations({});
		const [message] = await store.getTranscript(conversation.id);
		expect(message).toMatchObject({ status: 'failed', error: { code: 131049 } });
	});

	it.each([
		['a missing signature', undefined, 'SIGNATURE_MISSING'],
		['a signature made with another secret', signPayload(sample('meta_docs_text.json'), 'other-secret'), 'SIGNATURE_INVALID'],
		['a signature over other bytes', signPayload(Buffer.from('{}'), APP_SECRET), 'SIGNATURE_INVALID'],
	])('refuses %s and writes nothing', async (_label, signature, code) => {
		const attempt = ingestWebhookRequest({ rawBody: sample('meta_docs_text.json'), signature }, options);
		await expect(attempt).rejects.toBeInstanceOf(WebhookError);
		await expect(attempt).rejects.toMatchObject({ code, httpStatus: 401 });
		expect(await store.listConversations({})).toEqual([]);
	});

	it('refuses a malformed body with 400 and writes nothing', async () => {
		const body = Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"from":"1"}]}}]}]}');
		const attempt = ingestWebhookRequest({ rawBody: body, signature: signPayload(body, APP_SECRET) }, options);
		await expect(attempt).rejects.toMatchObject({ code: 'PAYLOAD_INVALID', httpStatus: 400 });
		expect(await store.listConversations({})).toEqual([]);
	});

	it.each([
		['an empty app secret', { appSecret: '' }],
		['no app secret', { appSecret: null }],
		['allowUnsigned given as an empty string', { appSecret: '', allowUnsigned: '' as unknown as boolean }],
	])('refuses every delivery, signed or not, with AUTH_NOT_CONFIGURED given %s', async (_label, auth) => {
		const body = sample('meta_docs_text.json');
		for (const signature of [undefined, signPayload(body, APP_SECRET), signPayload(body, '')]) {
			const attempt = ingestWebhookRequest({ rawBody: body, signature }, { ...options, ...auth });
			await expect(attempt).rejects.toMatchObject({ code: 'AUTH_NOT_CONFIGURED', httpStatus: 500 });
		}
		expect(await store.listConversations({})).toEqual([]);
	});

	it('marks what a signed delivery logs authenticated: true', async () => {
		const body = sample('meta_docs_text.json');
		const summary = await ingestWebhookRequest({ rawBody: body, signature: signPayload(body, APP_SECRET) }, options);
		expect(summary.authenticated).toBe(true);
		const events = (await store.readEvents('all', { limit: 100 })).events;
		expect(events.map((event) => [event.type, (event.payload as { authenticated?: boolean }).authenticated])).toEqual([
			['conversation.started', true],
			['message.received', true],
		]);
	});

	it('accepts unsigned deliveries only with allowUnsigned: true, and marks their events authenticated: false', async () => {
		const unsigned = { ...options, appSecret: null, allowUnsigned: true };
		const text = sample('meta_docs_text.json');
		const status = sample('meta_docs_status_sent.json');
		expect(await ingestWebhookRequest({ rawBody: text, signature: undefined }, unsigned)).toMatchObject({ messagesStored: 1, authenticated: false });
		expect(await ingestWebhookRequest({ rawBody: status, signature: undefined }, unsigned)).toMatchObject({ statusesApplied: 1, authenticated: false });
		const events = (await store.readEvents('all', { limit: 100 })).events;
		expect(events.map((event) => [event.type, (event.payload as { authenticated?: boolean }).authenticated])).toEqual([
			['conversation.started', false],
			['message.received', false],
			['message.status', false],
		]);
	});

	it('accepts a delivery carrying the header secret, and refuses a wrong one', async () => {
		const headerSecret = { name: 'X-Webhook-Secret', value: 'hdr-9c2f71e0' };
		const body = sample('meta_docs_text.json');
		const refused = ingestWebhookRequest({ rawBody: body, signature: undefined, headers: { 'x-webhook-secret': 'hdr-9c2f71e1' } }, { ...options, appSecret: null, headerSecret });
		await expect(refused).rejects.toMatchObject({ code: 'HEADER_SECRET_INVALID', httpStatus: 401 });
		expect(await store.listConversations({})).toEqual([]);
		const summary = await ingestWebhookRequest({ rawBody: body, signature: undefined, headers: { 'x-webhook-secret': headerSecret.value } }, { ...options, appSecret: null, headerSecret });
		expect(summary).toMatchObject({ messagesStored: 1, authenticated: true });
	});
});
