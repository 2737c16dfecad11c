// WhatsApp Template through n8n's own execution engine, against the Meta simulator over HTTP; Send
// Template beside it for what a template's status and category do to a send.
import type { IDataObject, INodeParameters, ResourceMapperValue } from 'n8n-workflow';

import { WhatsAppSendTemplate } from '../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { WhatsAppTemplate } from '../../nodes/WhatsAppTemplate/WhatsAppTemplate.node';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { chain, loadOptionsContext, runWorkflow, type WorkflowNode } from './support/workflow-runner';

const nodeTypes = { whatsAppTemplate: new WhatsAppTemplate(), whatsAppSendTemplate: new WhatsAppSendTemplate() };
const CUSTOMER = '+16505551234';

// Small pages, so listing walks Meta's cursors.
const wa = useWhatsAppFixture({ templatePageSize: 2 });

const locator = (value: string, mode = 'list') => ({ __rl: true, mode, value });
const mapper = (value: ResourceMapperValue['value']): ResourceMapperValue => ({
	mappingMode: 'defineBelow',
	value,
	matchingColumns: [],
	schema: [],
	attemptToConvertTypes: false,
	convertFieldsToString: false,
});

function templateNode(parameters: INodeParameters, settings: Partial<WorkflowNode> = {}): WorkflowNode {
	return whatsAppNode('Template', 'whatsAppTemplate', parameters, settings);
}

function sendNode(template: string, values: ResourceMapperValue['value'], settings: Partial<WorkflowNode> = {}): WorkflowNode {
	return whatsAppNode('Send', 'whatsAppSendTemplate', { to: CUSTOMER, template: locator(template), variables: mapper(values) }, settings);
}

async function run(nodes: WorkflowNode | WorkflowNode[], inputItems: IDataObject[] = [{}]) {
	const chained = [nodes].flat();
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: wa.credentials(),
		workflow: { nodes: chained, connections: chain(...chained.map((node) => node.name)) },
		inputItems: inputItems.map((json) => ({ json })),
	});
}

const templateRequests = (method: string) => wa.simulator.requestsTo(method, '/message_templates');

// First in the file: the template catalog (shared by the sends in this process for a minute) is read
// here for the first time, after the simulator's template was recategorized.
describe('Send Template and what Meta did to a template', () => {
	it('says when Meta changed the category (previous_category in the template list)', async () => {
		wa.simulator.state.setTemplateCategory('hello_world', 'en_US', 'MARKETING');
		try {
			const result = await run(sendNode('hello_world|en_US', null));
			expect(result.error).toBeUndefined();
			expect(result.itemsOf('Send')[0].json.template).toEqual({ name: 'hello_world', language: 'en_US', category: 'MARKETING', previousCategory: 'UTILITY' });
			expect(templateRequests('GET')[0].query.fields).toContain('previous_category');
		} finally {
			const template = wa.simulator.state.findTemplates('hello_world')[0];
			template.category = 'UTILITY';
			delete template.previous_category;
		}
	});

	it('refuses a paused template before calling Meta, naming the status and when it resumes', async () => {
		const sendsBefore = wa.simulator.requestsTo('POST', '/messages').length;
		const result = await run(sendNode('flash_sale_old|en_US', null, { continueOnFail: true }));
		const [item] = result.itemsOf('Send');
		expect(item.json).toMatchObject({ code: 'TEMPLATE_NOT_APPROVED' });
		expect(item.json.error).toContain('paused by Meta for low quality');
		expect(item.json.hint).toContain('3 hours');
		expect(wa.simulator.requestsTo('POST', '/messages')).toHaveLength(sendsBefore);
	});
});

