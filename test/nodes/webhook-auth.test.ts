// Nothing unauthenticated gets in, through n8n's own machinery: activation (webhookMethods.create and
// trigger() as n8n-core runs them) refuses a trigger whose URL could not authenticate deliveries;
// 360dialog's header secret is checked at the endpoint; the testing option shows its warning and
// marks its items; the "Listen for test event" wake request works once and not after its expiry.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { NodeHelpers, NodeOperationError, type IDataObject, type INodeParameters, type INodeProperties, type INodeType } from 'n8n-workflow';

import { signPayload } from '../../core/webhook/signature';
import { WhatsAppConversationsApi } from '../../credentials/WhatsAppConversationsApi.credentials';
import { WhatsAppConversationEndedTrigger } from '../../nodes/WhatsAppConversationEndedTrigger/WhatsAppConversationEndedTrigger.node';
import { WhatsAppConversationStartedTrigger } from '../../nodes/WhatsAppConversationStartedTrigger/WhatsAppConversationStartedTrigger.node';
import { WhatsAppMessageReceivedTrigger } from '../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { createWakeRequest } from '../../nodes/shared/trigger/manual-listen';
import { createTriggerHarness, type TriggerHarness } from './support/trigger-runner';
import { credentialTypes, useWhatsAppFixture } from './support/whatsapp-fixture';

const APP_SECRET = 'auth-node-app-secret';
const VERIFY_TOKEN = 'auth-node-verify-token';
const HEADER = { name: 'X-Webhook-Secret', value: 'auth-node-header-secret-71c0' };
const SAMPLES = resolve(__dirname, '../fixtures/meta-samples');
const sample = (name: string) => readFileSync(join(SAMPLES, name));
const json = { 'content-type': 'application/json' };

const wa = useWhatsAppFixture();

async function harness(nodeType: INodeType, credential: IDataObject, parameters: INodeParameters = {}, workflowId = 'wf-auth'): Promise<TriggerHarness> {
	return createTriggerHarness({
		nodeType,
		node: { parameters, webhookId: `hook-${workflowId}` },
		credentials: wa.credentials(credential),
		credentialTypes,
		workflowId,
	});
}

const meta = (overrides: IDataObject = {}) => ({ provider: 'meta', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, ...overrides });
const dialog360 = (overrides: IDataObject = {}) => ({ provider: '360dialog', webhookHeaderName: HEADER.name, webhookHeaderSecret: HEADER.value, ...overrides });

/** The error activation fails with, whichever of n8n's two activation steps refuses first. */
async function activationRefusals(trigger: TriggerHarness): Promise<{ create: NodeOperationError; activate: Error }> {
	const create = await trigger.webhookMethod('create').then(
		() => {
			throw new Error('webhookMethods.create accepted the trigger');
		},
		(error: unknown) => error,
	);
	const activate = await trigger.activate().then(
		() => {
			throw new Error('activation succeeded');
		},
		(error: unknown) => error,
	);
	expect(create).toBeInstanceOf(NodeOperationError);
	expect(activate).toBeInstanceOf(Error);
	return { create: create as NodeOperationError, activate: activate as Error };
}

