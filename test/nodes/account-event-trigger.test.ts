// WhatsApp Account Event Trigger as n8n drives it (n8n-core's trigger machinery), fed the account
// webhooks the Meta simulator emits as Meta documents them, through the same endpoint as every trigger.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { signPayload } from '../../core/webhook/signature';
import { WhatsAppAccountEventTrigger } from '../../nodes/WhatsAppAccountEventTrigger/WhatsAppAccountEventTrigger.node';
import { WhatsAppSendTemplate } from '../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import type { WebhookDelivery } from '../../tools/meta-simulator/webhooks';
import { createTriggerHarness, type TriggerHarness } from './support/trigger-runner';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { runWorkflow } from './support/workflow-runner';

const APP_SECRET = 'account-events-secret';
const SAMPLES = resolve(__dirname, '../fixtures/meta-samples/account-events');

const wa = useWhatsAppFixture();

function credentials(overrides: IDataObject = {}) {
	return wa.credentials({ appSecret: APP_SECRET, verifyToken: 'verify', ...overrides });
}

async function harness(parameters: INodeParameters = {}, workflowId = 'wf-account'): Promise<TriggerHarness> {
	return createTriggerHarness({
		nodeType: new WhatsAppAccountEventTrigger(),
		node: { parameters, webhookId: `hook-${workflowId}` },
		credentials: credentials(),
		credentialTypes,
		workflowId,
	});
}

/** Meta's bytes and signature as the simulator sent them (its target answers nothing: we post them ourselves). */
async function lastAccountDelivery(): Promise<WebhookDelivery> {
	await wa.simulator.flushWebhooks();
	const delivery = wa.simulator.webhookDeliveries.filter((candidate) => candidate.kind === 'account').at(-1);
	if (!delivery) throw new Error('the simulator sent no account webhook');
	return delivery;
}

function fromMeta(delivery: WebhookDelivery) {
	return { body: delivery.rawBody, headers: { 'content-type': 'application/json', 'x-hub-signature-256': delivery.signature } };
}

function signedSample(name: string, transform: (body: string) => string = (body) => body) {
	const body = Buffer.from(transform(readFileSync(join(SAMPLES, name), 'utf8')));
	return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, APP_SECRET) } };
}

beforeEach(() => {
	// Nothing listens there: each test hands the simulator's signed bytes to the trigger's webhook.
	wa.simulator.configureWebhook({ url: 'http://127.0.0.1:9/meta', appSecret: APP_SECRET });
});

describe('WhatsApp Account Event Trigger', () => {
	it("emits Meta's template review once, with the template and the reason, even when Meta retries", async () => {
		const trigger = await harness();
		const active = await trigger.activate();
		wa.simulator.state.setTemplateStatus('order_confirmation', 'en_US', 'PAUSED', 'LOW_QUALITY');
		const delivery = await lastAccountDelivery();
		expect((await trigger.webhook(fromMeta(delivery))).response.statusCode).toBe(200);
		const [[item]] = await active.nextEmit(5000);
		expect(item.json).toMatchObject({
			kind: 'template_status',
			field: 'message_template_status_update',
			event: 'PAUSED',
			businessAccountId: wa.simulator.businessAccountId,
			template: { id: '1625063511800528', name: 'order_confirmation', language: 'en_US' },
			details: { reason: 'LOW_QUALITY', messageTemplateCategory: 'UTILITY' },
			authenticated: true,
		});
		expect(item.json.occurredAt).toEqual(expect.any(String));

		await trigger.webhook(fromMeta(delivery));
		await new Promise((wait) => setTimeout(wait, 300));
		expect(active.recorder.emitted).toHaveLength(1);
		await active.close();
	});

	it("starts only for the chosen kinds and the credential's account, unless told every account", async () => {
		const mine = await harness({ kinds: ['user_preference'] }, 'wf-preferences');
		const everyAccount = await harness({ kinds: ['account'], accountScope: 'all' }, 'wf-all');
		const activeMine = await mine.activate();
		const activeAll = await everyAccount.activate();
		const otherAccount = (body: string) => body.replace(/"102290129340398"/g, '"999999999999999"');

		await mine.webhook(signedSample('meta_docs_message_template_status_update.json'));
		await mine.webhook(signedSample('meta_docs_user_preferences.json', otherAccount));
		await mine.webhook(signedSample('meta_docs_account_update.json', otherAccount));
		const [[accountItem]] = await activeAll.nextEmit(5000);
		expect(accountItem.json).toMatchObject({ kind: 'account', event: 'ACCOUNT_VIOLATION', businessAccountId: '999999999999999' });

		// The simulator's account is the credential's: its customer's stop reaches this workflow.
		await wa.simulator.simulateAccountEvent('user_preferences', {
			messaging_product: 'whatsapp',
			metadata: { display_phone_number: '15550783881', phone_number_id: wa.simulator.phoneNumberId },
			contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
			user_preferences: [{ wa_id: '16505551234', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: Math.floor(Date.now() / 1000) }],
		});
		await mine.webhook(fromMeta(await lastAccountDelivery()));
		const [[preference]] = await activeMine.nextEmit(5000);
		expect(preference.json).toMatchObject({
			kind: 'user_preference',
			event: 'stop',
			customer: { waId: '16505551234', name: 'Sheena Nelson' },
			marketingOptOut: { customerId: '16505551234', optedOut: true },
		});
		await new Promise((wait) => setTimeout(wait, 300));
		expect(activeMine.recorder.emitted).toHaveLength(1);
		expect(activeAll.recorder.emitted).toHaveLength(1);
		expect(await wa.store.getContact(wa.simulator.phoneNumberId, '16505551234')).toMatchObject({ optedOut: true });
		await activeMine.close();
		await activeAll.close();
	});

	it("makes Send Template use a template the moment Meta's approval arrives (the cached list is dropped)", async () => {
		const send = () =>
			runWorkflow({
				nodeTypes: { whatsAppSendTemplate: new WhatsAppSendTemplate() },
				credentialTypes,
				credentials: credentials(),
				workflow: {
					nodes: [
						whatsAppNode('Send', 'whatsAppSendTemplate', {
							to: '+16505551234',
							template: { __rl: true, mode: 'list', value: 'seasonal_promotion|en_US' },
							variables: { mappingMode: 'defineBelow', value: { 'body.1': 'summer', 'body.2': '20%' }, matchingColumns: [], schema: [], attemptToConvertTypes: false, convertFieldsToString: false },
						}, { continueOnFail: true }),
					],
					connections: {},
				},
			});
		const trigger = await harness({}, 'wf-templates');
		const active = await trigger.activate();
		try {
			wa.simulator.state.setTemplateStatus('seasonal_promotion', 'en_US', 'PENDING');
			const pending = await send();
			expect(pending.itemsOf('Send', 0)[0].json).toMatchObject({ code: 'TEMPLATE_NOT_APPROVED' });

			// Approved at Meta; without the webhook the list cached by the refused send would still say PENDING.
			wa.simulator.state.setTemplateStatus('seasonal_promotion', 'en_US', 'APPROVED');
			await trigger.webhook(fromMeta(await lastAccountDelivery()));
			const approved = await send();
			expect(approved.itemsOf('Send', 0)[0].json).toMatchObject({ messageId: expect.stringMatching(/^wamid\./), template: { name: 'seasonal_promotion' } });
		} finally {
			await active.close();
		}
	});
});