describe('WhatsApp Template: list and get', () => {
	it("lists with Meta's filters, walking every page for Return All", async () => {
		const before = templateRequests('GET').length;
		const result = await run(templateNode({ operation: 'list', returnAll: true, filters: { status: 'APPROVED', category: 'MARKETING' } }));
		expect(result.error).toBeUndefined();
		const items = result.itemsOf('Template');
		const expected = wa.simulator.state.templates.filter((t) => t.status === 'APPROVED' && t.category === 'MARKETING');
		expect(items.map((item) => `${item.json.name}|${item.json.language}`)).toEqual(expected.map((t) => `${t.name}|${t.language}`));
		expect(items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
		const requests = templateRequests('GET').slice(before);
		expect(requests[0].query).toMatchObject({ status: 'APPROVED', category: 'MARKETING' });
		expect(expected.length).toBeGreaterThan(2);
		expect(requests).toHaveLength(Math.ceil(expected.length / 2));
		expect(requests[1].query.after).toEqual(expect.any(String));
	});

	it('stops at the limit and filters by language and name', async () => {
		const limited = await run(templateNode({ operation: 'list', returnAll: false, limit: 4 }));
		expect(limited.itemsOf('Template')).toHaveLength(4);
		const spanish = await run(templateNode({ operation: 'list', returnAll: true, filters: { language: 'es', name: 'seasonal' } }));
		expect(spanish.itemsOf('Template').map((item) => item.json)).toEqual([
			expect.objectContaining({ name: 'seasonal_promotion', language: 'es', status: 'APPROVED', category: 'MARKETING', previousCategory: null, parameterFormat: 'POSITIONAL' }),
		]);
	});

	it('gets a template by name and language with its variables, every language by name alone, and by ID', async () => {
		const named = await run(templateNode({ operation: 'get', template: locator('order_confirmation|en_US') }));
		expect(named.itemsOf('Template')[0].json).toMatchObject({
			id: wa.simulator.state.findTemplates('order_confirmation')[0].id,
			name: 'order_confirmation',
			parameterFormat: 'NAMED',
			variables: ['body.first_name', 'body.order_number'],
		});
		const both = await run(templateNode({ operation: 'get', template: locator('seasonal_promotion', 'name'), language: '' }));
		expect(both.itemsOf('Template').map((item) => item.json.language)).toEqual(['en_US', 'es']);
		const byId = await run(templateNode({ operation: 'get', template: locator('1387372356726668', 'id') }));
		expect(byId.itemsOf('Template')[0].json).toMatchObject({ name: 'reservation_confirmation', language: 'en_US' });
		expect(wa.simulator.requestsTo('GET', '/1387372356726668')).toHaveLength(1);
	});

	it('names the fix for a template that does not exist', async () => {
		const result = await run(templateNode({ operation: 'get', template: locator('order_confirmaton', 'name'), language: 'en_US' }));
		expect(result.error?.message).toBe('No template "order_confirmaton" in en_US exists in this WhatsApp Business Account');
		expect(result.error?.description).toContain('WhatsApp Manager');
	});

	it('offers every template in the picker, pending ones too', async () => {
		const context = await loadOptionsContext({ nodeTypes, credentialTypes, credentials: wa.credentials(), node: templateNode({ operation: 'get' }), parameterPath: 'parameters.template' });
		const { results } = await new WhatsAppTemplate().methods.listSearch.searchAllTemplates.call(context, 'address');
		expect(results).toEqual([{ name: 'address_update (en_US, UTILITY, PENDING)', value: 'address_update|en_US' }]);
	});
});

describe('WhatsApp Template: create, approve, send, delete', () => {
	const create = (parameters: INodeParameters, settings: Partial<WorkflowNode> = {}) =>
		templateNode(
			{
				operation: 'create',
				name: 'delivery_window',
				language: 'en_US',
				category: 'UTILITY',
				parameterFormat: 'POSITIONAL',
				headerType: 'text',
				headerText: 'Order {{1}}',
				headerExample: 'A-1001',
				body: 'Hi {{1}}, your parcel arrives {{2}}.',
				bodyExamples: { examples: [{ variable: '1', example: 'Pablo' }, { variable: '{{2}}', example: 'tomorrow' }] },
				footer: 'Lucky Shrub',
				buttons: {
					button: [
						{ type: 'url', text: 'Track', url: 'https://www.luckyshrub.com/track/{{1}}', urlExample: 'A-1001' },
						{ type: 'quick_reply', text: 'Change time' },
					],
				},
				...parameters,
			},
			settings,
		);

	afterEach(() => {
		const { templates } = wa.simulator.state;
		for (let i = templates.length - 1; i >= 0; i--) if (templates[i].name === 'delivery_window') templates.splice(i, 1);
	});

	it('creates a template that starts PENDING, and once approved it sends with its variables', async () => {
		const result = await run(create({}));
		expect(result.error).toBeUndefined();
		const [item] = result.itemsOf('Template');
		expect(item.json).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: 'delivery_window', language: 'en_US', status: 'PENDING', category: 'UTILITY' });
		const posted = templateRequests('POST').at(-1)?.body as IDataObject;
		expect(posted).toMatchObject({ name: 'delivery_window', category: 'UTILITY', parameter_format: 'POSITIONAL' });
		expect(posted.components).toContainEqual({
			type: 'BUTTONS',
			buttons: [
				{ type: 'URL', text: 'Track', url: 'https://www.luckyshrub.com/track/{{1}}', example: ['https://www.luckyshrub.com/track/A-1001'] },
				{ type: 'QUICK_REPLY', text: 'Change time' },
			],
		});

		// Pending: Send Template refuses it before calling Meta.
		const pending = await run(sendNode('delivery_window|en_US', { 'header.1': 'A-7', 'body.1': 'Ana', 'body.2': 'today', 'button.0': 'A-7' }, { continueOnFail: true }));
		expect(pending.itemsOf('Send')[0].json.code).toBe('TEMPLATE_NOT_APPROVED');

		wa.simulator.setTemplateStatus('delivery_window', 'en_US', 'APPROVED');
		// The catalog keeps the list a minute; a Get reads Meta directly, and the create emptied the catalog.
		const approved = await run(templateNode({ operation: 'get', template: locator('delivery_window|en_US') }));
		expect(approved.itemsOf('Template')[0].json.status).toBe('APPROVED');
	});

	it('sends a created template once Meta approved it', async () => {
		await run(create({}));
		wa.simulator.setTemplateStatus('delivery_window', 'en_US', 'APPROVED');
		// A second create (refused by Meta as a duplicate) also empties the catalog, as any create does.
		const duplicate = await run(create({}, { continueOnFail: true }));
		expect(duplicate.itemsOf('Template')[0].json).toMatchObject({ code: 'META_100' });
		expect(String(duplicate.itemsOf('Template')[0].json.error)).toContain('There is already en_US content for this template');

		const sent = await run(sendNode('delivery_window|en_US', { 'header.1': 'A-7', 'body.1': 'Ana', 'body.2': 'today', 'button.0': 'A-7' }));
		expect(sent.error).toBeUndefined();
		expect(sent.itemsOf('Send')[0].json.template).toEqual({ name: 'delivery_window', language: 'en_US', category: 'UTILITY' });
		expect(wa.simulator.sentTo(CUSTOMER).at(-1)?.template?.name).toBe('delivery_window');
	});

	it("refuses what breaks Meta's rules before calling Meta, naming the field and the fix", async () => {
		const before = templateRequests('POST').length;
		const badName = await run(create({ name: 'Delivery Window' }));
		expect(badName.error?.name).toBe('NodeOperationError');
		expect(badName.error?.message).toContain('may only contain lowercase letters, digits and underscores');
		expect(badName.error?.description).toContain('"delivery_window"');
		expect(badName.error?.description).toContain('TEMPLATE_NAME_INVALID');

		const items = await run(
			[
				create({ name: '={{ $json.name }}', body: '={{ $json.body }}' }, { continueOnFail: true }),
			],
			[
				{ name: 'delivery_window', body: '{{1}} your parcel arrives {{2}}.' },
				{ name: 'delivery_window', body: 'Hi {{1}}, your parcel arrives {{3}}.' },
			],
		);
		expect(items.itemsOf('Template').map((item) => item.json.code)).toEqual(['TEMPLATE_VARIABLES_INVALID', 'TEMPLATE_VARIABLES_INVALID']);
		expect(items.itemsOf('Template').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(templateRequests('POST')).toHaveLength(before);
	});

	it("passes on Meta's own refusal with its message", async () => {
		// A refusal no pre-check can foresee (Meta reviewing the wording); the simulator's fault stands in for it.
		wa.simulator.failNext(1, { code: 100, subcode: 2388299, message: 'Invalid parameter', userTitle: "Variables can't be at the start or end of the template", userMessage: "Variables can't be at the start or end of the template.", match: (request) => request.method === 'POST' });
		const result = await run(create({}, { continueOnFail: true }));
		expect(result.itemsOf('Template')[0].json).toMatchObject({ code: 'META_100' });
	});

	it('creates an authentication template with Meta preset text', async () => {
		const result = await run(create({ name: 'login_code', category: 'AUTHENTICATION', addSecurityRecommendation: true, codeExpirationMinutes: 5, otpButtonText: 'Copy code' }));
		expect(result.error).toBeUndefined();
		const stored = wa.simulator.state.findTemplates('login_code')[0];
		expect(stored).toMatchObject({ status: 'PENDING', category: 'AUTHENTICATION' });
		expect(stored.components[0].text).toBe('*{{1}}* is your verification code. For your security, do not share this code.');
		wa.simulator.state.templates.splice(wa.simulator.state.templates.indexOf(stored), 1);
	});

	it('deletes one language by its ID, or every language by name', async () => {
		const versions = () => wa.simulator.state.findTemplates('seasonal_promotion').map((t) => t.language);
		const saved = wa.simulator.state.findTemplates('seasonal_promotion').map((t) => ({ ...t }));
		try {
			const context = await loadOptionsContext({ nodeTypes, credentialTypes, credentials: wa.credentials(), node: templateNode({ operation: 'get' }), parameterPath: 'parameters.template' });
			const picker = async () => (await new WhatsAppTemplate().methods.listSearch.searchAllTemplates.call(context, 'seasonal')).results.map((result) => result.value);
			expect(await picker()).toEqual(['seasonal_promotion|en_US', 'seasonal_promotion|es']);

			const one = await run(templateNode({ operation: 'delete', template: locator('seasonal_promotion|es'), allLanguages: false }));
			expect(one.itemsOf('Template')[0].json).toEqual({ deleted: true, name: 'seasonal_promotion', allLanguages: false, templateId: saved[1].id, language: 'es' });
			expect(templateRequests('DELETE').at(-1)?.query).toEqual({ name: 'seasonal_promotion', hsm_id: saved[1].id });
			expect(versions()).toEqual(['en_US']);
			// The picker's list is cached for a minute; the delete emptied it.
			expect(await picker()).toEqual(['seasonal_promotion|en_US']);

			const unclear = await run(templateNode({ operation: 'delete', template: locator('seasonal_promotion', 'name'), language: '' }));
			expect(unclear.error?.description).toContain('All Languages');

			wa.simulator.state.templates.push({ ...saved[1] });
			const all = await run(templateNode({ operation: 'delete', template: locator('seasonal_promotion', 'name'), language: '', allLanguages: true }));
			expect(all.itemsOf('Template')[0].json).toMatchObject({ deleted: true, allLanguages: true });
			expect(templateRequests('DELETE').at(-1)?.query).toEqual({ name: 'seasonal_promotion' });
			expect(versions()).toEqual([]);
		} finally {
			for (const t of wa.simulator.state.findTemplates('seasonal_promotion')) wa.simulator.state.templates.splice(wa.simulator.state.templates.indexOf(t), 1);
			wa.simulator.state.templates.push(...saved);
		}
	});
});

