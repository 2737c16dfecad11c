/**
 * Inside n8n: the real server the e2e suite drives (e2e/n8n-server, scripts/ensure-n8n.sh) with the
 * built package (dist/, `npm run build`) installed as a community package. The same signed Meta
 * deliveries, 16 in flight, go to a workflow started by our Message Received trigger and to one started
 * by n8n's own Webhook node (answering on receipt). For each: the acknowledgement (POST to HTTP answer)
 * p50/p99, executions per second from the first POST to the last execution's end (n8n's stoppedAt, read
 * through its public API once all finished), and whether each message started exactly one execution.
 */
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';

import { readManifest } from '../tools/n8n-harness/community-package';
import { startN8n, type Execution, type N8nServer, type WorkflowJson } from '../tools/n8n-harness/n8n-server';
import { info, percentile, report, size, sleep, sortedCopy } from './support';
import { APP_SECRET, BUSINESS_ACCOUNT_ID, benchWebhooks, PHONE_NUMBER_ID, type SignedWebhook } from './webhooks';

const PACKAGE_ROOT = resolve(__dirname, '..');
const DELIVERIES = size(1_000, 100);
const WARM_UP = size(50, 10);
const IN_FLIGHT = 16;
const ACK_P99_TARGET_MS = 150;
const ACK_SHARE_OF_WEBHOOK_NODE = 0.25;
const TRIGGER_NAME = 'WhatsApp Message Received';
const WEBHOOK_NODE_NAME = 'Webhook';
/** A trigger's production URL is /webhook/<webhookId>/webhook. */
const TRIGGER_WEBHOOK_ID = '6c0b5e22-4f1a-4d1e-9b0a-be4c00000001';
const WEBHOOK_NODE_PATH = 'bench-meta';
/** No execution finishing for this long ends the wait for the rest. */
const STALL_MS = 30_000;
const SETTINGS = { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };

interface Side {
	label: string;
	workflowId: string;
	url: string;
	/** The message id an execution of this workflow ran for. */
	wamidOf: (execution: Execution) => string | undefined;
}

interface PhaseResult {
	ackMs: number[];
	refused: number;
	executionsPerSecond: number;
	once: number;
	missing: string[];
	duplicated: string[];
	failed: number;
}

export async function benchN8n(folder: string): Promise<void> {
	if (!existsSync(join(PACKAGE_ROOT, 'dist/nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node.js'))) {
		throw new Error('bench n8n drives the built package: run `npm run build` first');
	}
	const started = Date.now();
	const server = await startN8n({ communityPackages: [PACKAGE_ROOT], userFolder: join(folder, 'n8n-user') });
	const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
	try {
		info(`n8n started in ${Math.round((Date.now() - started) / 1000)} s (pid ${server.pid})`);
		const [trigger, webhookNode] = await workflows(server);
		// The same bodies to both; warm-up deliveries (JIT, caches, first executions) are left out of the figures.
		const warmUp = benchWebhooks(WARM_UP, 50, 'wamid.n8n-warm-');
		const measured = benchWebhooks(DELIVERIES, 100, 'wamid.n8n-bench-');
		const results = new Map<Side, PhaseResult>();
		// The Webhook node first: its executions fill n8n's database before ours run, which can only slow ours.
		for (const side of [webhookNode, trigger]) {
			await drive(agent, side.url, warmUp);
			await waitForFinished(server, side.workflowId, warmUp.length);
			info(`${side.label}: ${DELIVERIES} deliveries, ${IN_FLIGHT} in flight`);
			results.set(side, await phase(server, agent, side, measured, warmUp.length));
		}
		const ours = results.get(trigger) as PhaseResult;
		const theirs = results.get(webhookNode) as PhaseResult;
		const p = (result: PhaseResult, at: number) => percentile(sortedCopy(result.ackMs), at);
		const ourP99 = p(ours, 99);
		const allowedP99 = Math.min(ACK_P99_TARGET_MS, ACK_SHARE_OF_WEBHOOK_NODE * p(theirs, 99));
		for (const [side, result] of [...results].reverse()) {
			const isOurs = side === trigger;
			report({
				name: `n8n: ${side.label} acknowledgement p50 / p99`,
				value: `${p(result, 50).toFixed(0)} ms / ${p(result, 99).toFixed(0)} ms`,
				...(isOurs
					? { target: `p99 <= ${ACK_P99_TARGET_MS} ms and <= ${ACK_SHARE_OF_WEBHOOK_NODE} x the Webhook node's (${allowedP99.toFixed(0)} ms)`, ratio: allowedP99 / ourP99 }
					: {}),
				note: `${DELIVERIES} signed POSTs, ${IN_FLIGHT} in flight${result.refused > 0 ? `, ${result.refused} not answered 200` : ''}`,
			});
			report({
				name: `n8n: ${side.label} executions/s`,
				value: result.executionsPerSecond.toFixed(1),
				...(isOurs ? { target: `>= the Webhook node's (${theirs.executionsPerSecond.toFixed(1)})`, ratio: result.executionsPerSecond / theirs.executionsPerSecond } : {}),
				note: `first POST to the last execution's end${result.failed > 0 ? `; ${result.failed} executions did not succeed` : ''}`,
			});
			report({
				name: `n8n: ${side.label} messages run exactly once`,
				value: `${result.once} of ${DELIVERIES}`,
				...(isOurs ? { target: 'every message exactly once', ratio: result.once / DELIVERIES } : {}),
				note: `${result.missing.length} missing${sample(result.missing)}, ${result.duplicated.length} more than once${sample(result.duplicated)}`,
			});
		}
	} finally {
		agent.destroy();
		await server.stop();
	}
}

