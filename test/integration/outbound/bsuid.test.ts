import { sendSessionMessage, sendTemplateMessage } from '../../../core/outbound';
import { HOUR, useCoreFlow } from './support/core-flow';

/** A customer who uses a WhatsApp username: Meta names them by this business-scoped user id only. */
const BSUID = 'US.13491208655302741918';
const PHONE = '+16505551234';
const PHONE_WA_ID = '16505551234';
const MARKETING = { name: 'coupon_expiration_reminder_number_vars', languageCode: 'en', header: { type: 'text' as const, text: 'Alex' }, body: ['SUMMER20', '10'] };

/**
 * Answering a customer known by a business-scoped user id: Meta (the simulator) delivers their signed
 * webhooks to the ingress server, and the sends go back with Meta's `recipient` field, under the same
 * window, opt-out and daily-limit rules as any customer, in the same conversation.
 */
describe('sending to a username customer (business-scoped user id)', () => {
	const flow = useCoreFlow(Date.UTC(2026, 6, 1, 9, 0, 0), { retry: { maxAttempts: 1 }, statuses: false });

	const sentBody = () => flow.simulator.requestsTo('POST', '/messages').at(-1)?.body as Record<string, unknown>;

	it('answers in the open window, in the conversation the customer started, with `recipient`', async () => {
		const inbound = await flow.simulator.simulateInbound({ userId: BSUID, username: 'alex.shop', name: 'Alex', text: 'Is the monstera in stock?' });
		expect(inbound.status).toBe(200);

		const reply = await sendSessionMessage(flow.context, { kind: 'text', to: BSUID, body: 'Yes, two left.' });
		expect(reply).toMatchObject({ customerId: BSUID, userId: BSUID, waId: null, to: null, isNewConversation: false, window: { open: true } });
		expect(sentBody()).toMatchObject({ recipient: BSUID, type: 'text' });
		expect(sentBody()).not.toHaveProperty('to');

		const conversations = await flow.store.listConversations({});
		expect(conversations).toHaveLength(1);
		expect(conversations[0]).toMatchObject({ id: reply.conversationId, customerId: BSUID, initiatedBy: 'customer', messageCount: 2 });
		const transcript = await flow.store.getTranscript(reply.conversationId);
		expect(transcript.map((message) => [message.direction, message.text])).toEqual([
			['inbound', 'Is the monstera in stock?'],
			['outbound', 'Yes, two left.'],
		]);
	});

	it('refuses free-form text before calling Meta when that customer has not written for 24 hours', async () => {
		await flow.simulator.simulateInbound({ userId: BSUID, text: 'Hi' });
		flow.clock += 25 * HOUR;
		const before = flow.simulator.requests.length;
		await expect(sendSessionMessage(flow.context, { kind: 'text', to: BSUID, body: 'Still there?' })).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
		expect(flow.simulator.requests.length).toBe(before);
	});

	it('sends a template in the open window without a daily-limit unit, and outside it with one', async () => {
		await flow.simulator.simulateInbound({ userId: BSUID, text: 'Hi' });
		const inside = await sendTemplateMessage(flow.context, { to: BSUID, name: 'hello_world', languageCode: 'en_US' });
		expect(inside).toMatchObject({ customerId: BSUID, userId: BSUID, isNewConversation: false, window: { open: true }, dailyLimit: null });
		expect(sentBody()).toMatchObject({ recipient: BSUID, type: 'template' });

		flow.clock += 25 * HOUR;
		const outside = await sendTemplateMessage(flow.context, { to: BSUID, name: 'hello_world', languageCode: 'en_US' });
		expect(outside).toMatchObject({ isNewConversation: true, window: { open: false }, dailyLimit: { counted: true, used: 1 } });
		expect(await flow.store.dailyLimitUsage(flow.simulator.businessAccountId, flow.clock)).toBe(1);
		// The same customer again within 24 hours costs nothing more.
		await expect(sendTemplateMessage(flow.context, { to: BSUID, name: 'hello_world', languageCode: 'en_US' })).resolves.toMatchObject({ dailyLimit: { counted: false, used: 1 } });
	});

	it("honours the customer's STOP: marketing templates to their BSUID are refused", async () => {
		await flow.simulator.simulateInbound({ userId: BSUID, text: 'STOP' });
		await expect(sendTemplateMessage(flow.context, { to: BSUID, ...MARKETING })).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT' });
		expect(flow.simulator.requestsTo('POST', '/messages')).toHaveLength(0);
		await expect(sendTemplateMessage(flow.context, { to: BSUID, name: 'hello_world', languageCode: 'en_US' })).resolves.toMatchObject({ template: { category: 'UTILITY' } });
	});

	it('a customer Meta reported with both ids is one customer: conversation, window, opt-out and daily limit, whichever id a send names', async () => {
		await flow.simulator.simulateInbound({ from: PHONE_WA_ID, userId: BSUID, username: 'alex.shop', text: 'Hi' });
		const byUserId = await sendSessionMessage(flow.context, { kind: 'text', to: BSUID, body: 'Hello Alex' });
		// The output names the customer as the trigger does (by the number's key); Meta got the BSUID.
		expect(byUserId).toMatchObject({ customerId: PHONE_WA_ID, waId: PHONE_WA_ID, to: PHONE, userId: BSUID, isNewConversation: false, window: { open: true } });
		expect(sentBody()).toMatchObject({ recipient: BSUID });
		const byPhone = await sendSessionMessage(flow.context, { kind: 'text', to: PHONE, body: 'Anything else?' });
		expect(byPhone).toMatchObject({ customerId: PHONE_WA_ID, conversationId: byUserId.conversationId });
		expect(await flow.store.listConversations({})).toHaveLength(1);

		// STOP from the number stops marketing templates to the BSUID.
		await flow.simulator.simulateInbound({ from: PHONE_WA_ID, userId: BSUID, text: 'STOP' });
		await expect(sendTemplateMessage(flow.context, { to: BSUID, ...MARKETING })).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT' });

		// Outside the window, one daily-limit unit for the person, whichever id reaches them.
		flow.clock += 25 * HOUR;
		await expect(sendTemplateMessage(flow.context, { to: PHONE, name: 'hello_world', languageCode: 'en_US' })).resolves.toMatchObject({ dailyLimit: { counted: true, used: 1 } });
		await expect(sendTemplateMessage(flow.context, { to: BSUID, name: 'hello_world', languageCode: 'en_US' })).resolves.toMatchObject({ dailyLimit: { counted: false, used: 1 } });
		expect(flow.simulator.requestsTo('POST', '/messages').filter((request) => request.status === 200)).toHaveLength(4);
	});

	it('an opt-out set by the BSUID stops marketing templates to the phone number', async () => {
		await flow.simulator.simulateInbound({ from: PHONE_WA_ID, userId: BSUID, text: 'Hi' });
		await flow.store.setOptOut(flow.simulator.phoneNumberId, BSUID, true, flow.clock);
		await expect(sendTemplateMessage(flow.context, { to: PHONE, ...MARKETING })).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT' });
	});

	it('refuses a recipient that is neither a phone number nor a BSUID, naming both forms', async () => {
		const refused = sendSessionMessage(flow.context, { kind: 'text', to: 'alex.shop', body: 'Hi' });
		await expect(refused).rejects.toMatchObject({ code: 'INVALID_RECIPIENT', hint: expect.stringMatching(/\+16505551234.*US\.13491208655302741918/) });
		expect(flow.simulator.requests).toHaveLength(0);
	});
});
