/** Creating, reading and deleting templates against the simulator's Graph API endpoints. */
import { buildTemplateCreateRequest } from '../../../core';
import { CloudApiError } from '../../../core/cloud-api';
import { makeClient, rejectionOf, useSimulator } from './helpers';

describe('template management', () => {
	const sim = useSimulator();
	const request = () =>
		buildTemplateCreateRequest({
			name: 'pickup_ready',
			language: 'en_US',
			category: 'UTILITY',
			body: 'Hi {{1}}, your order is ready for pickup.',
			bodyExamples: { '1': 'Pablo' },
		});

	it('creates a template as PENDING, reads it by ID once approved, and lists its previous category', async () => {
		const { client } = makeClient(sim);
		const created = await client.createTemplate(request());
		expect(created).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });
		expect(sim.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v25.0/${sim.businessAccountId}/message_templates`, body: request() });

		sim.setTemplateStatus('pickup_ready', 'en_US', 'APPROVED');
		sim.state.setTemplateCategory('pickup_ready', 'en_US', 'MARKETING');
		const read = await client.getTemplate(created.id);
		expect(read).toMatchObject({ id: created.id, name: 'pickup_ready', status: 'APPROVED', category: 'MARKETING', previous_category: 'UTILITY', parameter_format: 'POSITIONAL' });
		expect(sim.requests.at(-1)?.path).toBe(`/v25.0/${created.id}`);
		const [listed] = await client.listAllTemplates({ name: 'pickup_ready', category: 'MARKETING' });
		expect(listed.previous_category).toBe('UTILITY');
	});

	it("answers a duplicate name and language with Meta's 100 / 2388024 and its message", async () => {
		const { client } = makeClient(sim);
		await client.createTemplate(request());
		const error = (await rejectionOf(() => client.createTemplate(request()))) as CloudApiError;
		expect(error).toBeInstanceOf(CloudApiError);
		expect(error).toMatchObject({ code: 'META_100', metaCode: 100, subcode: 2388024, retryable: false });
		expect(error.message).toContain('There is already en_US content for this template');
		const body = sim.requests.at(-1)?.responseBody as { error: Record<string, unknown> };
		expect(body.error).toMatchObject({ code: 100, error_subcode: 2388024, error_user_title: 'Content in This Language Already Exists', is_transient: false });
	});

	it("answers Meta's creation errors for what a client sends unchecked", async () => {
		const { client } = makeClient(sim);
		const bad = { ...request(), name: 'Pickup Ready' };
		expect(await rejectionOf(() => client.createTemplate(bad))).toMatchObject({ code: 'META_100' });
		const dangling = { ...request(), components: [{ type: 'BODY', text: '{{1}} is ready.', example: { body_text: [['Pablo']] } }] };
		expect(await rejectionOf(() => client.createTemplate(dangling))).toMatchObject({ code: 'META_100', subcode: 2388299 });
		const noExample = { ...request(), components: [{ type: 'BODY', text: 'Hi {{1}}, ready.' }] };
		expect(((await rejectionOf(() => client.createTemplate(noExample))) as CloudApiError).message).toContain('without sample values');
		expect(sim.state.findTemplates('pickup_ready')).toHaveLength(0);
	});

	it('deletes one version by hsm_id or every language by name; a disabled one is refused', async () => {
		const { client } = makeClient(sim);
		const [english, spanish] = sim.state.findTemplates('seasonal_promotion');
		await client.deleteTemplate({ name: 'seasonal_promotion', templateId: spanish.id });
		expect(sim.requests.at(-1)?.query).toEqual({ name: 'seasonal_promotion', hsm_id: spanish.id });
		expect(sim.state.findTemplates('seasonal_promotion')).toEqual([english]);
		await client.deleteTemplate({ name: 'seasonal_promotion' });
		expect(sim.state.findTemplates('seasonal_promotion')).toEqual([]);
		expect(await rejectionOf(() => client.deleteTemplate({ name: 'seasonal_promotion' }))).toMatchObject({ code: 'META_100' });

		sim.setTemplateStatus('flash_sale_old', 'en_US', 'DISABLED');
		expect(await rejectionOf(() => client.deleteTemplate({ name: 'flash_sale_old' }))).toMatchObject({ code: 'META_100' });
	});

	it('tells listeners about status and category changes', () => {
		const changes: string[] = [];
		sim.state.templateChangeListeners.push((change) => changes.push(`${change.kind}:${change.previous}->${change.kind === 'status' ? change.template.status : change.template.category}`));
		sim.setTemplateStatus('address_update', 'en_US', 'APPROVED');
		sim.state.setTemplateCategory('address_update', 'en_US', 'MARKETING');
		expect(changes).toEqual(['status:PENDING->APPROVED', 'category:UTILITY->MARKETING']);
	});
});
