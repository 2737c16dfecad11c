/** Reactions, locations, contact cards, call-to-action buttons and location requests: Meta's bodies, and the simulator checking them as Meta documents. */
import {
	buildContactsMessage,
	buildCtaUrlMessage,
	buildLocationMessage,
	buildLocationRequestMessage,
	buildReactionMessage,
	type OutgoingMessage,
} from '../../../core/cloud-api';
import { parseWebhook } from '../../../core/webhook';
import { CUSTOMER, makeClient, rejectionOf, useSimulator, useSimulatorWithSink } from './helpers';

describe("builders produce Meta's documented bodies", () => {
	it('reaction (messages/reaction-messages), and an empty emoji to remove it', () => {
		expect(buildReactionMessage({ to: '+16505551234', messageId: 'wamid.A', emoji: '😀' })).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '+16505551234',
			type: 'reaction',
			reaction: { message_id: 'wamid.A', emoji: '😀' },
		});
		expect(buildReactionMessage({ to: CUSTOMER, messageId: 'wamid.A', emoji: '' }).reaction).toEqual({ message_id: 'wamid.A', emoji: '' });
	});

	it('location (messages/location-messages), quoting a message', () => {
		expect(buildLocationMessage({ to: CUSTOMER, replyToWamid: 'wamid.Q', latitude: 37.44216251868683, longitude: -122.16153582049394, name: 'Philz Coffee', address: '' })).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: CUSTOMER,
			context: { message_id: 'wamid.Q' },
			type: 'location',
			location: { latitude: 37.44216251868683, longitude: -122.16153582049394, name: 'Philz Coffee' },
		});
	});

	it('contacts (messages/contacts-messages): vCard fields, empty ones left out', () => {
		const payload = buildContactsMessage({
			to: CUSTOMER,
			contacts: [
				{
					formattedName: 'Barbara J. Johnson',
					firstName: 'Barbara',
					lastName: 'Johnson',
					company: 'Lucky Shrub',
					phones: [{ phone: '+16505559999', type: 'WORK', waId: '16505559999' }],
					emails: [{ email: 'bjohnson@luckyshrub.example' }],
					urls: [],
				},
			],
		});
		expect(payload.contacts).toEqual([
			{
				name: { formatted_name: 'Barbara J. Johnson', first_name: 'Barbara', last_name: 'Johnson' },
				phones: [{ phone: '+16505559999', type: 'WORK', wa_id: '16505559999' }],
				emails: [{ email: 'bjohnson@luckyshrub.example' }],
				org: { company: 'Lucky Shrub' },
			},
		]);
	});

	it('call-to-action URL button (messages/interactive-cta-url-messages) and location request (messages/location-request-messages)', () => {
		expect(buildCtaUrlMessage({ to: CUSTOMER, body: 'Tap the button below to see available dates.', buttonText: 'See Dates', url: 'https://www.luckyshrub.com', header: 'Available Dates', footer: 'Dates subject to change.' }).interactive).toEqual({
			type: 'cta_url',
			header: { type: 'text', text: 'Available Dates' },
			body: { text: 'Tap the button below to see available dates.' },
			footer: { text: 'Dates subject to change.' },
			action: { name: 'cta_url', parameters: { display_text: 'See Dates', url: 'https://www.luckyshrub.com' } },
		});
		expect(buildLocationRequestMessage({ to: CUSTOMER, body: 'Where should we deliver?' }).interactive).toEqual({
			type: 'location_request_message',
			body: { text: 'Where should we deliver?' },
			action: { name: 'send_location' },
		});
	});
});

