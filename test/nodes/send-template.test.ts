// WhatsApp Send Template through n8n's own execution engine, against the Meta simulator over HTTP,
// with the embedded store in a temporary folder.
import type { IDataObject, INodeParameters, ResourceMapperField, ResourceMapperValue } from 'n8n-workflow';

import { WhatsAppSendTemplate } from '../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { templateMapperFields } from '../../nodes/shared/methods/template-fields';
import { defaultTemplates } from '../../tools/meta-simulator/seed';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { chain, loadOptionsContext, runWorkflow, type WorkflowNode } from './support/workflow-runner';

const TYPE = 'whatsAppSendTemplate';
const nodeTypes = { [TYPE]: new WhatsAppSendTemplate() };
const CUSTOMER = '+16505551234';
const CUSTOMER_WA_ID = '16505551234';
const HOUR = 3_600_000;

const wa = useWhatsAppFixture();


const template = (value: string, mode = 'list') => ({ __rl: true, mode, value });
const variables = (value: ResourceMapperValue['value'], schema: ResourceMapperField[] = []): ResourceMapperValue => ({
	mappingMode: 'defineBelow',
	value,
	matchingColumns: [],
	schema,
	attemptToConvertTypes: false,
	convertFieldsToString: false,
});

function sendNode(parameters: INodeParameters, settings: Partial<WorkflowNode> = {}): WorkflowNode {
	return whatsAppNode('Send', TYPE, { to: CUSTOMER, ...parameters }, settings);
}

/** Runs one node, or several chained in order, on the input items. */
async function run(nodes: WorkflowNode | WorkflowNode[], inputItems: IDataObject[] = [{}], credentialOverrides: IDataObject = {}) {
	const chained = [nodes].flat();
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: wa.credentials(credentialOverrides),
		workflow: { nodes: chained, connections: chain(...chained.map((node) => node.name)) },
		inputItems: inputItems.map((json) => ({ json })),
	});
}

function lastTemplatePayload(): IDataObject {
	const sent = wa.simulator.requestsTo('POST', '/messages');
	return (sent[sent.length - 1].body as IDataObject).template as IDataObject;
}

async function openWindow(waId: string): Promise<void> {
	await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: waId, timestamp: Date.now() })] }), {
		now: Date.now(),
		inactivityTimeoutMs: HOUR,
	});
}

