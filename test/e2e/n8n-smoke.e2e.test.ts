/**
 * The package as users install it, in a real n8n: the `npm pack` tarball installed the way Community
 * Nodes installs it (runtime dependencies from the registry), then every node and credential that
 * package.json's `n8n` section lists must be loaded by n8n, `main` and `types` must be in the tarball, and
 * every module the compiled code requires must resolve from the install. So a wrong `files`, `main`, `n8n`
 * section or `dependencies` fails here, not for a user.
 *
 * It also proves the harness: a workflow with n8n's own Webhook node is created, activated, called and
 * leaves an execution; the server restarts on the same user folder with the workflow still active;
 * stop() leaves nothing running. scripts/test-matrix.sh runs this file on other n8n and Node versions.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { declaredTypes, packPackage, readManifest, unresolvedRequires } from '../../tools/n8n-harness/community-package';
import { startN8n, type N8nServer } from '../../tools/n8n-harness/n8n-server';

const PACKAGE_ROOT = resolve(__dirname, '../..');

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

describe('the packed package in a real n8n server', () => {
	let tarball: string;
	let server: N8nServer | undefined;

	beforeAll(() => {
		if (!existsSync(join(PACKAGE_ROOT, 'dist/index.js'))) throw new Error('no dist/: run `npm run build` first (npm run test:e2e does)');
		tarball = packPackage(PACKAGE_ROOT);
	});

	afterAll(async () => {
		await server?.stop();
		rmSync(dirname(tarball), { recursive: true, force: true });
	});

	it('installs from the tarball as Community Nodes does and loads every node and credential package.json lists', async () => {
		const started = Date.now();
		server = await startN8n({ communityTarballs: [tarball] });
		console.log(`install from the tarball and n8n start: ${Date.now() - started} ms`);
		const manifest = readManifest(PACKAGE_ROOT);
		const installed = join(server.userFolder, '.n8n/nodes/node_modules', manifest.name);

		expect([manifest.main, manifest.types].filter((entry) => !entry || !existsSync(join(installed, entry)))).toEqual([]);
		expect(unresolvedRequires(installed, Object.keys(manifest.peerDependencies ?? {}))).toEqual([]);

		const declared = declaredTypes(PACKAGE_ROOT);
		expect(declared.nodes).toHaveLength(manifest.n8n?.nodes?.length ?? -1);
		expect(declared.nodes.length).toBeGreaterThan(0);
		const loaded = await server.loadedTypes();
		expect(declared.nodes.filter((type) => !loaded.nodes.includes(type))).toEqual([]);
		expect(declared.credentials.filter((type) => !loaded.credentials.includes(type))).toEqual([]);
		// n8n logs a package it could not load instead of failing its start.
		expect(server.logTail(400)).not.toMatch(/Failed to load package|Skipping package directory/);
	});

	it('runs a webhook workflow, survives a restart and stops cleanly', async () => {
		if (!server) throw new Error('n8n did not start');
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
