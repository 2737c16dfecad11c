// Delivery failures reaching a workflow: a message sent through Send Message (n8n's engine) that Meta
// later reports failed starts Message Received with Delivery Failures on, with what was sent, Meta's
// error and the fix hint; the Meta simulator signs the failed status as Meta does.
import type { INodeParameters } from 'n8n-workflow';

import { CloudApiClient, sendTemplateMessage, TemplateCatalog } from '../../core';
import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { DEFAULT_APP_SECRET } from '../../tools/meta-simulator/meta-simulator';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { useMessageTriggers } from './support/message-triggers';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { runWorkflow } from './support/workflow-runner';

const CUSTOMER = '+16505551234';
const CUSTOMER_WA_ID = '16505551234';
const HOUR = 3_600_000;

const wa = useWhatsAppFixture({ webhook: { statuses: false } });
const triggers = useMessageTriggers(wa, DEFAULT_APP_SECRET, 'verify-token');

beforeEach(async () => {
	await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: CUSTOMER_WA_ID, customerName: 'Alex', timestamp: Date.now() - 60_000 })] }), {
		now: Date.now(),
		inactivityTimeoutMs: HOUR,
	});
	wa.simulator.openWindow(CUSTOMER_WA_ID);
});

async function sendText(text: string): Promise<string> {
	const result = await runWorkflow({
		nodeTypes: { whatsAppSendMessage: new WhatsAppSendMessage() },
		credentialTypes,
		credentials: wa.credentials(),
		workflow: { nodes: [whatsAppNode('Send', 'whatsAppSendMessage', { to: CUSTOMER, text })], connections: {} },
		inputItems: [{ json: {} }],
	});
	expect(result.error).toBeUndefined();
	const [sent] = wa.simulator.sentTo(CUSTOMER).slice(-1);
	return sent.wamid;
}

/** Meta's status webhook for the message, as the simulator signs it, posted to the trigger's URL. */
async function reportStatus(harness: { webhook(request: { body: Buffer; headers: Record<string, string> }): Promise<{ response: { statusCode: number } }> }, wamid: string, status: 'delivered' | 'failed', errorCode?: number) {
	const delivery = await wa.simulator.deliverStatus(wamid, status, { errorCode });
	const call = await harness.webhook({ body: delivery.rawBody, headers: { 'content-type': 'application/json', 'x-hub-signature-256': delivery.signature } });
	expect(call.response.statusCode).toBe(200);
}

async function activate(workflowId: string, parameters: INodeParameters) {
	return triggers.activeTrigger(workflowId, { markAsRead: false, ...parameters });
}

describe('Message Received with Delivery Failures', () => {
	it('starts the workflow for a failed send with its context, Meta error and fix hint, and not for other statuses', async () => {
		const { harness, active } = await activate('wf-failures', { includeDeliveryFailures: true });
		const wamid = await sendText('Your table for 4 is booked for 8 pm.');
		await reportStatus(harness, wamid, 'delivered');
		await reportStatus(harness, wamid, 'failed', 131026);

		const [[item]] = await active.nextEmit(5000);
		const conversation = await wa.store.findOpenConversation(wa.simulator.phoneNumberId, CUSTOMER_WA_ID);
		expect(item.json).toMatchObject({
			event: 'status',
			status: 'failed',
			messageId: wamid,
			conversationId: conversation?.id,
			customerId: CUSTOMER_WA_ID,
			customerPhone: CUSTOMER,
			customerName: 'Alex',
			messageType: 'text',
			templateName: null,
			text: 'Your table for 4 is booked for 8 pm.',
			sentAt: expect.any(String),
			errorCode: 131026,
			errorTitle: 'Message undeliverable',
			errorMessage: 'Message undeliverable',
			errorDetails: expect.stringMatching(/^Unable to deliver message/),
			failureReason: 'not_on_whatsapp',
			fixHint: expect.stringMatching(/not on WhatsApp/),
			authenticated: true,
		});
		// The delivered status before it started nothing.
		await new Promise((wait) => setTimeout(wait, 300));
		expect(active.recorder.emitted).toHaveLength(1);
	});

	it("names the template of a failed marketing send, opts the customer out on Meta's 131050, and runs once per failure", async () => {
		const { harness, active } = await activate('wf-template-failure', { includeDeliveryFailures: true });
		// Sent as Send Template sends it (the node's own tests cover its form).
		const client = new CloudApiClient({ provider: 'meta', baseUrl: wa.simulator.url, accessToken: wa.simulator.accessToken, phoneNumberId: wa.simulator.phoneNumberId, businessAccountId: wa.simulator.businessAccountId });
		const { wamid } = await sendTemplateMessage(
			{ store: wa.store, client, phoneNumberId: wa.simulator.phoneNumberId, businessAccountId: wa.simulator.businessAccountId, tier: 'TIER_250', inactivityTimeoutMs: HOUR, templates: new TemplateCatalog(client) },
			{ to: CUSTOMER, name: 'seasonal_promotion', languageCode: 'en_US', body: ['summer', '20%'] },
		);
		await reportStatus(harness, wamid, 'failed', 131050);
		await reportStatus(harness, wamid, 'failed', 131050);
		const [[item]] = await active.nextEmit(5000);
		expect(item.json).toMatchObject({
			messageType: 'template',
			templateName: 'seasonal_promotion',
			templateLanguage: 'en_US',
			text: null,
			errorCode: 131050,
			failureReason: 'marketing_opted_out',
			fixHint: expect.stringMatching(/marketing/),
		});
		expect((await wa.store.getContact(wa.simulator.phoneNumberId, CUSTOMER_WA_ID))?.optedOut).toBe(true);
		await new Promise((wait) => setTimeout(wait, 300));
		expect(active.recorder.emitted).toHaveLength(1);
	});

	it('leaves failures out unless asked, and Include Status Updates items of failures carry the hint too', async () => {
		const { harness: plain, active: plainActive } = await activate('wf-plain', {});
		const { active: statusesActive } = await activate('wf-statuses', { includeStatuses: true });
		const wamid = await sendText('See you soon');
		await reportStatus(plain, wamid, 'failed', 131047);
		const [[status]] = await statusesActive.nextEmit(5000);
		expect(status.json).toMatchObject({ status: 'failed', errorCode: 131047, failureReason: 'window_closed', fixHint: expect.stringMatching(/template/), text: 'See you soon' });
		await new Promise((wait) => setTimeout(wait, 300));
		expect(plainActive.recorder.emitted).toHaveLength(0);
	});
});