describe('the simulator checks the new kinds as Meta documents them', () => {
	const sim = useSimulator({ openWindowFor: CUSTOMER });
	const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: CUSTOMER } as const;
	const refusal = (body: Record<string, unknown>) => rejectionOf(() => makeClient(sim).client.sendMessage({ ...envelope, ...body } as unknown as OutgoingMessage));

	it('accepts each built kind', async () => {
		const { client } = makeClient(sim);
		const inbound = await sim.simulateInbound({ from: CUSTOMER, text: 'Hi' });
		await client.sendMessage(buildReactionMessage({ to: CUSTOMER, messageId: inbound.wamid, emoji: '👍🏽' }));
		await client.sendMessage(buildLocationMessage({ to: CUSTOMER, latitude: 52.52, longitude: 13.405, name: 'Shop' }));
		await client.sendMessage(buildContactsMessage({ to: CUSTOMER, contacts: [{ formattedName: 'Support', phones: [{ phone: '+4930123456' }] }] }));
		await client.sendMessage(buildCtaUrlMessage({ to: CUSTOMER, body: 'Book here', buttonText: 'Book', url: 'https://example.com/book' }));
		await client.sendMessage(buildLocationRequestMessage({ to: CUSTOMER, body: 'Where are you?' }));
		expect(sim.state.sentMessages.map((message) => message.type)).toEqual(['reaction', 'location', 'contacts', 'interactive', 'interactive']);
		expect(sim.state.sentMessages.every((message) => message.asyncFailureCode === undefined)).toBe(true);
	});

	it("refuses what Meta refuses, with Meta's codes", async () => {
		expect(await refusal({ type: 'reaction', reaction: { message_id: 'wamid.A', emoji: 'ok' } })).toMatchObject({ code: 'META_131009' });
		expect(await refusal({ type: 'reaction', reaction: { message_id: 'wamid.A' } })).toMatchObject({ code: 'META_131008' });
		expect(await refusal({ type: 'reaction', context: { message_id: 'wamid.Q' }, reaction: { message_id: 'wamid.A', emoji: '👍' } })).toMatchObject({ code: 'META_131009' });
		expect(await refusal({ type: 'location', location: { latitude: 95, longitude: 0 } })).toMatchObject({ code: 'META_131009' });
		expect(await refusal({ type: 'location', location: { longitude: 0 } })).toMatchObject({ code: 'META_131008' });
		expect(await refusal({ type: 'contacts', contacts: [{ name: { first_name: 'A' } }] })).toMatchObject({ code: 'META_131008' });
		expect(await refusal({ type: 'contacts', contacts: [] })).toMatchObject({ code: 'META_131008' });
		const cta = (parameters: Record<string, unknown>) => ({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Hi' }, action: { name: 'cta_url', parameters } } });
		expect(await refusal(cta({ display_text: 'x'.repeat(21), url: 'https://example.com' }))).toMatchObject({ code: 'META_100' });
		expect(await refusal(cta({ display_text: 'Open', url: 'example.com' }))).toMatchObject({ code: 'META_131009' });
		expect(await refusal({ type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Where?' }, action: { name: 'share' } } })).toMatchObject({ code: 'META_131009' });
		expect(await refusal({ type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'x'.repeat(1025) }, action: { name: 'send_location' } } })).toMatchObject({ code: 'META_100' });
		expect(sim.state.sentMessages).toEqual([]);
	});

	it('refuses a reaction outside the window like any session message (131047)', async () => {
		sim.state.closeWindow(CUSTOMER);
		expect(await refusal({ type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '👍' } })).toMatchObject({ code: 'META_131047' });
	});
});

describe('a reaction Meta cannot deliver fails by webhook (131009), and a delivered one only ever gets "sent"', () => {
	const { sim } = useSimulatorWithSink();

	it('statuses of reactions', async () => {
		sim.configureWebhook({ statuses: { stages: ['sent', 'delivered', 'read'] } });
		const inbound = await sim.simulateInbound({ from: CUSTOMER, text: 'Hi' });
		const { client } = makeClient(sim);
		const good = await client.sendMessage(buildReactionMessage({ to: CUSTOMER, messageId: inbound.wamid, emoji: '👍' }));
		const unknown = await client.sendMessage(buildReactionMessage({ to: CUSTOMER, messageId: 'wamid.unknown', emoji: '👍' }));
		const onReaction = await client.sendMessage(buildReactionMessage({ to: CUSTOMER, messageId: good.wamid, emoji: '👍' }));
		await sim.flushWebhooks();
		const statuses = sim.webhookDeliveries.filter((delivery) => delivery.kind === 'status').flatMap((delivery) => parseWebhook(delivery.payload).statuses);
		expect(statuses.map((status) => [status.wamid, status.status, status.errors[0]?.code ?? null])).toEqual([
			[good.wamid, 'sent', null],
			[unknown.wamid, 'failed', 131009],
			[onReaction.wamid, 'failed', 131009],
		]);
	});
});