describe('WhatsApp Send Template: sending', () => {
	it('maps positional variables from expressions per item, in placeholder order, and reports the limit', async () => {
		const result = await run(
			sendNode({
				to: '={{ $json.phone }}',
				template: template('coupon_expiration_reminder_number_vars|en'),
				variables: variables({ 'body.2': '={{ $json.days }}', 'body.1': '={{ $json.code }}', 'header.1': '={{ $json.name }}' }),
			}),
			[
				{ phone: '+1 650-555-1234', name: 'Pablo', code: 'SUMMER20', days: 10 },
				{ phone: '+16505559876', name: 'Ana', code: 'FALL15', days: 3 },
			],
		);
		expect(result.status).toBe('success');
		const items = result.itemsOf('Send');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toEqual({
			messageId: expect.stringMatching(/^wamid\./),
			customerId: CUSTOMER_WA_ID,
			waId: CUSTOMER_WA_ID,
			to: CUSTOMER,
			conversationId: expect.any(String),
			isNewConversation: true,
			template: { name: 'coupon_expiration_reminder_number_vars', language: 'en', category: 'MARKETING' },
			messageStatus: expect.any(String),
			windowOpen: false,
			dailyLimit: { counted: true, used: 1, limit: 250, remaining: 249, tier: 'TIER_250' },
		});
		expect(items[1].json.dailyLimit).toEqual({ counted: true, used: 2, limit: 250, remaining: 248, tier: 'TIER_250' });

		const requests = wa.simulator.requestsTo('POST', '/messages');
		const first = (requests[requests.length - 2].body as IDataObject).template as IDataObject;
		expect(first.components).toEqual([
			{ type: 'header', parameters: [{ type: 'text', text: 'Pablo' }] },
			{
				type: 'body',
				parameters: [
					{ type: 'text', text: 'SUMMER20' },
					{ type: 'text', text: '10' },
				],
			},
		]);

		// The send joined a business-initiated conversation in the wa.store.
		const conversation = await wa.store.getConversation(items[0].json.conversationId as string);
		expect(conversation).toMatchObject({ customerId: CUSTOMER_WA_ID, initiatedBy: 'business', status: 'open' });
	});

	it('finds a template typed by name with a separate language, and sends named variables', async () => {
		const result = await run(
			sendNode({
				template: template('order_confirmation', 'name'),
				language: 'en_US',
				variables: variables({ 'body.first_name': 'Pablo', 'body.order_number': '860198-230332' }),
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('Send')[0].json.template).toEqual({ name: 'order_confirmation', language: 'en_US', category: 'UTILITY' });
		expect(lastTemplatePayload()).toEqual({
			name: 'order_confirmation',
			language: { code: 'en_US' },
			components: [
				{
					type: 'body',
					parameters: [
						{ type: 'text', parameter_name: 'first_name', text: 'Pablo' },
						{ type: 'text', parameter_name: 'order_number', text: '860198-230332' },
					],
				},
			],
		});
	});

	it("sends a named text header from the mapper's field, bound to its placeholder by name", async () => {
		const seeded = defaultTemplates().find((t) => t.name === 'shipping_update')!;
		const result = await run(
			sendNode({
				template: template('shipping_update|en_US'),
				variables: variables(
					{ 'header.order_id': '={{ $json.order }}', 'body.first_name': 'Pablo', 'body.delivery_date': 'March 7th' },
					templateMapperFields(seeded),
				),
			}),
			[{ order: 'SKBUP2-4CPIG9' }],
		);
		expect(result.error).toBeUndefined();
		expect(lastTemplatePayload()).toEqual({
			name: 'shipping_update',
			language: { code: 'en_US' },
			components: [
				{ type: 'header', parameters: [{ type: 'text', parameter_name: 'order_id', text: 'SKBUP2-4CPIG9' }] },
				{
					type: 'body',
					parameters: [
						{ type: 'text', parameter_name: 'first_name', text: 'Pablo' },
						{ type: 'text', parameter_name: 'delivery_date', text: 'March 7th' },
					],
				},
			],
		});
	});

	it('takes the only language of a template typed by name alone, or name|language', async () => {
		for (const value of ['order_tracking', 'order_tracking|en_US']) {
			const result = await run(
				sendNode({ template: template(value, 'name'), variables: variables({ 'body.1': 'SKBUP2-4CPIG9', 'button.0': 'SKBUP2' }) }),
			);
			expect(result.error).toBeUndefined();
			expect(lastTemplatePayload()).toEqual({
				name: 'order_tracking',
				language: { code: 'en_US' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: 'SKBUP2-4CPIG9' }] },
					{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'SKBUP2' }] },
				],
			});
		}
	});

	it('sends an image header from a link', async () => {
		const result = await run(
			sendNode({
				template: template('reservation_confirmation|en_US'),
				variables: variables({
					'header.media': 'https://cdn.example.com/table.jpg',
					'body.number_of_guests': '4',
					'body.day': 'Saturday',
					'body.date': 'August 30th, 2025',
					'body.time': '7:30 pm',
				}),
			}),
		);
		expect(result.error).toBeUndefined();
		expect((lastTemplatePayload().components as IDataObject[])[0]).toEqual({
			type: 'header',
			parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/table.jpg' } }],
		});
	});

	it('inside an open window the send does not count, but the usage is still reported', async () => {
		await wa.store.reserveDailyLimit({ scope: wa.simulator.businessAccountId, customerId: '15550000001', tier: 'TIER_250', now: Date.now() });
		await openWindow(CUSTOMER_WA_ID);
		const result = await run(sendNode({ template: template('hello_world|en_US'), variables: variables(null) }));
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('Send')[0].json).toMatchObject({
			isNewConversation: false,
			windowOpen: true,
			dailyLimit: { counted: false, used: 1, limit: 250, remaining: 249, tier: 'TIER_250' },
		});
	});

	it("sends to a username customer by the trigger's customerId (their BSUID): `recipient`, their window, their opt-out", async () => {
		const bsuid = 'US.13491208655302741918';
		await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: bsuid, customerWaId: null, customerUserId: bsuid, timestamp: Date.now() })] }), {
			now: Date.now(),
			inactivityTimeoutMs: HOUR,
		});
		const result = await run(sendNode({ to: '={{ $json.customerId }}', template: template('hello_world|en_US'), variables: variables(null) }), [{ customerId: bsuid }]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('Send')[0].json).toMatchObject({ customerId: bsuid, waId: null, to: null, isNewConversation: false, windowOpen: true, dailyLimit: { counted: false } });
		const request = wa.simulator.requestsTo('POST', '/messages').at(-1)?.body as IDataObject;
		expect(request).toMatchObject({ recipient: bsuid, type: 'template' });
		expect(request).not.toHaveProperty('to');

		await wa.store.setOptOut(wa.simulator.phoneNumberId, bsuid, true, Date.now());
		const marketing = await run(
			sendNode({ to: bsuid, template: template('seasonal_promotion|en_US'), variables: variables({ 'body.1': 'summer', 'body.2': '20%' }) }, { continueOnFail: true }),
		);
		expect(marketing.itemsOf('Send')[0].json).toMatchObject({ code: 'CONTACT_OPTED_OUT' });
	});

	it('a customer already reached today costs nothing more', async () => {
		const node = sendNode({ template: template('hello_world|en_US'), variables: variables(null) });
		await run(node);
		const again = await run(node);
		expect(again.itemsOf('Send')[0].json.dailyLimit).toEqual({ counted: false, used: 1, limit: 250, remaining: 249, tier: 'TIER_250' });
	});

	it('reports an unlimited tier as no limit', async () => {
		const result = await run(sendNode({ template: template('hello_world|en_US'), variables: variables(null) }), [{}], {
			messagingTier: 'TIER_UNLIMITED',
		});
		expect(result.itemsOf('Send')[0].json.dailyLimit).toEqual({ counted: true, used: 1, limit: null, remaining: null, tier: 'TIER_UNLIMITED' });
	});
});