describe('WhatsApp Template: preview', () => {
	it('renders the message with the values a send takes', async () => {
		const result = await run(
			templateNode({ operation: 'preview', template: locator('coupon_expiration_reminder_number_vars|en'), variables: mapper({ 'header.1': '={{ $json.name }}', 'body.1': 'SUMMER20', 'body.2': '10' }) }),
			[{ name: 'Pablo' }],
		);
		expect(result.error).toBeUndefined();
		const { json } = result.itemsOf('Template')[0];
		expect(json.header).toEqual({ format: 'TEXT', text: 'Act fast, Pablo!', media: null });
		expect(String(json.text)).toContain('your exclusive coupon code, SUMMER20, *expires in only 10 days!*');
		expect(json.buttons).toEqual([
			{ type: 'URL', text: 'See deals', url: 'https://www.luckyshrub.com/deals' },
			{ type: 'QUICK_REPLY', text: 'Unsubscribe' },
		]);
	});

	it('asks for the variables of a template picked by ID too, and previews it', async () => {
		const id = String(wa.simulator.state.findTemplates('coupon_expiration_reminder_number_vars')[0].id);
		const node = templateNode({ operation: 'preview', template: locator(id, 'id'), variables: mapper({ 'header.1': 'Ana', 'body.1': 'FALL15', 'body.2': '3' }) });
		const context = await loadOptionsContext({ nodeTypes, credentialTypes, credentials: wa.credentials(), node, parameterPath: 'parameters.variables' });
		const { fields } = await new WhatsAppTemplate().methods.resourceMapping.getTemplateFields.call(context);
		expect(fields.map((field) => field.id)).toEqual(['header.1', 'body.1', 'body.2', 'button.1']);
		const result = await run(node);
		expect(result.itemsOf('Template')[0].json.header).toEqual({ format: 'TEXT', text: 'Act fast, Ana!', media: null });
	});

	it('names the missing values', async () => {
		const result = await run(templateNode({ operation: 'preview', template: locator('coupon_expiration_reminder_number_vars|en'), variables: mapper({ 'body.1': 'SUMMER20' }) }));
		expect(result.error?.message).toContain('Header {{1}} and Body {{2}}');
		expect(result.error?.description).toContain('TEMPLATE_PARAMETERS_MISMATCH');
	});
});
