import { CloudApiError } from '../../../core/cloud-api/errors';
import { PolicyError } from '../../../core/errors';
import type { StoreEvent } from '../../../core/events/types';
import { sendSessionMessage, sendTemplateMessage } from '../../../core/outbound';
import { HOUR, useCoreFlow } from './support/core-flow';

const CUSTOMER = '+16505551234';
const CUSTOMER_WA_ID = '16505551234';

/**
 * A whole conversation through the core: Meta (the simulator) delivers signed webhooks to the ingress
 * server, the store keeps the conversation, and sends go back to Meta only when the rules allow.
 */
describe('a conversation through the core and the Meta simulator', () => {
	const flow = useCoreFlow(Date.UTC(2026, 2, 1, 9, 0, 0), { retry: { maxAttempts: 3, baseDelayMs: 1 }, subscriberId: 'test' });

	async function events(): Promise<StoreEvent[]> {
		const batch = await flow.store.readEvents('test', { limit: 1000 });
		await flow.store.acknowledge('test', batch.position);
		return batch.events;
	}

	it('answers the verification handshake on the callback URL', async () => {
		const response = await fetch(`${flow.ingress.url}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('1158201444');
		const wrong = await fetch(`${flow.ingress.url}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
		expect(wrong.status).toBe(403);
	});

	it('stores the inbound message, replies inside the window and follows the ticks to read', async () => {
		const delivery = await flow.simulator.simulateInbound({ from: CUSTOMER_WA_ID, name: 'Sheena', text: 'Does it come in blue?' });
		expect(delivery.status).toBe(200);
		const received = (await events()).filter((event) => event.type === 'message.received');
		expect(received).toHaveLength(1);

		const reply = await sendSessionMessage(flow.context, { kind: 'text', to: CUSTOMER, body: 'Yes, in navy blue.' });
		expect(reply).toMatchObject({ waId: CUSTOMER_WA_ID, to: CUSTOMER, isNewConversation: false, window: { open: true } });
		expect(flow.simulator.sentTo(CUSTOMER_WA_ID)).toHaveLength(1);
		await flow.simulator.flushWebhooks();

		const [conversation] = await flow.store.listConversations({});
		expect(conversation).toMatchObject({ id: reply.conversationId, messageCount: 2, initiatedBy: 'customer' });
		const transcript = await flow.store.getTranscript(conversation.id);
		expect(transcript.map((message) => [message.direction, message.text, message.status])).toEqual([
			['inbound', 'Does it come in blue?', null],
			['outbound', 'Yes, in navy blue.', 'read'],
		]);

		// Meta retrying the same notification changes nothing.
		expect((await flow.simulator.redeliver(delivery)).status).toBe(200);
		expect((await events()).filter((event) => event.type === 'message.received')).toHaveLength(0);
	});

	it('refuses a free-form message outside the window before calling Meta, and a template goes through', async () => {
		await flow.simulator.simulateInbound({ from: CUSTOMER_WA_ID, text: 'Hi' });
		flow.clock += 25 * HOUR;
		const before = flow.simulator.requests.length;
		const refused = sendSessionMessage(flow.context, { kind: 'text', to: CUSTOMER, body: 'Still there?' });
		await expect(refused).rejects.toBeInstanceOf(PolicyError);
		await expect(refused).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
		expect(flow.simulator.requests.length).toBe(before);

		const sent = await sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' });
		expect(sent).toMatchObject({ template: { name: 'hello_world', category: 'UTILITY' }, dailyLimit: { counted: true, used: 1, limit: 250, remaining: 249 }, isNewConversation: true });
		expect(await flow.store.dailyLimitUsage(flow.simulator.businessAccountId, flow.clock)).toBe(1);
		const conversation = await flow.store.getConversation(sent.conversationId);
		expect(conversation).toMatchObject({ initiatedBy: 'business' });
	});

	it('checks templates and parameters before sending', async () => {
		const before = flow.simulator.requests.filter((request) => request.method === 'POST').length;
		await expect(sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'no_such_template', languageCode: 'en_US' })).rejects.toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
		await expect(
			sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'coupon_expiration_reminder_number_vars', languageCode: 'en', header: { type: 'text', text: 'Pablo' }, body: ['SUMMER20'] }),
		).rejects.toMatchObject({ code: 'TEMPLATE_PARAMETERS_MISMATCH' });
		await expect(sendTemplateMessage(flow.context, { to: 'not-a-number', name: 'hello_world', languageCode: 'en_US' })).rejects.toMatchObject({ code: 'INVALID_RECIPIENT' });
		await expect(sendTemplateMessage(flow.context, { to: '+1 999 555 1234', name: 'hello_world', languageCode: 'en_US' })).rejects.toMatchObject({ code: 'INVALID_PHONE_NUMBER' });
		expect(flow.simulator.requests.filter((request) => request.method === 'POST').length).toBe(before);

		const named = await sendTemplateMessage(flow.context, {
			to: CUSTOMER,
			name: 'reservation_confirmation',
			languageCode: 'en_US',
			header: { type: 'image', link: 'https://example.com/table.jpg' },
			body: { number_of_guests: '4', day: 'Saturday', date: 'March 7th', time: '7:30 pm' },
		});
		expect(named.wamid).toMatch(/^wamid\./);
	});

	it('sends a named template with a text header, the header value bound to its placeholder by parameter_name', async () => {
		const shipped = await sendTemplateMessage(flow.context, {
			to: CUSTOMER,
			name: 'shipping_update',
			languageCode: 'en_US',
			header: { type: 'text', text: 'SKBUP2-4CPIG9', parameterName: 'order_id' },
			body: { first_name: 'Pablo', delivery_date: 'March 7th' },
		});
		expect(shipped.wamid).toMatch(/^wamid\./);
		expect(flow.simulator.requests.filter((request) => request.method === 'POST').at(-1)?.body).toMatchObject({
			template: {
				name: 'shipping_update',
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
			},
		});
	});

	it('keeps opted-out contacts from marketing templates but not from utility ones', async () => {
		await flow.simulator.simulateInbound({ from: CUSTOMER_WA_ID, text: 'STOP' });
		const marketing = { to: CUSTOMER, name: 'coupon_expiration_reminder_number_vars', languageCode: 'en', header: { type: 'text' as const, text: 'Pablo' }, body: ['SUMMER20', '10'] };
		await expect(sendTemplateMessage(flow.context, marketing)).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT' });
		await expect(sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' })).resolves.toMatchObject({ template: { category: 'UTILITY' } });
		await flow.store.setOptOut(flow.simulator.phoneNumberId, CUSTOMER_WA_ID, false, flow.clock);
		await expect(sendTemplateMessage(flow.context, marketing)).resolves.toMatchObject({ template: { category: 'MARKETING' } });
	});

	it('gives the daily-limit unit back when Meta refuses the template', async () => {
		flow.simulator.failNext(1, { code: 131026 });
		const attempt = sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' });
		await expect(attempt).rejects.toBeInstanceOf(CloudApiError);
		expect(await flow.store.dailyLimitUsage(flow.simulator.businessAccountId, flow.clock)).toBe(0);
		expect(await flow.store.listConversations({})).toEqual([]);
	});

	it('runs the beforeSend hook with the customer key before the template leaves; its error stops the send and gives the unit back', async () => {
		const seen: string[] = [];
		const sent = await sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' }, {
			beforeSend: async (customerId) => {
				seen.push(customerId);
				expect(flow.simulator.state.sentMessages).toHaveLength(0);
			},
		});
		expect(seen).toEqual([CUSTOMER_WA_ID]);
		expect(sent.dailyLimit).toMatchObject({ counted: true, used: 1 });

		const stopped = sendTemplateMessage(flow.context, { to: '+447911123456', name: 'hello_world', languageCode: 'en_US' }, {
			beforeSend: async () => {
				throw new Error('the store is unavailable');
			},
		});
		await expect(stopped).rejects.toThrow('the store is unavailable');
		expect(flow.simulator.state.sentMessages).toHaveLength(1);
		expect(await flow.store.dailyLimitUsage(flow.simulator.businessAccountId, flow.clock)).toBe(1);
	});

	it('keeps the daily-limit unit when the template may have been sent, and gives it back when Meta throttled it throughout', async () => {
		// Meta accepted the message, then answered 131000: it may have gone out, so it counts and is not repeated.
		const sends = (request: { method: string; path: string }): boolean => request.method === 'POST' && request.path.endsWith('/messages');
		flow.simulator.failNext(1, { code: 131000, afterAccept: true, match: sends });
		const ambiguous = sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' });
		await expect(ambiguous).rejects.toMatchObject({ code: 'META_131000', mayHaveBeenSent: true, retryable: false });
		expect(flow.simulator.state.sentMessages).toHaveLength(1);
		expect(await flow.store.dailyLimitUsage(flow.simulator.businessAccountId, flow.clock)).toBe(1);

		// Throttled on every attempt: certainly not sent, so the unit goes back.
		flow.simulator.failNext(3, { code: 130429, match: sends });
		const throttled = sendTemplateMessage(flow.context, { to: '+447911123456', name: 'hello_world', languageCode: 'en_US' });
		await expect(throttled).rejects.toMatchObject({ code: 'META_130429', mayHaveBeenSent: false });
		expect(flow.simulator.requestsTo('POST', '/messages')).toHaveLength(4);
		expect(await flow.store.dailyLimitUsage(flow.simulator.businessAccountId, flow.clock)).toBe(1);
	});

	it('refuses the template beyond the tier, counting only people outside their window', async () => {
		flow.context.tier = 'TIER_250';
		for (let index = 0; index < 250; index++) await flow.store.reserveDailyLimit({ scope: flow.simulator.businessAccountId, customerId: `44770090${String(index).padStart(4, '0')}`, tier: 'TIER_250', now: flow.clock });
		await expect(sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' })).rejects.toMatchObject({ code: 'DAILY_LIMIT_REACHED' });
		// Inside an open window a template is not business-initiated and does not count.
		await flow.simulator.simulateInbound({ from: CUSTOMER_WA_ID, text: 'Hello?' });
		await expect(sendTemplateMessage(flow.context, { to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' })).resolves.toMatchObject({ dailyLimit: null });
	});

	it('ends the conversation after the inactivity timeout', async () => {
		await flow.simulator.simulateInbound({ from: CUSTOMER_WA_ID, text: 'Thanks!' });
		await events();
		flow.clock += HOUR;
		const ended = await flow.store.sweepIdleConversations({ now: flow.clock, inactivityTimeoutMs: HOUR });
		expect(ended).toHaveLength(1);
		const [event] = await events();
		expect(event).toMatchObject({ type: 'conversation.ended', payload: { reason: 'inactivity', conversation: { messageCount: 1, customerId: CUSTOMER_WA_ID } } });
	});
});
