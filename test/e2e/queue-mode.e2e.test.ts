/**
 * The package in a real n8n 2.30.8 in queue mode: main (editor, API, triggers), a webhook process (the
 * production webhooks Meta calls) and a worker (executions), sharing this machine's Redis and a
 * PostgreSQL database made for the run (dropped afterwards); the credential uses the PostgreSQL store,
 * in a schema of that database. The Meta simulator signs the deliveries; every assertion reads
 * executions back through n8n's public API.
 *
 * The tests share the processes and run in order. Each finds its executions by message id or customer.
 * Needs `npm run build` first (npm run test:e2e does it).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Client } from 'pg';

import { startMetaSimulator, type InboundDelivery, type MetaSimulator } from '../../tools/meta-simulator/meta-simulator';
import { startN8nQueue, type N8nQueue } from '../../tools/n8n-harness/n8n-queue';
import type { Execution, WorkflowJson } from '../../tools/n8n-harness/n8n-server';
import { recordTestTimings, simulatorCredential } from './support/harness';

const DIST = resolve(__dirname, '../../dist');
const APP_SECRET = 'e2e-queue-app-secret';
const VERIFY_TOKEN = 'e2e-queue-verify-token';
/** 0.05 minutes = 3 s (the Conversation Ended test waits for it). */
const INACTIVITY_MINUTES = 0.05;
/** The slow workflow's Wait: long enough to kill the worker while every execution of it runs. */
const SLOW_SECONDS = 8;

const CREDENTIAL_TYPE = 'whatsAppConversationsApi';
const MESSAGE_RECEIVED = 'CUSTOM.whatsAppMessageReceivedTrigger';
const CONVERSATION_ENDED = 'CUSTOM.whatsAppConversationEndedTrigger';
const SEND_MESSAGE = 'CUSTOM.whatsAppSendMessage';
const TRIGGER = 'WhatsApp Message Received';
const ENDED = 'WhatsApp Conversation Ended';
const ASKER = 'WhatsApp Send Message';
const STORE_SCHEMA = 'whatsapp_e2e';

const HOOK = {
	a: '5e1f0c2a-7d41-4b8e-9a51-e2e0000q0a01',
	b: '5e1f0c2a-7d41-4b8e-9a51-e2e0000q0b02',
	ended: '5e1f0c2a-7d41-4b8e-9a51-e2e0000q0c03',
	slow: '5e1f0c2a-7d41-4b8e-9a51-e2e0000q0d04',
	wait: '5e1f0c2a-7d41-4b8e-9a51-e2e0000q0e05',
	ask: '5e1f0c2a-7d41-4b8e-9a51-e2e0000q0f06',
};

const CUSTOMER = {
	fanOut: '447911123501',
	ended: '447911123502',
	ask: '447911123503',
	killed: ['447911123511', '447911123512', '447911123513'],
};

type Json = Record<string, unknown>;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const finished = (execution: Execution) => !['new', 'running', 'waiting'].includes(execution.status);

function triggerItem(execution: Execution, nodeName = TRIGGER): Json {
	return execution.data?.resultData.runData[nodeName]?.[0]?.data?.main[0]?.[0]?.json ?? {};
}

let queue: N8nQueue | undefined;
let simulator: MetaSimulator | undefined;
let credentialId: string;
const workflows: Record<string, string> = {};
const timings: string[] = [];

function n8n(): N8nQueue {
	if (!queue) throw new Error('n8n is not running');
	return queue;
}

function meta(): MetaSimulator {
	if (!simulator) throw new Error('the simulator is not running');
	return simulator;
}

const triggerUrl = (webhookId: string) => n8n().webhookUrl(`${webhookId}/webhook`);
const credentialRef = () => ({ [CREDENTIAL_TYPE]: { id: credentialId, name: 'WhatsApp (simulator, PostgreSQL store)' } });
const SETTINGS = { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };

function triggerNode(name: string, type: string, webhookId: string, parameters: Json = {}): Json {
	return { name, type, typeVersion: 1, position: [0, 0], webhookId, parameters, credentials: credentialRef() };
}

async function createAndActivate(key: string, workflow: WorkflowJson): Promise<string> {
	const id = await n8n().main.importWorkflow(workflow);
	workflows[key] = id;
	await n8n().main.activate(id);
	return id;
}

async function inbound(from: string, text: string): Promise<InboundDelivery> {
	const delivery = await meta().simulateInbound({ from, text, name: 'Queue Customer' });
	expect(delivery.error).toBeNull();
	expect(delivery.status).toBe(200);
	return delivery;
}