describe('provider Meta', () => {
	it.each([
		['an empty App Secret', { appSecret: '' }],
		['no App Secret at all', { appSecret: undefined }],
		['only whitespace as App Secret', { appSecret: '   ' }],
	])('does not activate with %s, and says where the secret is found', async (_label, overrides) => {
		for (const nodeType of [new WhatsAppMessageReceivedTrigger(), new WhatsAppConversationStartedTrigger(), new WhatsAppConversationEndedTrigger()]) {
			const trigger = await harness(nodeType, meta(overrides));
			const { create, activate } = await activationRefusals(trigger);
			expect(create.message).toMatch(/no App Secret/);
			expect(create.description).toMatch(/App settings > Basic > App secret/);
			expect(activate.message).toMatch(/no App Secret \(Meta App Dashboard > App settings > Basic > App secret\)/);
			expect((activate as Error & { description?: string }).description).toMatch(/App settings > Basic > App secret/);
		}
	});

	it('does not activate even with the testing option on: Meta signs every delivery', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), meta({ appSecret: '' }), { acceptUnsignedDeliveries: true });
		expect((await activationRefusals(trigger)).create.message).toMatch(/no App Secret/);
	});

	it('does not activate without a Verify Token, which the handshake needs', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), meta({ verifyToken: '' }));
		const { create } = await activationRefusals(trigger);
		expect(create.message).toMatch(/no Verify Token/);
		expect(create.description).toMatch(/WhatsApp > Configuration/);
	});

	it('refuses deliveries at the URL with 500 if the App Secret was removed after activation', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), meta({ appSecret: '' }));
		const body = sample('meta_docs_text.json');
		const call = await trigger.webhook({ body, headers: { ...json, 'x-hub-signature-256': signPayload(body, '') } });
		expect(call.response.statusCode).toBe(500);
		expect(call.response.bodyText).toMatch(/no App Secret/);
		expect(await wa.store.listConversations({})).toEqual([]);
	});

	it('activates with both, and its items say the delivery was authenticated', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), meta());
		expect(await trigger.webhookMethod('create')).toBe(true);
		const active = await trigger.activate();
		const body = sample('meta_docs_text.json');
		expect((await trigger.webhook({ body, headers: { ...json, 'x-hub-signature-256': signPayload(body, APP_SECRET) } })).response.statusCode).toBe(200);
		const [[item]] = await active.nextEmit(5000);
		expect(item.json).toMatchObject({ type: 'text', authenticated: true });
		await active.close();
	});
});

describe('provider 360dialog: the webhook header secret', () => {
	it('does not activate without a header secret, naming the fields and 360dialog\'s setting', async () => {
		for (const overrides of [{ webhookHeaderName: '', webhookHeaderSecret: '' }, { webhookHeaderSecret: '' }, { webhookHeaderName: '' }]) {
			const trigger = await harness(new WhatsAppMessageReceivedTrigger(), dialog360(overrides));
			const { create } = await activationRefusals(trigger);
			expect(create.message).toMatch(/Webhook Header Secret|header/);
		}
		const none = await harness(new WhatsAppMessageReceivedTrigger(), dialog360({ webhookHeaderName: '', webhookHeaderSecret: '' }));
		const { create } = await activationRefusals(none);
		expect(create.message).toMatch(/360dialog does not sign/);
		expect(create.description).toMatch(/\/v1\/configs\/webhook/);
		expect(create.description).toMatch(/Accept Unsigned Deliveries \(Testing Only\)/);
	});

	it('ignores an App Secret left in the credential: 360dialog does not sign', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), dialog360({ webhookHeaderName: '', webhookHeaderSecret: '', appSecret: APP_SECRET }));
		await activationRefusals(trigger);
	});

	it('stores a delivery carrying the header and refuses a missing, wrong or doubled one with 401', async () => {
		const trigger = await harness(new WhatsAppMessageReceivedTrigger(), dialog360());
		const active = await trigger.activate();
		const body = sample('meta_docs_text.json');
		const attempts: Array<Record<string, string>> = [{}, { [HEADER.name]: 'auth-node-header-secret-71c1' }, { [HEADER.name]: `${HEADER.value}, ${HEADER.value}` }, { 'x-hub-signature-256': signPayload(body, HEADER.value) }];
		for (const headers of attempts) {
			const refused = await trigger.webhook({ body, headers: { ...json, ...headers } });
			expect(refused.response.statusCode).toBe(401);
			expect(refused.response.bodyText).not.toContain(HEADER.value);
		}
		expect(await wa.store.listConversations({})).toEqual([]);

		const accepted = await trigger.webhook({ body, headers: { ...json, [HEADER.name.toLowerCase()]: HEADER.value } });
		expect(accepted.response.statusCode).toBe(200);
		const [[item]] = await active.nextEmit(5000);
		expect(item.json).toMatchObject({ text: 'Does it come in another color?', authenticated: true });
		await active.close();
	});
});

