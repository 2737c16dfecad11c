/** Sending every message kind through the client to the simulator over real HTTP. */
import {
	buildButtonsMessage,
	buildListMessage,
	buildMediaMessage,
	buildTemplateMessage,
	buildTextMessage,
	CloudApiError,
} from '../../../core/cloud-api';
import { CUSTOMER, makeClient, rejectionOf, useSimulator } from './helpers';

describe('request builders produce Meta\'s documented request bodies', () => {
	it('text with preview_url (send_text_request sample)', () => {
		expect(buildTextMessage({ to: '+16505551234', body: 'Link: https://www.meta.com/quest/quest-3/', previewUrl: true })).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '+16505551234',
			type: 'text',
			text: { preview_url: true, body: 'Link: https://www.meta.com/quest/quest-3/' },
		});
	});

	it('image by id with caption (send_image_request sample)', () => {
		expect(buildMediaMessage({ to: '+16505551234', mediaType: 'image', id: '1479537139650973', caption: 'The best succulent ever?' })).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '+16505551234',
			type: 'image',
			image: { id: '1479537139650973', caption: 'The best succulent ever?' },
		});
	});

	it('reply buttons with image header and footer (send_interactive_buttons_request sample)', () => {
		const payload = buildButtonsMessage({
			to: '+16505551234',
			header: { type: 'image', id: '2762702990552401' },
			body: 'Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow.',
			footer: 'Lucky Shrub: Your gateway to succulents!™',
			buttons: [
				{ id: 'change-button', title: 'Change' },
				{ id: 'cancel-button', title: 'Cancel' },
			],
		});
		expect(payload.interactive).toEqual({
			type: 'button',
			header: { type: 'image', image: { id: '2762702990552401' } },
			body: { text: 'Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow.' },
			footer: { text: 'Lucky Shrub: Your gateway to succulents!™' },
			action: {
				buttons: [
					{ type: 'reply', reply: { id: 'change-button', title: 'Change' } },
					{ type: 'reply', reply: { id: 'cancel-button', title: 'Cancel' } },
				],
			},
		});
	});

	it('list with sections (send_interactive_list_request sample)', () => {
		const payload = buildListMessage({
			to: '+16505551234',
			header: 'Choose Shipping Option',
			body: 'Which shipping option do you prefer?',
			footer: 'Lucky Shrub: Your gateway to succulents™',
			buttonText: 'Shipping Options',
			sections: [
				{
					title: 'I want it ASAP!',
					rows: [
						{ id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
						{ id: 'priority_mail', title: 'Priority Mail', description: '1–3 Days' },
					],
				},
			],
		});
		expect(payload.interactive).toEqual({
			type: 'list',
			header: { type: 'text', text: 'Choose Shipping Option' },
			body: { text: 'Which shipping option do you prefer?' },
			footer: { text: 'Lucky Shrub: Your gateway to succulents™' },
			action: {
				button: 'Shipping Options',
				sections: [
					{
						title: 'I want it ASAP!',
						rows: [
							{ id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
							{ id: 'priority_mail', title: 'Priority Mail', description: '1–3 Days' },
						],
					},
				],
			},
		});
	});

	it('templates, positional and named (send_template_*_request samples)', () => {
		const positional = buildTemplateMessage({ to: '+16505551234', name: 'order_confirmation', languageCode: 'en_US', body: ['Jessica', 'SKBUP2-4CPIG9'] });
		expect(positional.template).toEqual({
			name: 'order_confirmation',
			language: { code: 'en_US' },
			components: [{ type: 'body', parameters: [{ type: 'text', text: 'Jessica' }, { type: 'text', text: 'SKBUP2-4CPIG9' }] }],
		});
		const named = buildTemplateMessage({
			to: '+16505551234',
			name: 'order_confirmation',
			languageCode: 'en_US',
			body: { first_name: 'Jessica', order_number: 'SKBUP2-4CPIG9' },
		});
		expect(named.template.components).toEqual([
			{
				type: 'body',
				parameters: [
					{ type: 'text', parameter_name: 'first_name', text: 'Jessica' },
					{ type: 'text', parameter_name: 'order_number', text: 'SKBUP2-4CPIG9' },
				],
			},
		]);
	});

	it('rejects structurally impossible messages before any request', () => {
		expect(() => buildMediaMessage({ to: CUSTOMER, mediaType: 'image' })).toThrow(CloudApiError);
		expect(() => buildMediaMessage({ to: CUSTOMER, mediaType: 'image', id: '1', link: 'https://x.test/a.jpg' })).toThrow(/not both/);
		expect(() => buildMediaMessage({ to: CUSTOMER, mediaType: 'audio', id: '1', caption: 'no' })).toThrow(/caption/);
		expect(() => buildMediaMessage({ to: CUSTOMER, mediaType: 'image', id: '1', filename: 'a.jpg' })).toThrow(/file name/);
		expect(() => buildTextMessage({ to: ' ', body: 'x' })).toThrow(/recipient/);
	});
});

