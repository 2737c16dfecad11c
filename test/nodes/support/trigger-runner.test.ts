import { createHmac } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { ReadBinaryNode } from './harness-test-nodes';
import {
	BrokenTrigger,
	SignedWebhookTrigger,
	TickTrigger,
	hookCredentialType,
} from './harness-trigger-nodes';
import { createTriggerHarness } from './trigger-runner';
import { chain, runWorkflow } from './workflow-runner';

describe('trigger(): TriggerContext with a captured emit', () => {
	it('emits with parameters, static data, mode, node and workflow, and stops on close', async () => {
		const staticData: IDataObject = {};
		const harness = await createTriggerHarness({
			nodeType: new TickTrigger(),
			node: { name: 'Every tick', parameters: { intervalMs: 5 } },
			staticData,
			workflowId: 'wf-1',
		});
		const active = await harness.activate();
		const first = await active.nextEmit();
		const second = await active.nextEmit();
		await active.close();

		expect(first[0][0].json).toEqual({
			tick: 1,
			label: 'tick-wf-1',
			mode: 'trigger',
			activation: 'activate',
			node: 'Every tick',
			workflowActive: true,
		});
		expect(second[0][0].json.tick).toBe(2);
		const count = active.recorder.emitted.length;
		await new Promise((resolve) => setTimeout(resolve, 30));
		expect(active.recorder.emitted).toHaveLength(count);
		// Static data lives in the caller's object, as n8n persists it between activations.
		expect(staticData).toEqual({ 'node:Every tick': { ticks: count } });
		expect(active.recorder.errors).toEqual([]);
	});

	it('keeps static data across activations of the same harness', async () => {
		const harness = await createTriggerHarness({
			nodeType: new TickTrigger(),
			node: { parameters: { intervalMs: 60_000 } },
		});
		for (let i = 0; i < 2; i++) {
			const active = await harness.activate({ activation: 'init' });
			await active.response?.manualTriggerFunction?.();
			await active.close();
		}
		expect(harness.staticData).toEqual({ 'node:tick': { ticks: 2 } });
	});

	it('records emitError and saveFailedExecution', async () => {
		const harness = await createTriggerHarness({ nodeType: new BrokenTrigger() });
		const active = await harness.activate();
		expect(active.recorder.errors.map((error) => error.message)).toEqual(['connection lost']);
		expect(active.recorder.failedExecutions.map((error) => error.message)).toEqual(['one run failed']);
		await active.close();
	});

	it('fails activation the way n8n reports it', async () => {
		const harness = await createTriggerHarness({
			nodeType: new BrokenTrigger(),
			node: { parameters: { failOnActivation: true } },
		});
		await expect(harness.activate()).rejects.toThrow(
			'There was a problem activating the workflow: "cannot connect"',
		);
	});

	it('runs as the first node of a manual workflow run (manualTriggerFunction)', async () => {
		const result = await runWorkflow({
			nodeTypes: { 'test.tick': new TickTrigger() },
			workflow: {
				nodes: [{ name: 'Tick', type: 'test.tick', parameters: { intervalMs: 60_000 } }],
				connections: {},
			},
		});
		expect(result.status).toBe('success');
		expect(result.itemsOf('Tick')[0].json).toMatchObject({ tick: 1, mode: 'manual' });
	});
});

describe('webhook(): WebhookContext over a raw-body request', () => {
	const credentials = { [hookCredentialType]: { verifyToken: 'vt', appSecret: 'app-secret' } };
	const sign = (body: Buffer) => createHmac('sha256', 'app-secret').update(body).digest('hex');
	const harnessFor = async () =>
		await createTriggerHarness({
			nodeType: new SignedWebhookTrigger(),
			node: { name: 'Inbound', webhookId: 'abc' },
			credentials,
			workflowId: 'wf-2',
		});

	it('answers the GET verification through the response object', async () => {
		const harness = await harnessFor();
		const ok = await harness.webhook({
			webhookName: 'setup',
			query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'vt', 'hub.challenge': '42' },
		});
		expect(ok.request.method).toBe('GET');
		expect(ok.noWebhookResponse).toBe(true);
		expect([ok.response.statusCode, ok.response.bodyText]).toEqual([200, '42']);

		const refused = await harness.webhook({ webhookName: 'setup', query: { 'hub.verify_token': 'x' } });
		expect(refused.response.statusCode).toBe(403);
	});

	it('hands the node the exact raw bytes, the parsed body, headers and its URL', async () => {
		const harness = await harnessFor();
		// Key order and spacing that JSON.stringify would not reproduce: the signature is over bytes.
		const raw = Buffer.from('{"object" : "whatsapp_business_account","n":1}');
		const result = await harness.webhook({
			body: raw,
			headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Signature': sign(raw) },
		});
		expect(result.response.ended).toBe(false);
		expect(result.webhookResponse).toBe('EVENT_RECEIVED');
		const [item] = result.workflowData?.[0] ?? [];
		expect(item.json).toEqual({
			body: { object: 'whatsapp_business_account', n: 1 },
			deliveries: 1,
			mode: 'webhook',
			url: 'http://localhost:5678/webhook/abc/hook',
			workflowId: 'wf-2',
		});
		expect(harness.webhookUrl('default', true)).toBe('http://localhost:5678/webhook-test/abc/hook');
		expect(harness.staticData).toEqual({ 'node:Inbound': { deliveries: 1 } });
	});

	it('runs webhookMethods with a HookContext (checkExists / create / delete)', async () => {
		const harness = await harnessFor();
		expect(await harness.webhookMethod('checkExists')).toBe(false);
		expect(await harness.webhookMethod('create')).toBe(true);
		expect(await harness.webhookMethod('checkExists')).toBe(true);
		expect(harness.staticData).toEqual({
			'node:Inbound': { registeredUrl: 'http://localhost:5678/webhook/abc/hook' },
		});
		expect(harness.logs).toContainEqual(expect.objectContaining({ level: 'info', message: 'registered' }));
		await harness.webhookMethod('delete');
		expect(await harness.webhookMethod('checkExists')).toBe(false);
	});

	it('lets the node refuse a bad signature', async () => {
		const harness = await harnessFor();
		const result = await harness.webhook({ body: { forged: true }, headers: { 'x-signature': 'nope' } });
		expect([result.response.statusCode, result.response.bodyText]).toEqual([401, 'bad signature']);
		expect(harness.staticData).toEqual({});
	});

	it('starts a workflow with the webhook output, as the n8n server does', async () => {
		const harness = await harnessFor();
		const raw = Buffer.from('{"hello":"world"}');
		const call = await harness.webhook({
			body: raw,
			headers: { 'content-type': 'application/json', 'x-signature': sign(raw) },
		});
		const result = await runWorkflow({
			nodeTypes: { 'test.signedWebhook': new SignedWebhookTrigger(), 'test.readBinary': new ReadBinaryNode() },
			workflow: {
				nodes: [
					{ name: 'Inbound', type: 'test.signedWebhook', credentials: { hookApi: { id: '1', name: 'Hook' } } },
					{ name: 'Read', type: 'test.readBinary', parameters: {} },
				],
				connections: chain('Inbound', 'Read'),
			},
			mode: 'webhook',
			triggerOutput: (call.workflowData ?? []).map((items) =>
				items.map((item) => ({ ...item, binary: item.binary && { data: item.binary.raw } })),
			),
		});
		expect(result.status).toBe('success');
		expect(result.itemsOf('Read')[0].json).toEqual({ text: '{"hello":"world"}' });
	});
});
