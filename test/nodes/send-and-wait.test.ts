// Send and Wait for Response (WhatsApp Send Message and Send Template) through n8n's execution engine
// (the execution waits), the store (the answer settles the question once) and the node's resume webhook.
import type { INodeParameters, IWebhookFunctions } from 'n8n-workflow';

import { WaitingAnswerResumer, type ResumeBody } from '../../core/conversation/waiting-answers';
import { WAIT_BACKSTOP_MS } from '../../nodes/shared/send-and-wait';
import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppSendTemplate } from '../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { runWorkflow } from './support/workflow-runner';

const TYPE = 'whatsAppSendMessage';
const node = new WhatsAppSendMessage();
const CUSTOMER = '16505551234';
const HOUR = 3_600_000;

const wa = useWhatsAppFixture();
beforeEach(async () => {
	await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: CUSTOMER, timestamp: Date.now() - 60_000 })] }), { now: Date.now(), inactivityTimeoutMs: HOUR });
	wa.simulator.openWindow(CUSTOMER);
});

async function ask(parameters: INodeParameters) {
	const send = whatsAppNode('Ask', TYPE, { operation: 'sendAndWait', to: `+${CUSTOMER}`, waitAmount: 2, waitUnit: 'hours', ...parameters });
	return runWorkflow({ nodeTypes: { [TYPE]: node }, credentialTypes, credentials: wa.credentials(), workflow: { nodes: [send], connections: {} } });
}

/** What n8n's waiting webhook does with the resume call: the node's webhook() gives the resumed output. */
async function resumeWith(body: ResumeBody) {
	const context = { getBodyData: () => body, getNode: () => ({ name: 'Ask' }) } as unknown as IWebhookFunctions;
	return node.webhook.call(context);
}

/** Runs one resumer pass whose calls land in the node's webhook. */
async function resumePass(now: number) {
	const calls: { url: string; body: ResumeBody }[] = [];
	const resumer = new WaitingAnswerResumer({
		store: wa.store,
		clock: () => now,
		call: async (url, body) => {
			calls.push({ url, body });
			return 'delivered';
		},
	});
	await resumer.resumeNow();
	return calls;
}

describe('WhatsApp Send Message: Send and Wait for Response', () => {
	it('sends reply buttons, puts the execution to wait, and resumes it once with the tapped button', async () => {
		const before = Date.now();
		const result = await ask({ messageType: 'buttons', interactiveBody: 'Shall we ship today?', buttons: { button: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] } });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('waiting');
		const waitTill = result.run.waitTill?.getTime() ?? 0;
		expect(waitTill).toBeGreaterThanOrEqual(before + 2 * HOUR + WAIT_BACKSTOP_MS);
		expect(result.itemsOf('Ask', 0)[0].json).toMatchObject({ messageId: expect.stringMatching(/^wamid\./), customerId: CUSTOMER });

		const tap = inbound({ customerId: CUSTOMER, type: 'interactive', timestamp: Date.now(), text: 'Yes', reply: { kind: 'button_reply', id: 'yes', title: 'Yes', description: null } });
		expect(await wa.store.ingest(webhookOf({ messages: [tap] }), { now: Date.now(), inactivityTimeoutMs: HOUR })).toMatchObject({ questionsAnswered: 1 });

		const calls = await resumePass(Date.now());
		expect(calls).toHaveLength(1);
		expect(calls[0].url).toMatch(/\/webhook-waiting\/harness-execution-\d+/);
		expect(await resumePass(Date.now() + HOUR)).toEqual([]);

		const resumed = await resumeWith(calls[0].body);
		expect(resumed.workflowData?.[0][0].json).toMatchObject({
			answered: true,
			timedOut: false,
			text: 'Yes',
			replyId: 'yes',
			replyKind: 'button_reply',
			answerMessageId: tap.wamid,
			customerId: CUSTOMER,
		});
	});

	it('resumes with timedOut when the customer does not answer in time', async () => {
		const result = await ask({ messageType: 'text', text: 'What is your order number?', waitAmount: 1, waitUnit: 'minutes' });
		expect(result.status).toBe('waiting');
		expect(await resumePass(Date.now())).toEqual([]);
		const [call] = await resumePass(Date.now() + 2 * 60_000);
		expect(call.body).toMatchObject({ outcome: 'timed_out', answer: null });
		expect((await resumeWith(call.body)).workflowData?.[0][0].json).toMatchObject({ answered: false, timedOut: true, text: null });
		// A late answer does not resume anything.
		await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: CUSTOMER, timestamp: Date.now() })] }), { now: Date.now(), inactivityTimeoutMs: HOUR });
		expect(await resumePass(Date.now() + 3 * 60_000)).toEqual([]);
	});

	it('asks with a list and resumes with the chosen row', async () => {
		const rows = { row: [{ id: 'navy', title: 'Navy', description: 'Deep blue' }, { id: 'sky', title: 'Sky' }] };
		const result = await ask({ messageType: 'list', interactiveBody: 'Which blue?', listButton: 'Colors', sectionTitle: 'Blues', rows });
		expect(result.status).toBe('waiting');
		const body = wa.simulator.requestsTo('POST', '/messages').at(-1)?.body;
		expect(body).toMatchObject({ type: 'interactive', interactive: { type: 'list', action: { button: 'Colors', sections: [{ title: 'Blues' }] } } });

		const choice = inbound({ customerId: CUSTOMER, type: 'interactive', timestamp: Date.now(), text: 'Navy', reply: { kind: 'list_reply', id: 'navy', title: 'Navy', description: 'Deep blue' } });
		await wa.store.ingest(webhookOf({ messages: [choice] }), { now: Date.now(), inactivityTimeoutMs: HOUR });
		const [call] = await resumePass(Date.now());
		expect((await resumeWith(call.body)).workflowData?.[0][0].json).toMatchObject({
			answered: true,
			timedOut: false,
			text: 'Navy',
			replyId: 'navy',
			replyKind: 'list_reply',
			messageType: 'interactive',
			answerMessageId: choice.wamid,
		});
	});

	it('takes an answer that arrives before the send returns (the question waits before it leaves)', async () => {
		const tap = inbound({ customerId: CUSTOMER, type: 'interactive', timestamp: Date.now(), text: 'No', reply: { kind: 'button_reply', id: 'no', title: 'No', description: null } });
		// Meta accepted the question; its answer is ingested before the node hears back from the send.
		const recordOutbound = wa.store.recordOutbound.bind(wa.store);
		const spy = jest.spyOn(wa.store, 'recordOutbound').mockImplementationOnce(async (...args) => {
			await wa.store.ingest(webhookOf({ messages: [tap] }), { now: Date.now(), inactivityTimeoutMs: HOUR });
			return recordOutbound(...args);
		});
		try {
			const result = await ask({ messageType: 'buttons', interactiveBody: 'Ship today?', buttons: { button: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] } });
			expect(result.status).toBe('waiting');
		} finally {
			spy.mockRestore();
		}
		const [call, ...more] = await resumePass(Date.now());
		expect(more).toEqual([]);
		expect(call?.body).toMatchObject({ outcome: 'answered', answer: { replyId: 'no', wamid: tap.wamid } });
	});

	it('forgets the question when Meta refused it, and keeps it when it may have been sent', async () => {
		wa.simulator.failNext(1, { code: 131026 });
		const refused = await ask({ messageType: 'text', text: 'Refused?', waitAmount: 1, waitUnit: 'minutes' });
		expect(refused.status).not.toBe('waiting');
		expect(await resumePass(Date.now() + 2 * 60_000)).toEqual([]);

		wa.simulator.failNext(1, { code: 131000, afterAccept: true });
		const unsure = await ask({ messageType: 'text', text: 'Sent?', waitAmount: 1, waitUnit: 'minutes' });
		expect(unsure.status).not.toBe('waiting');
		expect(await resumePass(Date.now() + 2 * 60_000)).toMatchObject([{ body: { outcome: 'timed_out' } }]);
	});

	it('does not wait when the window is closed: the question goes to Window Closed', async () => {
		const result = await ask({ to: '+447911123456', messageType: 'text', text: 'Still there?' });
		expect(result.status).not.toBe('waiting');
		expect(result.itemsOf('Ask', 1)).toHaveLength(1);
	});
});