describe('WhatsApp Send Template: refusals', () => {
	async function refusal(parameters: INodeParameters, prepare?: () => Promise<void>) {
		await prepare?.();
		const before = wa.simulator.requestsTo('POST', '/messages').length;
		const result = await run(sendNode(parameters, { continueOnFail: true }));
		expect(result.status).toBe('success');
		const [item] = result.itemsOf('Send');
		expect(item.pairedItem).toEqual({ item: 0 });
		return { json: item.json, sent: wa.simulator.requestsTo('POST', '/messages').length - before };
	}

	it.each([
		['an unknown template', { template: template('order_updat|en_US'), variables: variables(null) }, 'TEMPLATE_NOT_FOUND'],
		['a template still pending review', { template: template('address_update|en_US'), variables: variables({ 'body.1': 'Pablo' }) }, 'TEMPLATE_NOT_APPROVED'],
		['a language the template lacks', { template: template('hello_world|fr'), variables: variables(null) }, 'TEMPLATE_LANGUAGE_UNAVAILABLE'],
		['a name in several languages without one', { template: template('seasonal_promotion', 'name'), variables: variables({ 'body.1': 'a', 'body.2': 'b' }) }, 'TEMPLATE_LANGUAGE_UNAVAILABLE'],
		['a missing variable', { template: template('order_confirmation|en_US'), variables: variables({ 'body.first_name': 'Pablo' }) }, 'TEMPLATE_PARAMETERS_MISMATCH'],
		['a missing named header', { template: template('shipping_update|en_US'), variables: variables({ 'body.first_name': 'Pablo', 'body.delivery_date': 'March 7th' }) }, 'TEMPLATE_PARAMETERS_MISMATCH'],
		['an empty variable', { template: template('order_tracking|en_US'), variables: variables({ 'body.1': ' ', 'button.0': 'x' }) }, 'TEMPLATE_PARAMETERS_MISMATCH'],
		['a missing header image', { template: template('reservation_confirmation|en_US'), variables: variables({ 'body.number_of_guests': '4', 'body.day': 'Sat', 'body.date': 'Aug 30', 'body.time': '7 pm' }) }, 'TEMPLATE_PARAMETERS_MISMATCH'],
		['an invalid phone number', { to: '12345', template: template('hello_world|en_US'), variables: variables(null) }, 'INVALID_PHONE_NUMBER'],
	])('%s becomes an error item with its code, and nothing is sent', async (_what, parameters, code) => {
		const { json, sent } = await refusal(parameters as INodeParameters);
		expect(json).toMatchObject({ code, error: expect.any(String), hint: expect.any(String), retryable: false });
		expect(sent).toBe(0);
	});

	it("reports n8n's own check of the mapper's schema when a required variable is unset", async () => {
		const seeded = defaultTemplates().find((t) => t.name === 'order_tracking')!;
		const { json, sent } = await refusal({
			template: template('order_tracking|en_US'),
			variables: variables({ 'body.1': null, 'button.0': 'SKBUP2' }, templateMapperFields(seeded)),
		});
		expect(json.error).toContain('body.1');
		expect(sent).toBe(0);
	});

	it('refuses a marketing template to a contact who opted out, but not a utility one', async () => {
		const optOut = () => wa.store.setOptOut(wa.simulator.phoneNumberId, CUSTOMER_WA_ID, true, Date.now()).then(() => undefined);
		const marketing = await refusal({ template: template('seasonal_promotion|en_US'), variables: variables({ 'body.1': 'summer', 'body.2': '20%' }) }, optOut);
		expect(marketing.json.code).toBe('CONTACT_OPTED_OUT');
		expect(marketing.sent).toBe(0);
		const utility = await run(sendNode({ template: template('hello_world|en_US'), variables: variables(null) }));
		expect(utility.error).toBeUndefined();
	});

	it('refuses once the daily limit is reached (retryable), and still lets a reached customer through', async () => {
		const now = Date.now();
		for (let index = 0; index < 249; index++) {
			await wa.store.reserveDailyLimit({ scope: wa.simulator.businessAccountId, customerId: `1555000${String(index).padStart(4, '0')}`, tier: 'TIER_250', now });
		}
		const node = sendNode({ to: '={{ $json.phone }}', template: template('hello_world|en_US'), variables: variables(null) }, { continueOnFail: true });
		const result = await run(node, [{ phone: CUSTOMER }, { phone: '+16505559876' }, { phone: CUSTOMER }]);
		const items = result.itemsOf('Send');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.dailyLimit).toEqual({ counted: true, used: 250, limit: 250, remaining: 0, tier: 'TIER_250' });
		expect(items[1].json).toMatchObject({ code: 'DAILY_LIMIT_REACHED', retryable: true });
		expect(items[2].json.dailyLimit).toMatchObject({ counted: false, used: 250, remaining: 0 });
	});

	it("gives the limit unit back when Meta refuses the message, and reports Meta's error", async () => {
		wa.simulator.failNext(1, { code: 131026, match: (request) => request.method === 'POST' && request.path.endsWith('/messages') });
		const { json } = await refusal({ template: template('hello_world|en_US'), variables: variables(null) });
		expect(json.code).toBe('META_131026');
		expect(await wa.store.dailyLimitUsage(wa.simulator.businessAccountId, Date.now())).toBe(0);
	});

	it('fails the execution with the message and the fix when not continuing on fail', async () => {
		const result = await run(sendNode({ template: template('order_confirmation|en_US'), variables: variables({ 'body.first_name': 'Pablo' }) }));
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('order_number');
		expect(result.error?.description).toContain('code TEMPLATE_PARAMETERS_MISMATCH');
		expect(result.nodeError('Send')).toBeDefined();
	});

	it('goes on with the next node after an error item, paired to its input', async () => {
		const result = await run(
			[
				sendNode({ to: '={{ $json.phone }}', template: template('hello_world|en_US'), variables: variables(null) }, { continueOnFail: true }),
				whatsAppNode('Again', TYPE, { to: `={{ $json.to ?? '${CUSTOMER}' }}`, template: template('hello_world|en_US'), variables: variables(null) }),
			],
			[{ phone: 'not a phone' }, { phone: CUSTOMER }],
		);
		expect(result.status).toBe('success');
		expect(result.itemsOf('Send')[0].json.code).toBe('INVALID_RECIPIENT');
		expect(result.itemsOf('Again').map((item) => [item.json.to, item.pairedItem])).toEqual([
			[CUSTOMER, { item: 0 }],
			[CUSTOMER, { item: 1 }],
		]);
	});
});

