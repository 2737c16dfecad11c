/**
 * Customers who use a WhatsApp username reach the business by a business-scoped user id (BSUID) only.
 * The client sends to them with Meta's `recipient` field (never `to`), and the simulator treats the
 * window, the answer and the status webhooks per user as Meta documents it.
 */
import { buildTemplateMessage, buildTextMessage, CloudApiError } from '../../../core/cloud-api';
import { parseWebhook } from '../../../core/webhook/parse';
import { CUSTOMER, makeClient, rejectionOf, startWebhookSink, useSimulator, useSimulatorWithSink } from './helpers';

const BSUID = 'US.13491208655302741918';

describe('a BSUID recipient goes into `recipient`', () => {
	it('builders put a BSUID into recipient and leave `to` out; phone numbers stay in `to`', () => {
		expect(buildTextMessage({ to: BSUID, body: 'Hi' })).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			recipient: BSUID,
			type: 'text',
			text: { body: 'Hi' },
		});
		expect(buildTemplateMessage({ to: ' US.ENT.11815799212886844830 ', name: 'hello_world', languageCode: 'en_US' })).not.toHaveProperty('to');
		expect(buildTextMessage({ to: '+1 650 555 1234', body: 'Hi' })).toMatchObject({ to: '+1 650 555 1234' });
		expect(buildTextMessage({ to: '+1 650 555 1234', body: 'Hi' })).not.toHaveProperty('recipient');
	});
});

describe('CloudApiClient to a username customer, against the simulator', () => {
	const sim = useSimulator();

	it('sends `recipient`, and returns Meta\'s user_id with no wa_id', async () => {
		sim.openWindow(BSUID);
		const { client } = makeClient(sim);
		const result = await client.sendText({ to: BSUID, body: 'Hello' });
		expect(result).toMatchObject({ waId: null, userId: BSUID, input: BSUID });
		const [request] = sim.requestsTo('POST', `/${sim.phoneNumberId}/messages`);
		expect(request.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', recipient: BSUID, type: 'text', text: { body: 'Hello' } });
		expect(request.responseBody).toMatchObject({ contacts: [{ input: BSUID, user_id: BSUID }] });
		expect(sim.sentTo(BSUID).map((sent) => sent.wamid)).toEqual([result.wamid]);
	});

	it('keeps the window per user: free-form text is refused (131047) until that user writes', async () => {
		const { client } = makeClient(sim);
		const refused = await rejectionOf(() => client.sendText({ to: BSUID, body: 'Hello' }));
		expect(refused).toBeInstanceOf(CloudApiError);
		expect((refused as CloudApiError).metaCode).toBe(131047);
		// Another user's window is not this one's.
		sim.openWindow(CUSTOMER);
		expect((await rejectionOf(() => client.sendText({ to: BSUID, body: 'Hello' })) as CloudApiError).metaCode).toBe(131047);
		sim.openWindow(BSUID);
		await expect(client.sendText({ to: BSUID, body: 'Hello' })).resolves.toMatchObject({ userId: BSUID });
	});

	it('a user known by both ids has one window: writing by number opens it for sends to the BSUID', async () => {
		const sink = await startWebhookSink();
		try {
			sim.configureWebhook({ url: sink.url });
			await sim.simulateInbound({ from: CUSTOMER, userId: BSUID, text: 'Hi' });
			const { client } = makeClient(sim);
			await expect(client.sendText({ to: BSUID, body: 'Hello' })).resolves.toMatchObject({ userId: BSUID });
			await expect(client.sendText({ to: CUSTOMER, body: 'Hello' })).resolves.toMatchObject({ waId: CUSTOMER });
			expect(sim.sentTo(CUSTOMER)).toHaveLength(2);
		} finally {
			await sink.close();
		}
	});

	it('templates go to BSUIDs outside the window; authentication templates are refused with 131062', async () => {
		sim.addTemplate({
			name: 'login_code',
			language: 'en_US',
			status: 'APPROVED',
			category: 'AUTHENTICATION',
			components: [{ type: 'BODY', text: '{{1}} is your verification code.' }],
		});
		const { client } = makeClient(sim);
		await expect(client.sendTemplate({ to: BSUID, name: 'hello_world', languageCode: 'en_US' })).resolves.toMatchObject({ userId: BSUID, messageStatus: 'accepted' });
		const refused = await rejectionOf(() => client.sendTemplate({ to: BSUID, name: 'login_code', languageCode: 'en_US', body: ['123456'] }));
		expect((refused as CloudApiError).metaCode).toBe(131062);
	});

	it('refuses a malformed `recipient` as Meta does (100)', async () => {
		sim.openWindow(BSUID);
		const { client } = makeClient(sim);
		const refused = await rejectionOf(() => client.sendText({ to: 'US-1349', body: 'Hello' }));
		expect((refused as CloudApiError).metaCode).toBe(100);
		expect(sim.state.sentMessages).toHaveLength(0);
	});
});

describe('simulator webhooks for a username customer', () => {
	const { sim, sink } = useSimulatorWithSink();

	it('an inbound message carries from_user_id, contacts[].user_id and profile.username, and no phone number', async () => {
		const delivery = await sim.simulateInbound({ userId: BSUID, username: 'alex.shop', name: 'Alex', text: 'Hi there' });
		expect(delivery.message).toMatchObject({ from_user_id: BSUID, type: 'text' });
		expect(delivery.message).not.toHaveProperty('from');
		const [contact] = (sink.received[0].json as { entry: Array<{ changes: Array<{ value: { contacts: unknown[] } }> }> }).entry[0].changes[0].value.contacts;
		expect(contact).toEqual({ profile: { name: 'Alex', username: 'alex.shop' }, user_id: BSUID });

		const [message] = parseWebhook(sink.received[0].json).messages;
		expect(message).toMatchObject({ customerId: BSUID, customerWaId: null, customerUserId: BSUID, customerUsername: 'alex.shop', text: 'Hi there' });
		expect(sim.state.isWindowOpen(BSUID)).toBe(true);
	});

	it('statuses of a send to a BSUID name recipient_user_id and no recipient_id', async () => {
		sim.configureWebhook({ statuses: { stages: ['sent'] } });
		await sim.simulateInbound({ userId: BSUID, text: 'Hi' });
		const { client } = makeClient(sim);
		const sent = await client.sendText({ to: BSUID, body: 'Hello' });
		await sim.flushWebhooks();
		const statuses = sim.webhookDeliveries.filter((delivery) => delivery.kind === 'status');
		const payload = statuses[0].payload as { entry: Array<{ changes: Array<{ value: { statuses: Array<Record<string, unknown>> } }> }> };
		const [status] = payload.entry[0].changes[0].value.statuses;
		expect(status).toMatchObject({ id: sent.wamid, status: 'sent', recipient_user_id: BSUID });
		expect(status).not.toHaveProperty('recipient_id');
		expect(parseWebhook(payload).statuses[0]).toMatchObject({ wamid: sent.wamid, recipientId: BSUID });
	});
});