describe('WhatsApp Send Template: Send and Wait for Response, when the window is closed', () => {
	const TEMPLATE_TYPE = 'whatsAppSendTemplate';
	const templateNode = new WhatsAppSendTemplate();
	const STRANGER = '447911123456';

	async function askWithTemplate(parameters: INodeParameters = {}) {
		const send = whatsAppNode('Ask', TEMPLATE_TYPE, {
			operation: 'sendAndWait',
			to: `+${STRANGER}`,
			template: { __rl: true, mode: 'list', value: 'order_tracking|en_US' },
			variables: { mappingMode: 'defineBelow', value: { 'body.1': 'SKBUP2-4CPIG9', 'button.0': 'SKBUP2' }, matchingColumns: [], schema: [] },
			waitAmount: 1,
			waitUnit: 'days',
			...parameters,
		});
		return runWorkflow({ nodeTypes: { [TEMPLATE_TYPE]: templateNode }, credentialTypes, credentials: wa.credentials(), workflow: { nodes: [send], connections: {} } });
	}

	it('asks with an approved template, waits, and resumes once with the tapped quick reply', async () => {
		const result = await askWithTemplate();
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('waiting');
		expect(result.itemsOf('Ask', 0)[0].json).toMatchObject({ customerId: STRANGER, windowOpen: false, template: { name: 'order_tracking' }, dailyLimit: { counted: true } });
		expect(wa.simulator.requestsTo('POST', '/messages').at(-1)?.body).toMatchObject({ type: 'template', template: { name: 'order_tracking' } });

		// Meta's quick-reply tap on a template: type "button" with the button's payload and text.
		const tap = inbound({ customerId: STRANGER, type: 'button', timestamp: Date.now(), text: 'Stop updates', reply: { kind: 'quick_reply', id: 'Stop updates', title: 'Stop updates', description: null } });
		expect(await wa.store.ingest(webhookOf({ messages: [tap] }), { now: Date.now(), inactivityTimeoutMs: HOUR })).toMatchObject({ questionsAnswered: 1 });
		const [call, ...more] = await resumePass(Date.now());
		expect(more).toEqual([]);
		const context = { getBodyData: () => call.body, getNode: () => ({ name: 'Ask' }) } as unknown as IWebhookFunctions;
		expect((await templateNode.webhook.call(context)).workflowData?.[0][0].json).toMatchObject({
			answered: true,
			text: 'Stop updates',
			replyKind: 'quick_reply',
			messageType: 'button',
			answerMessageId: tap.wamid,
		});
	});

	it('does not wait, and gives the daily-limit unit back, when Meta refuses the template', async () => {
		wa.simulator.failNext(1, { code: 131026 });
		const refused = await askWithTemplate();
		expect(refused.status).not.toBe('waiting');
		expect(await resumePass(Date.now() + 2 * 86_400_000)).toEqual([]);
		expect(await wa.store.dailyLimitUsage(wa.simulator.businessAccountId, Date.now())).toBe(0);
	});
});
