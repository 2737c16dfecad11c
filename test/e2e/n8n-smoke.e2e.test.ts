/**
 * Proves the harness against a real n8n: a workflow with n8n's own Webhook node is created, activated,
 * called and leaves an execution; the server restarts on the same user folder with the workflow still
 * active; stop() leaves nothing running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startN8n, type N8nServer } from '../../tools/n8n-harness/n8n-server';

const WEBHOOK_PATH = 'e2e-smoke';

function webhookWorkflow() {
	return {
		name: 'e2e smoke: webhook',
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5b0f3c1e-2d7a-4f57-9a4e-6f1d2c3b4a59',
				parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
			},
		],
		connections: {},
		settings: { saveDataSuccessExecution: 'all', saveManualExecutions: true },
	};
}

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: response.status, text: await response.text() };
}

describe('n8n harness (real n8n server)', () => {
	let extensions: string;
	let server: N8nServer | undefined;

	beforeAll(() => {
		extensions = mkdtempSync(join(tmpdir(), 'n8n-e2e-ext-'));
	});

	afterAll(async () => {
		await server?.stop();
		rmSync(extensions, { recursive: true, force: true });
	});

	it('starts, runs a webhook workflow, survives a restart and stops cleanly', async () => {
		server = await startN8n({ customExtensionsDir: extensions });
		expect(server.apiKey).toMatch(/\S{20,}/);

		const workflowId = await server.importWorkflow(webhookWorkflow());
		await server.activate(workflowId);

		const first = await post(server.webhookUrl(WEBHOOK_PATH), { hello: 'world' });
		expect(first.status).toBe(200);
		const [execution] = await server.waitForExecutions(workflowId, 1, 30_000);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook');
		const item = execution.data?.resultData.runData.Webhook[0].data?.main[0]?.[0].json as { body: unknown };
		expect(item.body).toEqual({ hello: 'world' });

		// The workflow is still active after a restart on the same user folder, and the key still works.
		await server.restart();
		const second = await post(server.webhookUrl(WEBHOOK_PATH), { again: true });
		expect(second.status).toBe(200);
		const executions = await server.waitForExecutions(workflowId, 2, 30_000);
		expect(executions).toHaveLength(2);

		// Deactivated: the production URL is gone.
		await server.deactivate(workflowId);
		expect((await post(server.webhookUrl(WEBHOOK_PATH), {})).status).toBe(404);

		const credentialId = await server.createCredential('httpHeaderAuth', 'e2e header', { name: 'x-e2e', value: 'secret' });
		expect(credentialId).toBeTruthy();

		const { baseUrl, pid, startDurationsMs, logFile } = server;
		console.log(`n8n starts took ${startDurationsMs.join(' ms, ')} ms (log ${logFile})`);
		expect(pid).toBeDefined();
		await server.stop();
		server = undefined;
		await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();
		// Nothing of its process group (n8n and its task runner) is left.
		expect(() => process.kill(-(pid as number), 0)).toThrow();
	});
});