describe('WhatsApp Send Template: template variables in the editor', () => {
	async function fieldsFor(parameters: INodeParameters) {
		const node = sendNode({ variables: variables(null), ...parameters });
		const context = await loadOptionsContext({ nodeTypes, credentials: wa.credentials(), credentialTypes, node, parameterPath: 'parameters.variables' });
		return await nodeTypes[TYPE].methods.resourceMapping.getTemplateFields.call(context);
	}

	it('lists a field per placeholder of the picked template, with the examples', async () => {
		const { fields } = await fieldsFor({ template: template('coupon_expiration_reminder_number_vars|en') });
		expect(fields.map((field) => [field.id, field.displayName, field.required, field.type])).toEqual([
			['header.1', 'Header {{1}} (e.g. Pablo)', true, 'string'],
			['body.1', 'Body {{1}} (e.g. SUMMER20)', true, 'string'],
			['body.2', 'Body {{2}} (e.g. 10)', true, 'string'],
			['button.1', 'Button 2 "Unsubscribe": payload sent back when tapped (optional)', false, 'string'],
		]);
	});

	it('asks for the header image and the named placeholders', async () => {
		const { fields } = await fieldsFor({ template: template('reservation_confirmation', 'name'), language: 'en_US' });
		expect(fields.map((field) => field.id)).toEqual(['header.media', 'body.number_of_guests', 'body.day', 'body.date', 'body.time', 'button.2']);
		const seeded = defaultTemplates().find((t) => t.name === 'reservation_confirmation')!;
		expect(fields).toEqual(templateMapperFields(seeded));
	});

	it('asks for a named text header by its placeholder', async () => {
		const { fields } = await fieldsFor({ template: template('shipping_update|en_US') });
		expect(fields.map((field) => [field.id, field.displayName])).toEqual([
			['header.order_id', 'Header {{order_id}} (e.g. SKBUP2-4CPIG9)'],
			['body.first_name', 'Body {{first_name}} (e.g. Pablo)'],
			['body.delivery_date', 'Body {{delivery_date}} (e.g. March 7th)'],
		]);
	});

	it('explains an empty list: no template, none without variables, unknown, ambiguous language', async () => {
		expect(await fieldsFor({ template: template('') })).toEqual({ fields: [], emptyFieldsNotice: 'Choose a template first' });
		expect((await fieldsFor({ template: template('hello_world|en_US') })).emptyFieldsNotice).toMatch(/no variables/);
		expect((await fieldsFor({ template: template('nope|en_US') })).emptyFieldsNotice).toMatch(/No template named "nope"/);
		expect((await fieldsFor({ template: template('seasonal_promotion', 'name') })).emptyFieldsNotice).toBe(
			'"seasonal_promotion" exists in en_US, es: choose one of these languages',
		);
	});
});
