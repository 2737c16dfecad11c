// The Conversation node's Get Usage and Get's delivery state through n8n's own execution engine:
// templates sent with WhatsApp Send Template to the Meta simulator, whose status webhooks (with Meta's
// pricing, or a failure) are stored the way the trigger endpoint stores them.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { parseWebhookBody } from '../../core';
import { WhatsAppConversation } from '../../nodes/WhatsAppConversation/WhatsAppConversation.node';
import { WhatsAppSendTemplate } from '../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { BUSINESS, inbound, webhookOf } from '../../tools/traffic/builders';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { runWorkflow } from './support/workflow-runner';

const nodeTypes = { whatsAppConversation: new WhatsAppConversation(), whatsAppSendTemplate: new WhatsAppSendTemplate() };
const HOUR = 3_600_000;
const MARIA = '16505551234';
const JUAN = '34612345678';

const wa = useWhatsAppFixture({ webhook: { statuses: false } });

async function run(node: { name: string; type: string; parameters: INodeParameters }): Promise<IDataObject> {
	const result = await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: wa.credentials(),
		workflow: { nodes: [whatsAppNode(node.name, node.type, node.parameters)], connections: {} },
		inputItems: [{ json: {} }],
	});
	expect(result.error).toBeUndefined();
	return result.itemsOf(node.name, 0)[0].json;
}

/** Sends a template with the Send Template node; returns its wamid. */
async function sendTemplate(to: string, template: string, values: Record<string, string> = {}): Promise<string> {
	const variables = { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] };
	const sent = await run({ name: 'Send', type: 'whatsAppSendTemplate', parameters: { to, template: { __rl: true, mode: 'list', value: template }, variables } });
	return String(sent.messageId);
}

/** The simulator's status webhook, parsed and stored as the trigger endpoint does. */
async function statusArrives(wamid: string, status: 'sent' | 'delivered' | 'failed', errorCode?: number): Promise<void> {
	const delivery = await wa.simulator.deliverStatus(wamid, status, { errorCode });
	await wa.store.ingest(parseWebhookBody(delivery.rawBody), { now: Date.now(), inactivityTimeoutMs: HOUR });
}

describe('Get Usage', () => {
	it("counts billable and free messages from Meta's pricing, prices them, and shows the daily limit's use", async () => {
		// Maria wrote: a utility template inside her window is free. Juan did not: a marketing template is billed.
		await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: MARIA, timestamp: Date.now() - 60_000 })] }), { now: Date.now(), inactivityTimeoutMs: HOUR });
		wa.simulator.openWindow(MARIA);
		const free = await sendTemplate(`+${MARIA}`, 'hello_world|en_US');
		const billed = await sendTemplate(`+${JUAN}`, 'seasonal_promotion|en_US', { 'body.1': 'summer', 'body.2': '20%' });
		for (const wamid of [free, billed]) {
			await statusArrives(wamid, 'sent');
			await statusArrives(wamid, 'delivered');
		}

		const usage = await run({
			name: 'Usage',
			type: 'whatsAppConversation',
			parameters: { operation: 'getUsage', period: 'today', prices: { price: [{ category: 'marketing', price: 0.0625 }, { category: 'utility', price: 0.01 }] }, currency: 'EUR' },
		});
		const juan = await wa.store.findOpenConversation(BUSINESS.phoneNumberId, JUAN);
		const today = new Date().toISOString().slice(0, 10);
		expect(usage).toMatchObject({
			phoneNumberId: wa.simulator.phoneNumberId,
			messages: 2,
			billable: 1,
			free: 1,
			estimatedCost: 0.0625,
			currency: 'EUR',
			unpricedCategories: [],
			byNumber: [{ phoneNumberId: wa.simulator.phoneNumberId, messages: 2, billable: 1 }],
			byCategory: [
				{ category: 'marketing', billable: 1, free: 0, price: 0.0625, estimatedCost: 0.0625 },
				{ category: 'utility', billable: 0, free: 1, price: 0.01, estimatedCost: 0 },
			],
			byDay: [{ day: today, messages: 2, billable: 1 }],
			dailyLimit: { used: 1, tier: 'TIER_250', limit: 250, remaining: 249, tierFrom: 'credential' },
		});
		expect((usage.byConversation as IDataObject[])[0]).toMatchObject({ conversationId: juan?.id, customerId: JUAN, billable: 1 });
		expect(usage.summaryText).toBe(`WhatsApp usage ${today}: 1 billable of 2 priced messages (marketing 1). Estimated cost: 0.0625 EUR. Daily limit: 1 of 250 customers reached in the last 24 h.`);

		// Yesterday had nothing; without prices there is no estimate; conversations can be left out.
		const yesterday = await run({ name: 'Usage', type: 'whatsAppConversation', parameters: { operation: 'getUsage', period: 'yesterday', options: { includeConversations: false } } });
		expect(yesterday).toMatchObject({ messages: 0, billable: 0, estimatedCost: null, byDay: [] });
		expect(yesterday).not.toHaveProperty('byConversation');
	});

	it('refuses a custom period that is not a date range', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: wa.credentials(),
			workflow: { nodes: [whatsAppNode('Usage', 'whatsAppConversation', { operation: 'getUsage', period: 'custom', from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' })], connections: {} },
			inputItems: [{ json: {} }],
		});
		expect(result.error?.message).toBe('To must be after From');
	});
});

describe("Get's delivery state", () => {
	it('shows each business message as sent, delivered, read or failed, a failure with Meta\'s error and the fix hint', async () => {
		const wamid = await sendTemplate(`+${JUAN}`, 'seasonal_promotion|en_US', { 'body.1': 'summer', 'body.2': '20%' });
		await statusArrives(wamid, 'sent');
		await statusArrives(wamid, 'failed', 131049);
		const conversation = await wa.store.findOpenConversation(BUSINESS.phoneNumberId, JUAN);
		const got = await run({ name: 'Get', type: 'whatsAppConversation', parameters: { operation: 'get', conversationId: { __rl: true, mode: 'id', value: conversation?.id } } });
		expect(got.failedMessages).toBe(1);
		expect((got.transcript as IDataObject[])[0]).toMatchObject({
			direction: 'outbound',
			type: 'template',
			status: 'failed',
			wamid,
			delivery: {
				status: 'failed',
				at: expect.any(String),
				errorCode: 131049,
				errorTitle: 'This message was not delivered to maintain healthy ecosystem engagement.',
				errorDetails: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
				failureReason: 'marketing_frequency_cap',
				fixHint: expect.stringMatching(/try again in a day/),
			},
		});
	});
});
