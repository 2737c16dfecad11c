/**
 * Secret hygiene in the core: flows run with known secret values — the access token (right, revoked,
 * or answered by Meta's 190), the app secret (signature failures of every kind) and the verify token
 * (wrong handshakes) — over the HTTP endpoint and the Cloud API client against the simulator. No
 * result, error (message, hint, hidden fields, causes), HTTP answer or console/process output may
 * contain a secret, nor the signature the app secret would give a tampered body.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CloudApiClient } from '../../core/cloud-api/client';
import { ThrottleRegistry } from '../../core/cloud-api/throttle';
import { ingestWebhookRequest } from '../../core/ingress';
import { sendSessionMessage, sendTemplateMessage, type OutboundContext } from '../../core/outbound';
import { TemplateCatalog } from '../../core/template';
import { SqliteConversationStore } from '../../core/conversation/open';
import { answerVerificationChallenge } from '../../core/webhook/verification';
import { signPayload } from '../../core/webhook/signature';
import { startWebhookServer } from '../../core/webhook-server';
import { startMetaSimulator, type MetaSimulator } from '../../tools/meta-simulator/meta-simulator';
import { delivery } from './support/deliveries';
import { captureOutput, leaks, SECRETS, settle } from './support/secrets';

const CUSTOMER = '16505550123';

describe('no secret in anything the core produces', () => {
	let folder: string;
	let store: SqliteConversationStore;
	let simulator: MetaSimulator;
	const produced: unknown[] = [];
	const derivedSecrets: string[] = [];
	let output: ReturnType<typeof captureOutput>;

	beforeAll(async () => {
		output = captureOutput();
		folder = mkdtempSync(join(tmpdir(), 'wa-secrets-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		simulator = await startMetaSimulator({ accessToken: SECRETS.accessToken, webhook: { statuses: false } });
	});

	afterAll(async () => {
		output.restore();
		await simulator.close();
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	function client(accessToken: string): CloudApiClient {
		return new CloudApiClient({ ...simulator.clientConfig(), accessToken, retry: { maxAttempts: 2, baseDelayMs: 1 }, throttleRegistry: new ThrottleRegistry() });
	}

	function context(accessToken: string): OutboundContext {
		const api = client(accessToken);
		return { store, client: api, phoneNumberId: simulator.phoneNumberId, businessAccountId: simulator.businessAccountId, tier: 'TIER_250', inactivityTimeoutMs: 3_600_000, templates: new TemplateCatalog(api) };
	}

	it('has a checker that would see a secret in a hidden field, a cause, a header list or a buffer', () => {
		const hidden = new Error('failed');
		Object.defineProperty(hidden, 'request', { value: { headers: { authorization: `Bearer ${SECRETS.accessToken}` } }, enumerable: false });
		const caused = new Error('outer', { cause: new Error(`bad secret ${SECRETS.appSecret}`) });
		for (const value of [hidden, caused, [['x-token', encodeURIComponent(SECRETS.verifyToken)]], Buffer.from(`token=${SECRETS.wrongAccessToken}`)]) {
			expect(leaks([value]).length).toBeGreaterThan(0);
		}
	});

	it('webhook refusals over HTTP: tampered body, wrong secret, missing or malformed header; wrong or empty verify token', async () => {
		const server = await startWebhookServer({ store, appSecret: SECRETS.appSecret, verifyToken: SECRETS.verifyToken, inactivityTimeoutMs: 3_600_000, onRejected: (error) => produced.push(error), onIngested: (summary) => produced.push(summary) });
		const good = delivery([{ wamid: 'wamid.secrets-1', from: CUSTOMER, text: 'hello' }], SECRETS.appSecret);
		const tampered = Buffer.from(good.rawBody.toString().replace('hello', 'hullo'));
		// The signature the secret gives the tampered body must not be disclosed either.
		derivedSecrets.push(signPayload(tampered, SECRETS.appSecret).slice('sha256='.length));
		const attempts: Array<[Buffer, Record<string, string>]> = [
			[good.rawBody, { 'x-hub-signature-256': good.signature }],
			[tampered, { 'x-hub-signature-256': good.signature }],
			[good.rawBody, { 'x-hub-signature-256': signPayload(good.rawBody, 'another-secret') }],
			[good.rawBody, {}],
			[good.rawBody, { 'x-hub-signature-256': 'sha256=not-hex' }],
			[Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{}}]}]}'), { 'x-hub-signature-256': signPayload('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{}}]}]}', SECRETS.appSecret) }],
		];
		const statuses: number[] = [];
		for (const [body, headers] of attempts) {
			const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
			statuses.push(response.status);
			produced.push(await response.text(), [...response.headers.entries()]);
		}
		for (const token of [SECRETS.verifyToken, 'wrong-token', '']) {
			const response = await fetch(`${server.url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=8675309`);
			statuses.push(response.status);
			produced.push(await response.text());
		}
		await server.close();
		expect(statuses).toEqual([200, 401, 401, 401, 401, 400, 200, 403, 400]);
		expect(leaks(produced, derivedSecrets)).toEqual([]);
	});

	it('webhook refusals through the functions: ingest and handshake', async () => {
		const good = delivery([{ wamid: 'wamid.secrets-2', from: CUSTOMER, text: 'hi' }], SECRETS.appSecret);
		const options = { store, appSecret: SECRETS.appSecret, inactivityTimeoutMs: 3_600_000 };
		produced.push(
			await settle(() => ingestWebhookRequest({ rawBody: good.rawBody, signature: good.signature }, options)),
			await settle(() => ingestWebhookRequest({ rawBody: good.rawBody, signature: [good.signature, good.signature] }, options)),
			await settle(() => ingestWebhookRequest({ rawBody: good.rawBody, signature: signPayload(good.rawBody, SECRETS.verifyToken) }, options)),
			await settle(() => ingestWebhookRequest({ rawBody: good.rawBody, signature: good.signature }, { ...options, appSecret: '' })),
			await settle(async () => answerVerificationChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': SECRETS.appSecret, 'hub.challenge': '1' }, SECRETS.verifyToken)),
			await settle(async () => answerVerificationChallenge({ 'hub.mode': 'unsubscribe', 'hub.verify_token': SECRETS.verifyToken, 'hub.challenge': '1' }, SECRETS.verifyToken)),
		);
		expect(leaks(produced, derivedSecrets)).toEqual([]);
	});

	it("Cloud API failures: Meta's 190 for a revoked token and for a good one, transport errors", async () => {
		produced.push(
			await settle(() => client(SECRETS.wrongAccessToken).sendText({ to: `+${CUSTOMER}`, body: 'hi' })),
			await settle(() => client(SECRETS.wrongAccessToken).testConnection()),
			await settle(() => client(SECRETS.wrongAccessToken).listAllTemplates()),
			await settle(() => sendTemplateMessage(context(SECRETS.wrongAccessToken), { to: `+${CUSTOMER}`, name: 'hello_world', languageCode: 'en_US' })),
		);
		simulator.failNext(3, { code: 190 });
		produced.push(
			await settle(() => client(SECRETS.accessToken).sendText({ to: `+${CUSTOMER}`, body: 'hi' })),
			await settle(() => client(SECRETS.accessToken).getMedia('1234567890')),
			await settle(() => client(SECRETS.accessToken).downloadMedia('1234567890')),
		);
		const unreachable = new CloudApiClient({ ...simulator.clientConfig(), baseUrl: 'http://127.0.0.1:9', accessToken: SECRETS.accessToken, retry: { maxAttempts: 1 }, throttleRegistry: new ThrottleRegistry() });
		produced.push(await settle(() => unreachable.sendText({ to: `+${CUSTOMER}`, body: 'hi' })));
		const codes = produced.flatMap((value) => (value instanceof Error && 'code' in value ? [String(value.code)] : []));
		expect(codes.filter((code) => code === 'META_190').length).toBeGreaterThanOrEqual(5);
		expect(codes.length).toBeGreaterThanOrEqual(8);
		expect(leaks(produced)).toEqual([]);
	});

	it('successful flows: a delivery stored and its events, a reply inside the window, a template', async () => {
		const inbound = delivery([{ wamid: 'wamid.secrets-3', from: CUSTOMER, text: 'need help' }], SECRETS.appSecret);
		simulator.openWindow(CUSTOMER);
		produced.push(
			await ingestWebhookRequest({ rawBody: inbound.rawBody, signature: inbound.signature }, { store, appSecret: SECRETS.appSecret, inactivityTimeoutMs: 3_600_000 }),
			await sendSessionMessage(context(SECRETS.accessToken), { kind: 'text', to: `+${CUSTOMER}`, body: 'on it' }),
			await sendTemplateMessage(context(SECRETS.accessToken), { to: '+16505550999', name: 'hello_world', languageCode: 'en_US' }),
		);
		await store.subscribe('secrets', 'beginning');
		produced.push(await store.readEvents('secrets', { limit: 1000 }), await store.listConversations({}));
		expect(leaks(produced)).toEqual([]);
	});

	it('wrote no secret to the console or the process output', () => {
		expect(leaks(output.lines, derivedSecrets)).toEqual([]);
	});
});
