// Business hours through n8n's engine: the credential's hours on Message Received items, the
// Conversation node's Check Business Hours and Set Variables, and the sandbox's away-message example
// (sandbox/workflows/away-message.json) run as n8n runs it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { WhatsAppConversation } from '../../nodes/WhatsAppConversation/WhatsAppConversation.node';
import { WhatsAppMessageReceivedTrigger } from '../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { createTriggerHarness } from './support/trigger-runner';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { runWorkflow, type WorkflowNode } from './support/workflow-runner';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MARIA = '16505551234';

const wa = useWhatsAppFixture();

/** Berlin office hours, as the credential's fields hold them. */
const OFFICE = {
	businessHours: true,
	businessTimeZone: 'Europe/Berlin',
	hoursMonday: '09:00-17:00',
	hoursTuesday: '09:00-17:00',
	hoursWednesday: '09:00-17:00',
	hoursThursday: '09:00-17:00',
	hoursFriday: '09:00-17:00',
	hoursSaturday: '',
	hoursSunday: '',
	closedDates: '2026-01-06',
};
const ALL_DAYS = Object.fromEntries(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((day) => [`hours${day}`, '00:00-24:00']));
const utcDate = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
/** Open all week but closed yesterday, today and tomorrow (UTC): closed now, whenever the test runs. */
function closedNow(): IDataObject {
	const now = Date.now();
	return { businessHours: true, businessTimeZone: 'UTC', ...ALL_DAYS, closedDates: [now - DAY, now, now + DAY].map(utcDate).join(', ') };
}
const openNow = (): IDataObject => ({ businessHours: true, businessTimeZone: 'UTC', ...ALL_DAYS, closedDates: '' });

async function runConversation(parameters: INodeParameters, credentialOverrides: IDataObject, settings: Partial<WorkflowNode> = {}) {
	return await runWorkflow({
		nodeTypes: { whatsAppConversation: new WhatsAppConversation() },
		credentialTypes,
		credentials: wa.credentials(credentialOverrides),
		workflow: { nodes: [whatsAppNode('Conversation', 'whatsAppConversation', parameters, settings)], connections: {} },
	});
}

/** The Message Received item n8n gets for a customer message stamped `at`, with the given credential. */
async function receivedItem(credentialOverrides: IDataObject, at: number, text = 'Hello?'): Promise<INodeExecutionData> {
	const trigger = await createTriggerHarness({
		nodeType: new WhatsAppMessageReceivedTrigger(),
		node: { parameters: {}, webhookId: 'hook-hours' },
		credentials: wa.credentials({ appSecret: 'hours-secret', ...credentialOverrides }),
		credentialTypes,
		workflowId: `wf-hours-${Math.random()}`,
	});
	const active = await trigger.activate();
	try {
		await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: MARIA, customerName: 'Maria', text, timestamp: at })] }), {
			now: Math.max(at, Date.now()),
			inactivityTimeoutMs: HOUR,
		});
		const [[item]] = await active.nextEmit(5000);
		return item;
	} finally {
		await active.close();
	}
}

describe('Message Received: withinBusinessHours and nextOpenAt at the message time', () => {
	it('a Sunday message is outside the hours, and the business opens on Monday at 09:00 Berlin time', async () => {
		const item = await receivedItem(OFFICE, Date.parse('2026-01-04T12:00:00Z'));
		expect(item.json).toMatchObject({ withinBusinessHours: false, nextOpenAt: '2026-01-05T09:00:00+01:00', timestamp: '2026-01-04T12:00:00.000Z' });
	});

	it('a Monday-morning message is within the hours; a closed date is not', async () => {
		expect((await receivedItem(OFFICE, Date.parse('2026-01-05T09:30:00Z'))).json).toMatchObject({ withinBusinessHours: true, nextOpenAt: null });
		expect((await receivedItem(OFFICE, Date.parse('2026-01-06T09:30:00Z'))).json).toMatchObject({ withinBusinessHours: false, nextOpenAt: '2026-01-07T09:00:00+01:00' });
	});

	it('without business hours every message is within them', async () => {
		const item = await receivedItem({ businessHours: false, businessTimeZone: 'Nowhere/Invalid' }, Date.parse('2026-01-04T12:00:00Z'));
		expect(item.json).toMatchObject({ withinBusinessHours: true, nextOpenAt: null });
		expect(item.json.error).toBeUndefined();
	});

	it('unreadable hours still start the workflow, with the error naming the field', async () => {
		const item = await receivedItem({ ...OFFICE, hoursMonday: '9 to 5' }, Date.parse('2026-01-04T12:00:00Z'));
		expect(item.json).toMatchObject({
			text: 'Hello?',
			withinBusinessHours: null,
			nextOpenAt: null,
			error: { code: 'BUSINESS_HOURS_INTERVAL_INVALID', message: expect.stringContaining('Monday: "9 to 5"') },
		});
	});
});

