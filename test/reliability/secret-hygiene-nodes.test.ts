/**
 * Secret hygiene in the nodes, run through n8n's own engine with the secret-bearing credential:
 * Send Message and Send Template failing on Meta's 190 (revoked token, or Meta refusing a good one),
 * with and without "Continue On Fail"; the Message Received trigger's endpoint refusing bad
 * signatures and a wrong verify token, and emitting a good delivery; the credential test failing. No
 * output item, execution error, HTTP answer, n8n log entry or console/process output may contain a
 * secret. (The core's own flows: secret-hygiene-core.test.ts.)
 */
import type { ICredentialTestFunctions, IDataObject, INodeParameters } from 'n8n-workflow';

import { signPayload } from '../../core/webhook/signature';
import { whatsAppConversationsApiTest } from '../../nodes/shared/methods/credential-test';
import { WhatsAppMessageReceivedTrigger } from '../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppSendTemplate } from '../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { createTriggerHarness } from '../nodes/support/trigger-runner';
import { credentialTypes, useWhatsAppFixture, whatsAppCredentialRef } from '../nodes/support/whatsapp-fixture';
import { runWorkflow, type WorkflowNode } from '../nodes/support/workflow-runner';
import { delivery } from './support/deliveries';
import { captureOutput, leaks, SECRETS } from './support/secrets';

const CUSTOMER = '+16505551234';
const nodeTypes = { whatsAppSendMessage: new WhatsAppSendMessage(), whatsAppSendTemplate: new WhatsAppSendTemplate() };
const wa = useWhatsAppFixture({ accessToken: SECRETS.accessToken, webhook: { statuses: false } });

function credentials(overrides: IDataObject = {}) {
	return wa.credentials({ accessToken: SECRETS.accessToken, appSecret: SECRETS.appSecret, verifyToken: SECRETS.verifyToken, ...overrides });
}

function node(type: keyof typeof nodeTypes, parameters: INodeParameters, continueOnFail: boolean): WorkflowNode {
	return { name: 'Node', type, parameters: { to: CUSTOMER, ...parameters }, credentials: whatsAppCredentialRef, continueOnFail };
}

async function run(workflowNode: WorkflowNode, credentialOverrides: IDataObject = {}) {
	const result = await runWorkflow({ nodeTypes, credentialTypes, credentials: credentials(credentialOverrides), workflow: { nodes: [workflowNode], connections: {} } });
	// The whole run as n8n would store it, plus what the node logged.
	return { run: result.run, error: result.error, logs: result.logs };
}

const textNode = (continueOnFail: boolean) => node('whatsAppSendMessage', { text: 'Hello' }, continueOnFail);
const templateNode = (continueOnFail: boolean) =>
	node('whatsAppSendTemplate', { template: { __rl: true, mode: 'list', value: 'hello_world|en_US' }, variables: { mappingMode: 'defineBelow', value: null, matchingColumns: [], schema: [] } }, continueOnFail);

describe('no secret in anything the nodes produce', () => {
	let output: ReturnType<typeof captureOutput>;
	const produced: unknown[] = [];

	beforeAll(() => {
		output = captureOutput();
	});
	afterAll(() => output.restore());

	beforeEach(async () => {
		// The customer wrote a minute ago, so a free-form reply is allowed and reaches Meta.
		const now = Date.now();
		await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: CUSTOMER.slice(1), timestamp: now - 60_000 })] }), { now, inactivityTimeoutMs: 3_600_000 });
		wa.simulator.openWindow(CUSTOMER.slice(1));
	});

	it("Send Message and Send Template on Meta's 190, failing and continuing", async () => {
		const runs = [];
		for (const continueOnFail of [false, true]) {
			runs.push(await run(textNode(continueOnFail), { accessToken: SECRETS.wrongAccessToken }));
			runs.push(await run(templateNode(continueOnFail), { accessToken: SECRETS.wrongAccessToken }));
			wa.simulator.failNext(1, { code: 190, match: (request) => request.method === 'POST' && request.path.endsWith('/messages') });
			runs.push(await run(textNode(continueOnFail)));
		}
		produced.push(runs);
		// Each run failed on Meta's 190 (the error, or the item that replaced it, says so).
		expect(runs.filter((result) => JSON.stringify(result.run.data.resultData).includes('190'))).toHaveLength(runs.length);
		expect(leaks(produced)).toEqual([]);
	});

	it("the trigger's endpoint: bad signatures and verify token refused, a good delivery emitted", async () => {
		const trigger = await createTriggerHarness({ nodeType: new WhatsAppMessageReceivedTrigger(), node: { webhookId: 'hook-secrets' }, credentials: credentials(), credentialTypes });
		const active = await trigger.activate();
		const good = delivery([{ wamid: 'wamid.node-secrets-1', from: CUSTOMER.slice(1), text: 'hi' }], SECRETS.appSecret);
		const tampered = Buffer.from(good.rawBody.toString().replace('"hi"', '"ho"'));
		const calls = [
			await trigger.webhook({ body: tampered, headers: { 'content-type': 'application/json', 'x-hub-signature-256': good.signature } }),
			await trigger.webhook({ body: good.rawBody, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(good.rawBody, 'not-the-secret') } }),
			await trigger.webhook({ body: good.rawBody, headers: { 'content-type': 'application/json' } }),
			await trigger.webhook({ method: 'GET', webhookName: 'setup', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '42' } }),
			await trigger.webhook({ body: good.rawBody, headers: { 'content-type': 'application/json', 'x-hub-signature-256': good.signature } }),
		];
		const emitted = await active.nextEmit(5_000);
		await active.close();
		expect(calls.map((call) => call.response.statusCode)).toEqual([401, 401, 401, 403, 200]);
		produced.push(calls.map((call) => ({ body: call.response.bodyText, headers: call.response.headers, data: call.workflowData })), emitted, trigger.logs);
		expect(leaks(produced, [signPayload(tampered, SECRETS.appSecret).slice('sha256='.length)])).toEqual([]);
	});

	it('the credential test with a revoked token', async () => {
		const data = credentials({ accessToken: SECRETS.wrongAccessToken }).whatsAppConversationsApi;
		const result = await whatsAppConversationsApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'WhatsApp', type: 'whatsAppConversationsApi', data });
		expect(result.status).toBe('Error');
		produced.push(result);
		expect(leaks(produced)).toEqual([]);
	});

	it('wrote no secret to the console or the process output', () => {
		expect(leaks(output.lines)).toEqual([]);
	});
});
