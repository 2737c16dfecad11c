import { sendSessionMessage, sendTemplateMessage } from '../../../core/outbound';
import { HOUR, useCoreFlow } from './support/core-flow';

/** A São Paulo mobile as WhatsApp still reports some users: without the 9 Brazil added in 2012–2016. */
const LEGACY_WA_ID = '551191234567';
const MODERN_WA_ID = '5511991234567';
const MODERN = '+55 11 99123-4567';
/** Mexico: the "1" after 52 mobiles dropped in 2019. */
const MX_LEGACY_WA_ID = '5215512345678';
const MX_MODERN = '+52 55 1234 5678';

/**
 * One customer, one key, through the core: Meta (the simulator) reports a customer under a legacy
 * wa_id form, and the flow answers the number as people write it today. Before customer keys the
 * store kept the first under the reported form and looked the second up normalized, so the window
 * read closed, STOP was ignored and the reply opened a second conversation.
 */
describe('a customer Meta reports under a legacy wa_id form', () => {
	const flow = useCoreFlow(Date.UTC(2026, 2, 1, 9, 0, 0), { retry: { maxAttempts: 1, baseDelayMs: 1 } });

	/** The customer writes under the legacy form; Meta knows it is the user of the modern number. */
	async function customerWrites(text: string, waId = LEGACY_WA_ID, modern = MODERN): Promise<void> {
		expect((await flow.simulator.simulateInbound({ from: waId, name: 'Ana', text })).status).toBe(200);
		flow.simulator.openWindow(modern);
	}

	it('answers at the modern number inside the window, in the same conversation', async () => {
		await customerWrites('Oi, vocês entregam amanhã?');
		const [opened] = await flow.store.listConversations({});

		const reply = await sendSessionMessage(flow.context, { kind: 'text', to: MODERN, body: 'Sim, até as 18h.' });
		expect(reply).toMatchObject({ conversationId: opened.id, isNewConversation: false, window: { open: true } });

		expect(await flow.store.listConversations({})).toHaveLength(1);
		expect(await flow.store.getTranscript(opened.id)).toHaveLength(2);
		// The key is the modern number; the form Meta reported stays on the contact for display.
		expect(await flow.store.getContact(flow.context.phoneNumberId, MODERN)).toMatchObject({ customerId: MODERN_WA_ID, waId: LEGACY_WA_ID, name: 'Ana' });
		expect(opened.customerId).toBe(MODERN_WA_ID);
	});

	it('answers a username customer by BSUID in the conversation of their number once Meta reported both', async () => {
		const bsuid = 'BR.13491208655302741918';
		expect((await flow.simulator.simulateInbound({ from: LEGACY_WA_ID, userId: bsuid, name: 'Ana', text: 'Oi' })).status).toBe(200);
		const [opened] = await flow.store.listConversations({});

		const reply = await sendSessionMessage(flow.context, { kind: 'text', to: bsuid, body: 'Olá, Ana!' });
		expect(reply).toMatchObject({ customerId: MODERN_WA_ID, conversationId: opened.id, isNewConversation: false, window: { open: true } });
		expect(flow.simulator.requestsTo('POST', '/messages').at(-1)?.body).toMatchObject({ recipient: bsuid });
		expect(await flow.store.listConversations({})).toHaveLength(1);
	});

	it('does the same for Mexico with the old 1 after 52', async () => {
		await customerWrites('Hola', MX_LEGACY_WA_ID, MX_MODERN);
		const reply = await sendSessionMessage(flow.context, { kind: 'text', to: MX_MODERN, body: '¡Hola!' });
		expect(reply).toMatchObject({ isNewConversation: false, window: { open: true } });
		expect(await flow.store.listConversations({})).toHaveLength(1);
	});

	it('honours a STOP sent from the legacy form when marketing goes to the modern number', async () => {
		await customerWrites('STOP');
		const posts = flow.simulator.requestsTo('POST', '/messages').length;
		await expect(
			sendTemplateMessage(flow.context, { to: MODERN, name: 'seasonal_promotion', languageCode: 'en_US', body: ['summer', '20%'] }),
		).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT' });
		expect(flow.simulator.requestsTo('POST', '/messages')).toHaveLength(posts);
	});

	it('counts no daily-limit unit for a template inside the window the legacy form opened', async () => {
		await customerWrites('Pode me mandar o cupom?');
		const sent = await sendTemplateMessage(flow.context, { to: MODERN, name: 'hello_world', languageCode: 'en_US' });
		expect(sent).toMatchObject({ window: { open: true }, dailyLimit: null, isNewConversation: false });
		expect(await flow.store.dailyLimitUsage(flow.context.businessAccountId, flow.clock)).toBe(0);

		// Outside the window the customer is one unit, whichever form the flow names.
		flow.clock += 25 * HOUR;
		const first = await sendTemplateMessage(flow.context, { to: LEGACY_WA_ID, name: 'hello_world', languageCode: 'en_US' });
		const second = await sendTemplateMessage(flow.context, { to: MODERN, name: 'hello_world', languageCode: 'en_US' });
		expect([first.dailyLimit?.counted, second.dailyLimit?.counted]).toEqual([true, false]);
		expect(await flow.store.dailyLimitUsage(flow.context.businessAccountId, flow.clock)).toBe(1);
	});
});