describe('CloudApiClient sends through the simulator', () => {
	const sim = useSimulator({ openWindowFor: CUSTOMER });

	it('sends text and returns wamid, wa_id and input', async () => {
		const { client } = makeClient(sim);
		const result = await client.sendText({ to: '+16505551234', body: 'Hello 👋', previewUrl: false });
		expect(result.wamid).toMatch(/^wamid\./);
		expect(result).toMatchObject({ waId: CUSTOMER, input: '+16505551234', messageStatus: null });

		const [request] = sim.requestsTo('POST', `/${sim.phoneNumberId}/messages`);
		expect(request.path).toBe(`/v25.0/${sim.phoneNumberId}/messages`);
		expect(request.headers.authorization).toBe(`Bearer ${sim.accessToken}`);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '+16505551234',
			type: 'text',
			text: { body: 'Hello 👋', preview_url: false },
		});
		expect(sim.sentTo(CUSTOMER)[0].wamid).toBe(result.wamid);
	});

	it('quotes a message with context', async () => {
		const { client } = makeClient(sim);
		await client.sendText({ to: CUSTOMER, body: 'Yes', replyToWamid: 'wamid.original' });
		expect(sim.state.sentMessages[0].payload.context).toEqual({ message_id: 'wamid.original' });
	});

	it('sends each media kind by id or link', async () => {
		const { client } = makeClient(sim);
		const media = sim.addMedia(Buffer.from('png'), 'image/png');
		await client.sendMedia({ to: CUSTOMER, mediaType: 'image', id: media.id, caption: 'Look' });
		await client.sendMedia({ to: CUSTOMER, mediaType: 'document', link: 'https://example.com/menu.pdf', filename: 'menu.pdf', caption: 'Menu' });
		await client.sendMedia({ to: CUSTOMER, mediaType: 'audio', link: 'https://example.com/a.ogg' });
		await client.sendMedia({ to: CUSTOMER, mediaType: 'video', link: 'https://example.com/v.mp4' });
		await client.sendMedia({ to: CUSTOMER, mediaType: 'sticker', id: media.id });
		expect(sim.state.sentMessages.map((message) => message.type)).toEqual(['image', 'document', 'audio', 'video', 'sticker']);
		expect(sim.state.sentMessages[1].payload.document).toEqual({ link: 'https://example.com/menu.pdf', caption: 'Menu', filename: 'menu.pdf' });
	});

	it('sends reply buttons and lists', async () => {
		const { client } = makeClient(sim);
		await client.sendButtons({ to: CUSTOMER, body: 'Pick one', buttons: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }], footer: 'f', header: { type: 'text', text: 'H' } });
		await client.sendList({ to: CUSTOMER, body: 'Pick', buttonText: 'Options', sections: [{ rows: [{ id: 'r1', title: 'Row 1' }] }] });
		expect(sim.state.sentMessages.map((message) => message.type)).toEqual(['interactive', 'interactive']);
	});

	it('sends templates: positional with text header, named with image header, url and quick-reply buttons', async () => {
		const { client } = makeClient(sim);
		sim.closeWindow(CUSTOMER); // templates need no open window
		const positional = await client.sendTemplate({
			to: CUSTOMER,
			name: 'coupon_expiration_reminder_number_vars',
			languageCode: 'en',
			header: { type: 'text', text: 'Pablo' },
			body: ['SUMMER20', '10'],
			buttons: [{ subType: 'quick_reply', index: 1, payload: 'unsubscribe-123' }],
		});
		expect(positional.messageStatus).toBe('accepted');

		await client.sendTemplate({
			to: CUSTOMER,
			name: 'reservation_confirmation',
			languageCode: 'en_US',
			header: { type: 'image', link: 'https://example.com/table.jpg' },
			body: { number_of_guests: '4', day: 'Saturday', date: 'August 30th, 2025', time: '7:30 pm' },
		});
		await client.sendTemplate({
			to: CUSTOMER,
			name: 'order_tracking',
			languageCode: 'en_US',
			body: ['SKBUP2-4CPIG9'],
			buttons: [{ subType: 'url', index: 0, text: 'SKBUP2' }],
		});
		expect(sim.state.sentMessages.map((message) => message.template?.name)).toEqual([
			'coupon_expiration_reminder_number_vars',
			'reservation_confirmation',
			'order_tracking',
		]);
		expect(sim.state.sentMessages[2].payload.template).toEqual({
			name: 'order_tracking',
			language: { code: 'en_US' },
			components: [
				{ type: 'body', parameters: [{ type: 'text', text: 'SKBUP2-4CPIG9' }] },
				{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'SKBUP2' }] },
			],
		});
	});

	it('marks an inbound message as read, optionally with a typing indicator', async () => {
		const { client } = makeClient(sim);
		const inbound = await sim.simulateInbound({ from: CUSTOMER, text: 'Hi' });
		await client.markAsRead(inbound.wamid, { typingIndicator: true });
		expect(sim.state.readReceipts).toEqual([expect.objectContaining({ wamid: inbound.wamid, typingIndicator: true })]);
		expect(sim.requests.at(-1)?.body).toEqual({
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: inbound.wamid,
			typing_indicator: { type: 'text' },
		});
		const error = await rejectionOf(() => client.markAsRead('wamid.unknown'));
		expect(error).toMatchObject({ code: 'META_131009' });
		expect(String(error)).not.toContain(sim.accessToken);
	});

	it('refuses, as Meta does, a read receipt for a message the business sent or one older than 30 days', async () => {
		const { client } = makeClient(sim);
		const inbound = await sim.simulateInbound({ from: CUSTOMER, text: 'Hi' });
		const sent = await client.sendText({ to: CUSTOMER, body: 'Hello' });
		expect(await rejectionOf(() => client.markAsRead(sent.wamid))).toMatchObject({ code: 'META_131009' });
		sim.advanceTime(31 * 24 * 3_600_000);
		expect(await rejectionOf(() => client.markAsRead(inbound.wamid))).toMatchObject({ code: 'META_131009' });
		expect(sim.state.readReceipts).toEqual([]);
	});

	it('uses the configured API version', async () => {
		const { client } = makeClient(sim, { apiVersion: 'v24.0' });
		await client.sendText({ to: CUSTOMER, body: 'hi' });
		expect(sim.requests.at(-1)?.path).toBe(`/v24.0/${sim.phoneNumberId}/messages`);
	});

	it('sends through the 360dialog layout with the D360-API-KEY header', async () => {
		const { client } = makeClient(sim, { provider: '360dialog', baseUrl: sim.url, phoneNumberId: undefined });
		const result = await client.sendText({ to: CUSTOMER, body: 'via 360dialog' });
		expect(result.wamid).toMatch(/^wamid\./);
		const request = sim.requests.at(-1);
		expect(request?.path).toBe('/messages');
		expect(request?.headers['d360-api-key']).toBe(sim.accessToken);
		expect(request?.headers.authorization).toBeUndefined();
	});
});