/** The workflow's executions whose trigger item carries the message id. */
async function executionsWith(workflowId: string, wamid: string): Promise<Execution[]> {
	return (await n8n().main.executions(workflowId)).filter((execution) => triggerItem(execution).messageId === wamid);
}

/** The rows of one statement on the run's database, which holds the store's schema. */
async function storeRows<T extends Json>(sql: string): Promise<T[]> {
	const client = new Client({ connectionString: n8n().databaseUrl });
	await client.connect();
	try {
		return (await client.query<T>(sql)).rows;
	} finally {
		await client.end();
	}
}

/**
 * What the store holds, for a failure message: each trigger's cursor and the last events, so a run that
 * never started can be told apart from an event that never reached the store or a cursor past it.
 */
async function storeState(): Promise<string> {
	try {
		const cursors = await storeRows(`SELECT subscriber_id, "position", updated_at FROM ${STORE_SCHEMA}.subscriptions ORDER BY subscriber_id`);
		const events = await storeRows(`SELECT id, "type", created_at FROM ${STORE_SCHEMA}.events ORDER BY id DESC LIMIT 10`);
		return `store: cursors ${JSON.stringify(cursors)}, last events ${JSON.stringify(events)}, workflows ${JSON.stringify(workflows)}`;
	} catch (error) {
		return `store not readable: ${(error as Error).message}`;
	}
}

/** Polls until `done` holds for the workflow's executions (or throws with the three logs' tails). */
async function waitUntil(workflowId: string, done: (executions: Execution[]) => boolean, what: string, timeoutMs = 60_000): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const executions = await n8n().main.executions(workflowId);
		if (done(executions)) return executions;
		if (Date.now() > deadline) {
			const seen = executions.map((e) => `${e.id}:${e.status}:${String(triggerItem(e).messageId ?? triggerItem(e, ENDED).customerPhone)}`).join(', ');
			throw new Error(`${what} not reached after ${timeoutMs} ms (executions: ${seen}); ${await storeState()}; logs:\n${n8n().logTail(60)}`);
		}
		await sleep(500);
	}
}

beforeAll(async () => {
	if (!existsSync(join(DIST, 'nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node.js'))) {
		throw new Error(`${DIST} holds no compiled nodes: run \`npm run build\` first (npm run test:e2e does)`);
	}
	const started = Date.now();
	queue = await startN8nQueue({ customExtensionsDir: DIST });
	timings.push(`queue mode start ${Date.now() - started} ms (${Object.entries(queue.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')})`);
	simulator = await startMetaSimulator({ webhook: { url: triggerUrl(HOOK.a), appSecret: APP_SECRET } });
	credentialId = await queue.main.createCredential(CREDENTIAL_TYPE, 'WhatsApp (simulator, PostgreSQL store)', {
		...simulatorCredential(simulator, { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, inactivityTimeoutMinutes: INACTIVITY_MINUTES }),
		storeEngine: 'postgres',
		postgresConnectionString: queue.databaseUrl,
		postgresSchema: STORE_SCHEMA,
	});
}, 360_000);

afterAll(async () => {
	await simulator?.close();
	await queue?.stop();
	console.log(`queue-mode e2e timings:\n  ${timings.join('\n  ')}`);
}, 120_000);

recordTestTimings(timings);