function sample(wamids: string[]): string {
	return wamids.length === 0 ? '' : ` (${wamids.slice(0, 3).join(', ')}${wamids.length > 3 ? ', ...' : ''})`;
}

/** The credential, the trigger's workflow and the Webhook node's, both active. */
async function workflows(server: N8nServer): Promise<[Side, Side]> {
	const packageName = readManifest(PACKAGE_ROOT).name;
	const credentialId = await server.createCredential('whatsAppConversationsApi', 'WhatsApp (bench)', {
		provider: 'meta',
		apiVersion: 'v25.0',
		accessToken: 'bench-access-token',
		phoneNumberId: PHONE_NUMBER_ID,
		businessAccountId: BUSINESS_ACCOUNT_ID,
		appSecret: APP_SECRET,
		verifyToken: 'bench-verify-token',
		messagingTier: 'TIER_250',
		inactivityTimeoutMinutes: 30,
		storeEngine: 'sqlite',
		sqlitePath: join(server.userFolder, '.n8n', 'conversations.sqlite'),
	});
	const single = (name: string, node: Record<string, unknown>): WorkflowJson => ({
		name,
		nodes: [{ name: node.name, position: [0, 0], ...node }],
		connections: {},
		settings: SETTINGS,
	});
	// Version 1: no read receipt, so no call to Meta; each message its own execution.
	const triggerId = await server.importWorkflow(
		single('Bench: Message Received', {
			name: TRIGGER_NAME,
			type: `${packageName}.whatsAppMessageReceivedTrigger`,
			typeVersion: 1,
			webhookId: TRIGGER_WEBHOOK_ID,
			parameters: {},
			credentials: { whatsAppConversationsApi: { id: credentialId, name: 'WhatsApp (bench)' } },
		}),
	);
	const webhookId = await server.importWorkflow(
		single('Bench: Webhook node', {
			name: WEBHOOK_NODE_NAME,
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '6c0b5e22-4f1a-4d1e-9b0a-be4c00000002',
			parameters: { httpMethod: 'POST', path: WEBHOOK_NODE_PATH, responseMode: 'onReceived', options: {} },
		}),
	);
	await server.activate(triggerId);
	await server.activate(webhookId);
	const first = (execution: Execution, node: string) => execution.data?.resultData.runData[node]?.[0]?.data?.main[0]?.[0]?.json;
	return [
		{
			label: 'Message Received trigger',
			workflowId: triggerId,
			url: server.webhookUrl(`${TRIGGER_WEBHOOK_ID}/webhook`),
			wamidOf: (execution) => first(execution, TRIGGER_NAME)?.messageId as string | undefined,
		},
		{
			label: 'Webhook node',
			workflowId: webhookId,
			url: server.webhookUrl(WEBHOOK_NODE_PATH),
			wamidOf: (execution) => {
				const body = first(execution, WEBHOOK_NODE_NAME)?.body as { entry?: Array<{ changes?: Array<{ value?: { messages?: Array<{ id?: string }> } }> }> } | undefined;
				return body?.entry?.[0]?.changes?.[0]?.value?.messages?.[0]?.id;
			},
		},
	];
}

