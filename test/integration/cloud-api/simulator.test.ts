/** The simulator itself: the 24-hour window on its clock, signed webhooks, statuses, redelivery, faults. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CUSTOMER_SERVICE_WINDOW_MS, DEFAULT_APP_SECRET, serializeLikeMeta, type MetaSimulator } from '../../../tools/meta-simulator/meta-simulator';
import { CUSTOMER, makeClient, startWebhookSink, useSimulator, withSimulator, type WebhookSink } from './helpers';

const HOUR = 60 * 60 * 1000;

function verifySignature(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
	const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
	const received = Buffer.from(String(header));
	return expected.length === received.length && timingSafeEqual(expected, received);
}

interface Notification {
	object: string;
	entry: Array<{ id: string; changes: Array<{ field: string; value: Record<string, unknown> }> }>;
}

function valueOf(json: unknown): Record<string, unknown> {
	return (json as Notification).entry[0].changes[0].value;
}

describe('the 24-hour customer-service window', () => {
	const sim = useSimulator();

	it('opens with an inbound message and closes 24 h later on the simulator clock', async () => {
		const { client } = makeClient(sim);
		await expect(client.sendText({ to: CUSTOMER, body: 'cold' })).rejects.toMatchObject({ code: 'META_131047' });

		await sim.simulateInbound({ from: CUSTOMER, text: 'Hi there' });
		await expect(client.sendText({ to: `+${CUSTOMER}`, body: 'warm' })).resolves.toMatchObject({ waId: CUSTOMER });

		sim.advanceTime(23 * HOUR);
		await expect(client.sendButtons({ to: CUSTOMER, body: 'still open', buttons: [{ id: 'y', title: 'Yes' }] })).resolves.toBeDefined();

		sim.advanceTime(2 * HOUR); // 25 h after the inbound message
		await expect(client.sendText({ to: CUSTOMER, body: 'too late' })).rejects.toMatchObject({ code: 'META_131047' });
		await expect(client.sendTemplate({ to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' })).resolves.toMatchObject({
			messageStatus: 'accepted',
		});
		expect(CUSTOMER_SERVICE_WINDOW_MS).toBe(24 * HOUR);
	});

	it('uses an injected base clock', async () => {
		let clock = 1_000_000;
		const timed = await withSimulator({ now: () => clock });
		try {
			timed.openWindow(CUSTOMER);
			clock += 24 * HOUR;
			const { client } = makeClient(timed);
			await expect(client.sendText({ to: CUSTOMER, body: 'x' })).rejects.toMatchObject({ code: 'META_131047' });
		} finally {
			await timed.close();
		}
	});
});

describe('webhooks', () => {
	let sim: MetaSimulator;
	let sink: WebhookSink;

	beforeEach(async () => {
		sink = await startWebhookSink();
		sim = await withSimulator({ webhook: { url: sink.url, statuses: false } });
	});

	afterEach(async () => {
		await sim.close();
		await sink.close();
	});

	it('delivers an inbound text in Meta\'s format, signed over the exact bytes', async () => {
		const delivery = await sim.simulateInbound({ from: '+16505551234', name: 'Sheena Nelson', text: 'Does it come in another color?' });
		expect(delivery.status).toBe(200);
		const [received] = sink.received;
		expect(received.headers['content-type']).toBe('application/json');
		expect(verifySignature(received.raw, received.headers['x-hub-signature-256'], DEFAULT_APP_SECRET)).toBe(true);
		expect(received.raw.equals(delivery.rawBody)).toBe(true);
		expect(delivery.message.timestamp).toMatch(/^\d{10}$/);
		expect(received.json).toEqual({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: sim.businessAccountId,
					changes: [
						{
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550783881', phone_number_id: sim.phoneNumberId },
								contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: CUSTOMER }],
								messages: [
									{
										from: CUSTOMER,
										id: delivery.wamid,
										timestamp: delivery.message.timestamp,
										type: 'text',
										text: { body: 'Does it come in another color?' },
									},
								],
							},
							field: 'messages',
						},
					],
				},
			],
		});
	});

	it('escapes non-ASCII as \\uXXXX in the signed bytes, as Meta does', async () => {
		await sim.simulateInbound({ from: CUSTOMER, name: 'Zoë', text: 'Grüße 😃' });
		const raw = sink.received[0].raw.toString('utf8');
		expect(raw).toContain('"name":"Zo\\u00eb"');
		expect(raw).toContain('"body":"Gr\\u00fc\\u00dfe \\ud83d\\ude03"');
		expect(/[^\x00-\x7f]/.test(raw)).toBe(false);
		expect(valueOf(sink.received[0].json).messages).toEqual([expect.objectContaining({ text: { body: 'Grüße 😃' } })]);
		expect(verifySignature(sink.received[0].raw, sink.received[0].headers['x-hub-signature-256'], DEFAULT_APP_SECRET)).toBe(true);
		expect(serializeLikeMeta({ a: 'é/' }, { escapeNonAscii: false, escapeSlashes: true })).toBe('{"a":"é\\/"}');
	});

	it('supports numeric timestamps, missing contacts, media, replies and a custom app secret', async () => {
		sim.configureWebhook({ appSecret: 'another-secret', timestampFormat: 'number' });
		const delivery = await sim.simulateInbound({
			from: CUSTOMER,
			type: 'audio',
			media: { voice: true, includeUrl: true },
			omitContacts: true,
			context: { id: 'wamid.earlier' },
		});
		const value = valueOf(sink.received[0].json);
		expect(value.contacts).toBeUndefined();
		const [message] = value.messages as Array<Record<string, unknown>>;
		expect(typeof message.timestamp).toBe('number');
		expect(message.context).toEqual({ from: sim.phoneNumberId, id: 'wamid.earlier' });
		expect(message.audio).toMatchObject({ mime_type: 'audio/ogg; codecs=opus', voice: true, id: expect.any(String), url: expect.stringContaining('/whatsapp_business/attachments/') });
		expect(verifySignature(delivery.rawBody, delivery.signature, 'another-secret')).toBe(true);
	});

	it('builds interactive, button, location and reaction messages', async () => {
		await sim.simulateInbound({ from: CUSTOMER, type: 'interactive', buttonReply: { id: 'change-button', title: 'Change' } });
		await sim.simulateInbound({ from: CUSTOMER, type: 'interactive', listReply: { id: 'priority_mail', title: 'Priority Mail', description: '1–3 Days' } });
		await sim.simulateInbound({ from: CUSTOMER, type: 'button', button: { text: 'Unsubscribe', payload: 'unsub' } });
		await sim.simulateInbound({ from: CUSTOMER, type: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'Shop' } });
		await sim.simulateInbound({ from: CUSTOMER, type: 'reaction', reaction: { messageId: 'wamid.x', emoji: '' } });
		const messages = sink.received.map((received) => (valueOf(received.json).messages as Array<Record<string, unknown>>)[0]);
		expect(messages.map((message) => message.type)).toEqual(['interactive', 'interactive', 'button', 'location', 'reaction']);
		expect(messages[0].interactive).toEqual({ type: 'button_reply', button_reply: { id: 'change-button', title: 'Change' } });
		expect(messages[1].interactive).toEqual({ type: 'list_reply', list_reply: { id: 'priority_mail', title: 'Priority Mail', description: '1–3 Days' } });
		expect(messages[2].button).toEqual({ payload: 'unsub', text: 'Unsubscribe' });
		expect(messages[4].reaction).toEqual({ message_id: 'wamid.x', emoji: '' });
	});

	it('delivers sent → delivered → read after an accepted message', async () => {
		sim.configureWebhook({ statuses: { delayMs: 5 } });
		await sim.simulateInbound({ from: CUSTOMER, text: 'hi' });
		const { client } = makeClient(sim);
		const sent = await client.sendText({ to: CUSTOMER, body: 'hello' });
		await sim.flushWebhooks();
		const statuses = sink.received.slice(1).map((received) => (valueOf(received.json).statuses as Array<Record<string, unknown>>)[0]);
		expect(statuses.map((status) => status.status)).toEqual(['sent', 'delivered', 'read']);
		expect(statuses[0]).toMatchObject({
			id: sent.wamid,
			recipient_id: CUSTOMER,
			pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
		});
		expect(sim.webhookDeliveries.filter((delivery) => delivery.kind === 'status')).toHaveLength(3);
	});

	it('in webhook failure mode, accepts the send and reports 131047 as a failed status', async () => {
		const asyncSim = await withSimulator({ failureMode: 'webhook', webhook: { url: sink.url, statuses: false } });
		try {
			const { client } = makeClient(asyncSim);
			const sent = await client.sendText({ to: CUSTOMER, body: 'outside the window' });
			await asyncSim.flushWebhooks();
			const [status] = valueOf(sink.received[0].json).statuses as Array<Record<string, unknown>>;
			expect(status).toMatchObject({
				id: sent.wamid,
				status: 'failed',
				errors: [{ code: 131047, title: 'Re-engagement message', href: '/documentation/business-messaging/whatsapp/support/error-codes' }],
			});
		} finally {
			await asyncSim.close();
		}
	});

	it('redelivers the same bytes and signature, and reports the target\'s status', async () => {
		const first = await sim.simulateInbound({ from: CUSTOMER, text: 'once' });
		sink.answer = 500;
		const again = await sim.redeliver(first);
		expect(again.status).toBe(500);
		expect(again.attempt).toBe(2);
		expect(sink.received[1].raw.equals(sink.received[0].raw)).toBe(true);
		expect(sink.received[1].headers['x-hub-signature-256']).toBe(sink.received[0].headers['x-hub-signature-256']);
	});

	it('delivers raw payloads with a forced signature, and reports an unreachable target', async () => {
		const forged = await sim.deliverRaw({ object: 'whatsapp_business_account', entry: [] }, { signature: 'sha256=00' });
		expect(sink.received[0].headers['x-hub-signature-256']).toBe('sha256=00');
		expect(forged.status).toBe(200);
		const gone = await startWebhookSink();
		await gone.close();
		sim.configureWebhook({ url: gone.url });
		const lost = await sim.simulateInbound({ from: CUSTOMER });
		expect(lost.status).toBeNull();
		expect(lost.error).toEqual(expect.any(String));
	});
});

describe('faults, logs and limits', () => {
	let sim: MetaSimulator;

	afterEach(async () => {
		await sim.close();
	});

	it('applies a fault only to matching requests and logs every request', async () => {
		sim = await withSimulator();
		sim.openWindow(CUSTOMER);
		sim.failNext(1, { code: 131000, match: (request) => request.method === 'POST' });
		const { client } = makeClient(sim, { retry: { maxAttempts: 1 } });
		await client.listTemplates({ limit: 1 });
		await expect(client.sendText({ to: CUSTOMER, body: 'x' })).rejects.toMatchObject({ code: 'META_131000', httpStatus: 500 });
		await client.sendText({ to: CUSTOMER, body: 'y' });
		expect(sim.requests.map((request) => `${request.method} ${request.status}`)).toEqual(['GET 200', 'POST 500', 'POST 200']);
		expect(sim.requests[1].responseBody).toMatchObject({ error: { code: 131000, message: '(#131000) Something went wrong' } });
	});

	it('can enforce Meta\'s throughput limit itself (130429)', async () => {
		sim = await withSimulator({ throughputLimitPerSecond: 2 });
		sim.openWindow(CUSTOMER);
		const { client } = makeClient(sim, { retry: { maxAttempts: 1 } });
		await client.sendText({ to: CUSTOMER, body: '1' });
		await client.sendText({ to: CUSTOMER, body: '2' });
		await expect(client.sendText({ to: CUSTOMER, body: '3' })).rejects.toMatchObject({ code: 'META_130429', subcode: 2494055 });
		sim.advanceTime(1001);
		await expect(client.sendText({ to: CUSTOMER, body: '4' })).resolves.toBeDefined();
	});

	it('answers unknown paths and a missing token like the Graph API', async () => {
		sim = await withSimulator();
		const unknown = await fetch(`${sim.url}/v25.0/${sim.phoneNumberId}/nonsense`, { headers: { authorization: `Bearer ${sim.accessToken}` } });
		expect(unknown.status).toBe(400);
		expect(await unknown.json()).toMatchObject({ error: { code: 2500, type: 'OAuthException' } });
		const anonymous = await fetch(`${sim.url}/v25.0/${sim.phoneNumberId}`);
		expect(anonymous.status).toBe(401);
		expect(await anonymous.json()).toMatchObject({ error: { code: 190, message: 'An access token is required to request this resource.' } });
	});
});