describe('WhatsApp Conversations in n8n queue mode (main + webhook process + worker, PostgreSQL store)', () => {
	let fanOut: InboundDelivery;

	it('fans one delivery to the webhook process out to both workflows, each run once on the worker', async () => {
		for (const key of ['a', 'b'] as const) {
			await createAndActivate(key, { name: `E2E queue ${key}: Message Received`, nodes: [triggerNode(TRIGGER, MESSAGE_RECEIVED, HOOK[key])], connections: {}, settings: SETTINGS });
		}
		// Main serves no production webhook: Meta's delivery reaches the webhook process.
		const onMain = await fetch(n8n().main.webhookUrl(`${HOOK.a}/webhook`), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
		expect(onMain.status).not.toBe(200);

		fanOut = await inbound(CUSTOMER.fanOut, 'Is the queue on?');
		expect(fanOut.responseBody).toBe('OK');
		for (const key of ['a', 'b']) {
			const [execution] = await waitUntil(workflows[key], (all) => all.some((e) => finished(e) && triggerItem(e).messageId === fanOut.wamid), `${key} ran ${fanOut.wamid}`);
			const runs = await executionsWith(workflows[key], fanOut.wamid);
			expect(runs.map((e) => [e.status, e.mode])).toEqual([['success', 'trigger']]);
			expect(triggerItem(execution)).toMatchObject({ event: 'message', text: 'Is the queue on?', customerPhone: `+${CUSTOMER.fanOut}` });
		}
		expect(n8n().main.logTail(400)).toMatch(/Enqueued execution/);
	});

	it('gives Meta\'s redelivery of the same message no second execution', async () => {
		const again = await meta().redeliver(fanOut);
		expect(again.status).toBe(200);
		await sleep(4000);
		expect(await executionsWith(workflows.a, fanOut.wamid)).toHaveLength(1);
		expect(await executionsWith(workflows.b, fanOut.wamid)).toHaveLength(1);
		await n8n().main.deactivate(workflows.b);
	});

	it('closes an idle conversation once: the Conversation Ended workflow runs once for it', async () => {
		await createAndActivate('ended', {
			name: 'E2E queue: Conversation Ended',
			nodes: [triggerNode(ENDED, CONVERSATION_ENDED, HOOK.ended, { sweepIntervalSeconds: 1 })],
			connections: {},
			settings: SETTINGS,
		});
		const delivery = await inbound(CUSTOMER.ended, 'That was all, thanks');
		const byCustomer = (e: Execution) => triggerItem(e, ENDED).customerPhone === `+${CUSTOMER.ended}`;
		await waitUntil(workflows.ended, (all) => all.some((e) => finished(e) && byCustomer(e)), `the end of ${CUSTOMER.ended}'s conversation`);
		// The sweep keeps running every second (in main) and in any other process with the trigger.
		await sleep(4000);
		const ended = (await n8n().main.executions(workflows.ended)).filter(byCustomer);
		expect(ended.map((e) => e.status)).toEqual(['success']);
		expect(triggerItem(ended[0], ENDED)).toMatchObject({ reason: 'inactivity', messageCount: 1 });
		expect(triggerItem(ended[0], ENDED).transcript).toEqual([expect.objectContaining({ wamid: delivery.wamid, text: 'That was all, thanks' })]);
		await n8n().main.deactivate(workflows.ended);
	});

	it('resumes a Send and Wait execution once, on the worker, with the tap the webhook process took; a second message resumes nothing; Message Received runs for both', async () => {
		const path = 'e2e-queue-send-and-wait';
		await createAndActivate('ask', {
			name: 'E2E queue: Webhook → Send Message (Send and Wait)',
			nodes: [
				{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: HOOK.ask, parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } },
				{
					name: ASKER,
					type: SEND_MESSAGE,
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						operation: 'sendAndWait',
						to: `+${CUSTOMER.ask}`,
						messageType: 'buttons',
						interactiveBody: 'Shall we ship your planter today?',
						buttons: { button: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] },
						waitAmount: 1,
						waitUnit: 'hours',
						options: {},
					},
					credentials: credentialRef(),
				},
			],
			connections: { Webhook: { main: [[{ node: ASKER, type: 'main', index: 0 }]] } },
			settings: SETTINGS,
		});
		const opened = await inbound(CUSTOMER.ask, 'Is my planter ready?');
		const asked = await fetch(n8n().webhookUrl(path), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
		expect(asked.status).toBe(200);
		const [waiting] = await waitUntil(workflows.ask, (all) => all.some((e) => e.status === 'waiting'), 'the execution waiting');
		const [question] = meta().sentTo(CUSTOMER.ask);
		expect(question).toMatchObject({ type: 'interactive' });

		const tap = await meta().simulateInbound({ from: CUSTOMER.ask, name: 'Queue Customer', type: 'interactive', buttonReply: { id: 'yes', title: 'Yes' }, context: { id: question.wamid } });
		expect(tap.status).toBe(200);
		const resumedItem = (execution: Execution) => execution.data?.resultData.runData[ASKER]?.at(-1)?.data?.main[0]?.[0]?.json ?? {};
		const [resumed] = await waitUntil(workflows.ask, (all) => all.some((e) => e.id === waiting.id && finished(e)), 'the resumed run');
		expect(resumed.status).toBe('success');
		expect(resumedItem(resumed)).toMatchObject({ answered: true, timedOut: false, text: 'Yes', replyId: 'yes', answerMessageId: tap.wamid, customerId: CUSTOMER.ask });

		// The webhook process enqueued the execution twice (the Webhook call, then the resume call) and the
		// worker ran it twice: asking, then resumed.
		const count = (log: string, line: string) => log.split('\n').filter((entry) => entry.includes(`${line} ${waiting.id} `)).length;
		const workerStarts = () => count(n8n().log('worker'), 'Worker started execution');
		expect(count(n8n().log('webhook'), 'Enqueued execution')).toBe(2);
		expect(workerStarts()).toBe(2);

		// A second message of the customer finds no waiting question: Message Received runs for it, as for the tap.
		const second = await inbound(CUSTOMER.ask, 'Actually, make it tomorrow');
		for (const delivery of [opened, tap, second]) {
			await waitUntil(workflows.a, (all) => all.some((e) => finished(e) && triggerItem(e).messageId === delivery.wamid), `A ran ${delivery.wamid}`);
		}
		// Past the resumers' 2-second passes (main's, beside the trigger).
		await sleep(4000);
		const all = await n8n().main.executions(workflows.ask);
		expect(all.map((e) => [e.id, e.status])).toEqual([[waiting.id, 'success']]);
		expect(all[0].data?.resultData.runData[ASKER]).toHaveLength(1);
		expect(resumedItem(all[0])).toMatchObject({ answerMessageId: tap.wamid });
		expect(workerStarts()).toBe(2);
		for (const delivery of [tap, second]) expect(await executionsWith(workflows.a, delivery.wamid)).toHaveLength(1);

		// The store's record of the question: resumed, after one resume call.
		const rows = await storeRows<{ resume_url: string; state: string; attempts: number }>(`SELECT resume_url, state, attempts FROM ${STORE_SCHEMA}.waiting_answers`);
		const row = rows.find((candidate) => new URL(candidate.resume_url).pathname.endsWith(`/${waiting.id}`));
		expect(row && { state: row.state, attempts: Number(row.attempts), host: new URL(row.resume_url).host }).toEqual({
			state: 'resumed',
			attempts: 1,
			host: new URL(n8n().webhookUrl('')).host,
		});
		await n8n().main.deactivate(workflows.ask);
	});

	it('runs each message to success exactly once when the worker is killed mid-run (the lost executions are emitted again)', async () => {
		await createAndActivate('slow', {
			name: 'E2E queue: Message Received → Wait (slow)',
			nodes: [
				triggerNode(TRIGGER, MESSAGE_RECEIVED, HOOK.slow),
				{ name: 'Wait', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [220, 0], webhookId: HOOK.wait, parameters: { resume: 'timeInterval', amount: SLOW_SECONDS, unit: 'seconds' } },
			],
			connections: { [TRIGGER]: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] } },
			settings: SETTINGS,
		});
		const deliveries: InboundDelivery[] = [];
		for (const [index, customer] of CUSTOMER.killed.entries()) deliveries.push(await inbound(customer, `Order ${index + 1}, please`));
		const wamids = deliveries.map((delivery) => delivery.wamid);

		// Every slow execution is running on the worker: kill it (and its task runner) at once.
		// (n8n's public API lists running executions only when asked for them.)
		const running = async () => (await n8n().main.api<{ data: Execution[] }>('GET', `/executions?workflowId=${workflows.slow}&status=running`)).data;
		const deadline = Date.now() + 30_000;
		while ((await running()).length < wamids.length) {
			if (Date.now() > deadline) throw new Error(`the slow executions did not all start; logs:\n${n8n().logTail(25)}`);
			await sleep(200);
		}
		const killedAt = Date.now();
		await n8n().killWorker();
		await n8n().startWorker();
		timings.push(`worker killed and a new one ready in ${Date.now() - killedAt} ms`);

		// n8n fails what the dead worker held; the trigger emits those events again, and they run.
		const all = await waitUntil(
			workflows.slow,
			(executions) => wamids.every((wamid) => executions.some((e) => e.status === 'success' && triggerItem(e).messageId === wamid)),
			'every message run to success',
			120_000,
		);
		timings.push(`every message ran to success ${Date.now() - killedAt} ms after the kill`);
		const failed = all.filter((e) => e.status === 'error');
		expect(failed.length).toBeGreaterThanOrEqual(1);
		for (const execution of failed) expect(execution.data?.resultData.error?.message).toMatch(/failed to be processed too many times/);

		// Give a wrong second redelivery time to show, then count: one success per message, nothing else ran.
		await sleep(SLOW_SECONDS * 1000 + 4000);
		const settled = await n8n().main.executions(workflows.slow);
		for (const wamid of wamids) {
			expect(settled.filter((e) => e.status === 'success' && triggerItem(e).messageId === wamid)).toHaveLength(1);
		}
		expect(settled.filter((e) => e.status === 'success')).toHaveLength(wamids.length);
		expect(settled.filter((e) => !['success', 'error'].includes(e.status))).toEqual([]);
		expect(n8n().main.logTail(2000)).toMatch(/emits event \d+ \(message\.received\) again: n8n lost its execution/);

		// The quick workflow A got each message once too.
		for (const wamid of wamids) {
			const runs = await waitUntil(workflows.a, (executions) => executions.some((e) => e.status === 'success' && triggerItem(e).messageId === wamid), `A ran ${wamid}`);
			expect(runs.filter((e) => e.status === 'success' && triggerItem(e).messageId === wamid)).toHaveLength(1);
		}
	});
});