describe('WhatsApp Conversation: Check Business Hours', () => {
	it('answers for a given time, and for now when Time is empty', async () => {
		const sunday = await runConversation({ operation: 'checkBusinessHours', time: '2026-01-04T12:00:00Z' }, OFFICE);
		expect(sunday.itemsOf('Conversation')[0].json).toEqual({
			withinBusinessHours: false,
			nextOpenAt: '2026-01-05T09:00:00+01:00',
			timeZone: 'Europe/Berlin',
			checkedAt: '2026-01-04T12:00:00.000Z',
		});
		const now = await runConversation({ operation: 'checkBusinessHours' }, openNow());
		expect(now.itemsOf('Conversation')[0].json).toMatchObject({ withinBusinessHours: true, nextOpenAt: null, timeZone: 'UTC' });
		expect(Math.abs(Date.parse(now.itemsOf('Conversation')[0].json.checkedAt as string) - Date.now())).toBeLessThan(60_000);
	});

	it('is always open without business hours', async () => {
		const result = await runConversation({ operation: 'checkBusinessHours', time: '2026-01-04T12:00:00Z' }, {});
		expect(result.itemsOf('Conversation')[0].json).toMatchObject({ withinBusinessHours: true, nextOpenAt: null, timeZone: null });
	});

	it('reports unreadable hours and times as node errors naming the field and the fix', async () => {
		const zone = await runConversation({ operation: 'checkBusinessHours' }, { ...OFFICE, businessTimeZone: 'Europe/Berlinn' });
		expect(zone.status).toBe('error');
		expect(zone.error?.message).toBe('Time Zone: "Europe/Berlinn" is not a known time zone');
		expect(zone.error?.description).toContain('(code BUSINESS_HOURS_TIME_ZONE_INVALID)');

		const time = await runConversation({ operation: 'checkBusinessHours', time: '={{ $json.missing }}x' }, OFFICE, { continueOnFail: true });
		expect(time.itemsOf('Conversation')[0].json).toMatchObject({ code: 'BUSINESS_HOURS_TIME_INVALID', error: 'Time: "x" is not a date and time' });
	});
});

describe('WhatsApp Conversation: Set Variables', () => {
	it('merges flags into the conversation, which Get reads back', async () => {
		await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: MARIA, timestamp: Date.now() })] }), { now: Date.now(), inactivityTimeoutMs: HOUR });
		const conversation = await wa.store.findOpenConversation(wa.simulator.phoneNumberId, MARIA);
		const id = { __rl: true, mode: 'id', value: conversation?.id };
		const set = await runConversation({ operation: 'setVariables', conversationId: id, variables: { variable: [{ name: 'awayMessageSent', value: 'true' }, { name: '', value: 'ignored' }] } }, {});
		expect(set.itemsOf('Conversation')[0].json).toMatchObject({ conversationId: conversation?.id, inputVariables: { awayMessageSent: 'true' } });
		const get = await runConversation({ operation: 'get', conversationId: id, includeTranscript: false }, {});
		expect(get.itemsOf('Conversation')[0].json.inputVariables).toEqual({ awayMessageSent: 'true' });
	});
});

/**
 * n8n's IF node is not installed for these tests: this stand-in routes as the example's IF nodes are
 * configured (one boolean condition, true to output 0, false to output 1).
 */
class BooleanIf implements INodeType {
	description = {
		displayName: 'IF (stand-in)',
		name: 'if',
		group: ['transform'],
		version: [2.2],
		description: '',
		defaults: {},
		inputs: ['main'],
		outputs: ['main', 'main'],
		properties: [{ displayName: 'Conditions', name: 'conditions', type: 'json', default: {} }],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const routes: INodeExecutionData[][] = [[], []];
		this.getInputData().forEach((item, itemIndex) => {
			const value = this.getNodeParameter('conditions.conditions[0].leftValue', itemIndex);
			routes[value === true ? 0 : 1].push({ ...item, pairedItem: { item: itemIndex } });
		});
		return routes;
	}
}

describe('sandbox example: away message outside business hours, once per conversation', () => {
	const example = JSON.parse(readFileSync(resolve(__dirname, '../../sandbox/workflows/away-message.json'), 'utf8')) as {
		nodes: Array<WorkflowNode & { type: string }>;
		connections: WorkflowNode['parameters'];
	};
	const nodes = example.nodes
		.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
		.map((node) => ({ ...node, type: node.type.replace(/^n8n-nodes-whatsapp-conversations\./, '').replace(/^n8n-nodes-base\./, '') }));

	async function runExample(credentialOverrides: IDataObject, text: string) {
		const item = await receivedItem(credentialOverrides, Date.now(), text);
		// The simulator keeps its own 24-hour windows, as Meta does; this message opened Maria's.
		wa.simulator.openWindow(MARIA);
		return await runWorkflow({
			nodeTypes: {
				whatsAppMessageReceivedTrigger: new WhatsAppMessageReceivedTrigger(),
				whatsAppConversation: new WhatsAppConversation(),
				whatsAppSendMessage: new WhatsAppSendMessage(),
				if: new BooleanIf(),
			},
			credentialTypes,
			credentials: wa.credentials(credentialOverrides),
			workflow: { nodes, connections: example.connections as never },
			mode: 'webhook',
			startNode: 'WhatsApp Message Received',
			triggerOutput: [[item]],
		});
	}
	let before = 0;
	beforeEach(() => {
		before = wa.simulator.requestsTo('POST', '/messages').length;
	});
	const awayMessages = () =>
		wa.simulator
			.requestsTo('POST', '/messages')
			.slice(before)
			.filter((request) => JSON.stringify(request.body).includes("We're closed right now"));

	it('sends the away message on the first message outside the hours, not on the next ones of the conversation', async () => {
		const first = await runExample(closedNow(), 'Hi, are you there?');
		expect(first.status).toBe('success');
		expect(first.executedNodes).toContain('Remember Away Message Sent');
		expect(awayMessages()).toHaveLength(1);
		const opensOn = new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10);
		expect(JSON.stringify(awayMessages()[0].body)).toContain(`open again ${new Date(`${opensOn}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })} at 00:00`);

		const second = await runExample(closedNow(), 'Hello???');
		expect(second.status).toBe('success');
		expect(second.executedNodes).not.toContain('Send Away Message');
		expect(awayMessages()).toHaveLength(1);
	});

	it('sends nothing within the hours', async () => {
		const result = await runExample(openNow(), 'Hi!');
		expect(result.status).toBe('success');
		expect(result.executedNodes).not.toContain('Get Conversation');
		expect(awayMessages()).toHaveLength(0);
	});
});