/** One side's measured run: the POSTs, then its executions once all finished. */
async function phase(server: N8nServer, agent: Agent, side: Side, webhooks: SignedWebhook[], before: number): Promise<PhaseResult> {
	const firstPostAt = Date.now();
	const { ackMs, refused } = await drive(agent, side.url, webhooks);
	await waitForFinished(server, side.workflowId, before + webhooks.length);
	// A duplicate would come after the others: give it a moment to show.
	await sleep(2_000);
	const wanted = new Set(webhooks.map((webhook) => webhook.wamid));
	const runs = new Map<string, number>();
	let lastEnd = firstPostAt;
	let failed = 0;
	for (const execution of await server.executions(side.workflowId)) {
		const wamid = side.wamidOf(execution);
		if (wamid === undefined || !wanted.has(wamid)) continue;
		runs.set(wamid, (runs.get(wamid) ?? 0) + 1);
		if (execution.status !== 'success') failed++;
		if (execution.stoppedAt) lastEnd = Math.max(lastEnd, Date.parse(execution.stoppedAt));
	}
	const count = (wamid: string) => runs.get(wamid) ?? 0;
	return {
		ackMs,
		refused,
		executionsPerSecond: (runs.size === 0 ? 0 : [...runs.values()].reduce((sum, n) => sum + n, 0)) / ((lastEnd - firstPostAt) / 1000),
		once: [...wanted].filter((wamid) => count(wamid) === 1).length,
		missing: [...wanted].filter((wamid) => count(wamid) === 0),
		duplicated: [...wanted].filter((wamid) => count(wamid) > 1),
		failed,
	};
}

/** POSTs every webhook, IN_FLIGHT at a time, as Meta does; the time from sending to the answer of each. */
async function drive(agent: Agent, url: string, webhooks: SignedWebhook[]): Promise<{ ackMs: number[]; refused: number }> {
	const ackMs: number[] = [];
	let refused = 0;
	let next = 0;
	const worker = async () => {
		while (next < webhooks.length) {
			const webhook = webhooks[next++];
			const sent = performance.now();
			const status = await post(agent, url, webhook);
			ackMs.push(performance.now() - sent);
			if (status !== 200) refused++;
		}
	};
	await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
	return { ackMs, refused };
}

function post(agent: Agent, url: string, webhook: SignedWebhook): Promise<number> {
	return new Promise<number>((resolvePost, reject) => {
		const req = request(
			url,
			{
				method: 'POST',
				agent,
				headers: { 'content-type': 'application/json', 'content-length': webhook.rawBody.length, 'x-hub-signature-256': webhook.signature },
			},
			(response) => {
				response.resume();
				response.once('end', () => resolvePost(response.statusCode ?? 0));
			},
		);
		// A kept-alive connection n8n closed while idle fails as it is reused, before n8n saw the request: send again.
		req.once('error', (error: NodeJS.ErrnoException) => (req.reusedSocket && error.code === 'ECONNRESET' ? post(agent, url, webhook).then(resolvePost, reject) : reject(error)));
		req.end(webhook.rawBody);
	});
}

/**
 * Polls (without run data, once a second) until the workflow has `count` finished executions, or none
 * more finished for STALL_MS (the figures then show what is missing).
 */
async function waitForFinished(server: N8nServer, workflowId: string, count: number): Promise<void> {
	let seen = -1;
	let progressAt = Date.now();
	for (;;) {
		let finished = 0;
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({ workflowId, limit: '250' });
			if (cursor) query.set('cursor', cursor);
			const page = await server.api<{ data: Execution[]; nextCursor: string | null }>('GET', `/executions?${query}`);
			finished += page.data.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status)).length;
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		if (finished >= count) return;
		if (finished !== seen) {
			seen = finished;
			progressAt = Date.now();
		} else if (Date.now() - progressAt > STALL_MS) {
			info(`workflow ${workflowId}: ${finished} of ${count} executions finished, none more for ${STALL_MS / 1000} s`);
			return;
		}
		await sleep(1_000);
	}
}