describe('Accept Unsigned Deliveries (Testing Only)', () => {
	const description = new WhatsAppMessageReceivedTrigger().description;
	const property = (name: string): INodeProperties => {
		const found = description.properties.find((candidate) => candidate.name === name);
		if (!found) throw new Error(`no property ${name}`);
		return found;
	};
	const shown = (parameters: INodeParameters, name: string) => NodeHelpers.displayParameter(parameters, property(name), { typeVersion: 1 }, description);

	it('is off by default and shows its warning notice only while on, on every trigger', () => {
		for (const nodeType of [new WhatsAppMessageReceivedTrigger(), new WhatsAppConversationStartedTrigger(), new WhatsAppConversationEndedTrigger()]) {
			const names = nodeType.description.properties.map((candidate) => candidate.name);
			expect(names).toEqual(expect.arrayContaining(['acceptUnsignedDeliveries', 'acceptUnsignedNotice']));
		}
		expect(property('acceptUnsignedDeliveries')).toMatchObject({ displayName: 'Accept Unsigned Deliveries (Testing Only)', type: 'boolean', default: false });
		expect(property('acceptUnsignedNotice').type).toBe('notice');
		expect(property('acceptUnsignedNotice').displayName).toMatch(/fake customer messages/);
		expect(shown({ acceptUnsignedDeliveries: true }, 'acceptUnsignedNotice')).toBe(true);
		expect(shown({ acceptUnsignedDeliveries: false }, 'acceptUnsignedNotice')).toBe(false);
		expect(shown({}, 'acceptUnsignedNotice')).toBe(false);
	});

	it('lets a 360dialog trigger without a header secret activate; its items are authenticated: false and other triggers ignore them', async () => {
		const testing = await harness(new WhatsAppMessageReceivedTrigger(), dialog360({ webhookHeaderName: '', webhookHeaderSecret: '' }), { acceptUnsignedDeliveries: true }, 'wf-testing');
		const strict = await harness(new WhatsAppMessageReceivedTrigger(), dialog360(), {}, 'wf-strict');
		const startedStrict = await harness(new WhatsAppConversationStartedTrigger(), dialog360(), {}, 'wf-strict-started');
		const activeTesting = await testing.activate();
		const activeStrict = await strict.activate();
		const activeStarted = await startedStrict.activate();

		const unsigned = sample('meta_docs_text.json');
		expect((await testing.webhook({ body: unsigned, headers: json })).response.statusCode).toBe(200);
		const [[fake]] = await activeTesting.nextEmit(5000);
		expect(fake.json).toMatchObject({ text: 'Does it come in another color?', authenticated: false });

		// A delivery with the header, at the strict trigger's URL: everyone gets it, as authenticated.
		// Meta's image and text samples share one example wamid: give the image its own.
		const real = Buffer.from(sample('meta_docs_image.json').toString().replace('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=', 'wamid.image-after-fake'));
		expect((await strict.webhook({ body: real, headers: { ...json, [HEADER.name]: HEADER.value } })).response.statusCode).toBe(200);
		const [[realItem]] = await activeStrict.nextEmit(5000);
		expect(realItem.json).toMatchObject({ type: 'image', authenticated: true });
		expect((await activeTesting.nextEmit(5000))[0][0].json).toMatchObject({ type: 'image', authenticated: true });

		// The strict triggers passed over the unauthenticated message and the conversation it opened
		// (the samples are months old, so the image opens a conversation of its own).
		await new Promise((wait) => setTimeout(wait, 300));
		expect(activeStrict.recorder.emitted).toHaveLength(1);
		expect(activeStarted.recorder.emitted.map(({ data: [[item]] }) => item.json)).toEqual([
			expect.objectContaining({ firstMessage: expect.objectContaining({ messageId: 'wamid.image-after-fake' }), authenticated: true }),
		]);
		await activeTesting.close();
		await activeStrict.close();
		await activeStarted.close();
	});

	it('marks a status update from an unsigned delivery authenticated: false', async () => {
		const testing = await harness(new WhatsAppMessageReceivedTrigger(), { provider: 'custom', appSecret: APP_SECRET }, { acceptUnsignedDeliveries: true, includeStatuses: true });
		const active = await testing.activate();
		const body = sample('meta_docs_status_sent.json');
		expect((await testing.webhook({ body, headers: { ...json, 'x-hub-signature-256': signPayload(body, 'not-the-secret') } })).response.statusCode).toBe(200);
		const [[item]] = await active.nextEmit(5000);
		expect(item.json).toMatchObject({ event: 'status', authenticated: false });
		await active.close();
	});
});

describe('provider custom (a proxy or the simulator)', () => {
	it('needs an App Secret or a header secret, and accepts either proof', async () => {
		const none = await harness(new WhatsAppMessageReceivedTrigger(), { provider: 'custom', appSecret: '' });
		expect((await activationRefusals(none)).create.message).toMatch(/neither an App Secret nor a Webhook Header Secret/);

		const both = await harness(new WhatsAppMessageReceivedTrigger(), { provider: 'custom', appSecret: APP_SECRET, webhookHeaderName: HEADER.name, webhookHeaderSecret: HEADER.value });
		const body = sample('meta_docs_text.json');
		expect((await both.webhook({ body, headers: { ...json, 'x-hub-signature-256': signPayload(body, APP_SECRET) } })).response.statusCode).toBe(200);
		expect((await both.webhook({ body, headers: { ...json, [HEADER.name]: HEADER.value } })).response.statusCode).toBe(200);
		expect((await both.webhook({ body, headers: json })).response.statusCode).toBe(401);
	});
});

describe('the credential', () => {
	const credential = new WhatsAppConversationsApi();
	const field = (name: string) => {
		const found = credential.properties.find((candidate) => candidate.name === name);
		if (!found) throw new Error(`no field ${name}`);
		return found;
	};
	const shownFor = (provider: string, name: string) => NodeHelpers.displayParameter({ provider }, field(name), null, null);

	it('asks each provider only for what checks its webhooks', () => {
		expect(['meta', '360dialog', 'custom'].map((provider) => shownFor(provider, 'appSecret'))).toEqual([true, false, true]);
		expect(['meta', '360dialog', 'custom'].map((provider) => shownFor(provider, 'webhookHeaderSecret'))).toEqual([false, true, true]);
		expect(['meta', '360dialog', 'custom'].map((provider) => shownFor(provider, 'webhookHeaderName'))).toEqual([false, true, true]);
		expect(field('webhookHeaderSecret').typeOptions).toMatchObject({ password: true });
		expect(field('appSecret').description).toMatch(/App settings > Basic > App secret/);
	});
});

describe('"Listen for test event" wake request', () => {
	async function manualTrigger(): Promise<TriggerHarness> {
		return harness(new WhatsAppMessageReceivedTrigger(), { provider: 'custom', appSecret: APP_SECRET }, {}, 'wf-wake');
	}

	it('starts the test run once; the same request again is refused and handled as an unsigned delivery', async () => {
		const trigger = await manualTrigger();
		const wake = createWakeRequest(trigger.workflow.id, trigger.node.id, 7);
		const first = await trigger.webhook({ mode: 'manual', headers: wake.headers, body: JSON.stringify(wake.body) });
		expect(first.workflowData).toEqual([[{ json: { eventId: 7 } }]]);
		const replay = await trigger.webhook({ mode: 'manual', headers: wake.headers, body: JSON.stringify(wake.body) });
		expect(replay.workflowData).toBeUndefined();
		expect(replay.response.statusCode).toBe(401);
	});

	it('refuses an expired wake request, one for another node, and one whose body was changed', async () => {
		const trigger = await manualTrigger();
		const expired = createWakeRequest(trigger.workflow.id, trigger.node.id, 7, Date.now() - 61_000);
		expect((await trigger.webhook({ mode: 'manual', headers: expired.headers, body: JSON.stringify(expired.body) })).response.statusCode).toBe(401);

		const otherNode = createWakeRequest(trigger.workflow.id, 'another-node', 7);
		expect((await trigger.webhook({ mode: 'manual', headers: otherNode.headers, body: JSON.stringify(otherNode.body) })).response.statusCode).toBe(401);

		const changed = createWakeRequest(trigger.workflow.id, trigger.node.id, 7);
		const later = { ...changed.body, expiresAt: changed.body.expiresAt + 3_600_000 };
		expect((await trigger.webhook({ mode: 'manual', headers: changed.headers, body: JSON.stringify(later) })).response.statusCode).toBe(401);
		// The untouched request is still good: a forged copy does not spend its nonce.
		expect((await trigger.webhook({ mode: 'manual', headers: changed.headers, body: JSON.stringify(changed.body) })).workflowData).toEqual([[{ json: { eventId: 7 } }]]);
	});
});
