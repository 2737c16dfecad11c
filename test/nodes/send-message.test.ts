// WhatsApp Send Message through n8n's own execution engine, against the Meta simulator over HTTP,
// with the embedded store in a temporary folder.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { formatTranscript } from '../../nodes/shared/conversation-item';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { MakeBinaryNode } from './support/harness-test-nodes';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { chain, runWorkflow, type WorkflowNode } from './support/workflow-runner';

const TYPE = 'whatsAppSendMessage';
const nodeTypes = { [TYPE]: new WhatsAppSendMessage(), makeBinary: new MakeBinaryNode() };
const CUSTOMER = '+16505551234';
const CUSTOMER_WA_ID = '16505551234';
const STRANGER = '+447911123456';
/** A customer who uses a WhatsApp username: the trigger's customerId is their business-scoped user id. */
const BSUID = 'US.13491208655302741918';
const HOUR = 3_600_000;

const wa = useWhatsAppFixture();
beforeEach(async () => {
	// The customer wrote a minute ago: their window is open, the stranger's is not.
	await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: CUSTOMER_WA_ID, timestamp: Date.now() - 60_000 })] }), {
		now: Date.now(),
		inactivityTimeoutMs: HOUR,
	});
	wa.simulator.openWindow(CUSTOMER_WA_ID);
});

function sendNode(parameters: INodeParameters, settings: Partial<WorkflowNode> = {}): WorkflowNode {
	return whatsAppNode('Send', TYPE, { to: CUSTOMER, ...parameters }, settings);
}

async function run(nodes: WorkflowNode[], inputItems: IDataObject[] = [{}]) {
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: wa.credentials(),
		workflow: { nodes, connections: chain(...nodes.map((node) => node.name)) },
		inputItems: inputItems.map((json) => ({ json })),
	});
}

function lastMessageBody(): IDataObject {
	const sent = wa.simulator.requestsTo('POST', '/messages');
	return sent[sent.length - 1].body as IDataObject;
}

describe('WhatsApp Send Message', () => {
	it('sends text inside the window, records it in the conversation and keeps items paired', async () => {
		const result = await run([sendNode({ text: '={{ "Hello " + $json.name }}', previewUrl: true })], [{ name: 'Sheena' }, { name: 'again' }]);
		expect(result.error).toBeUndefined();
		const sent = result.itemsOf('Send', 0);
		expect(sent.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(sent[0].json).toEqual({
			messageId: expect.stringMatching(/^wamid\./),
			customerId: CUSTOMER_WA_ID,
			waId: CUSTOMER_WA_ID,
			to: CUSTOMER,
			conversationId: expect.any(String),
			isNewConversation: false,
			windowExpiresAt: expect.any(String),
		});
		expect(lastMessageBody()).toMatchObject({ to: CUSTOMER, type: 'text', text: { body: 'Hello again', preview_url: true } });
		const transcript = await wa.store.getTranscript(sent[0].json.conversationId as string);
		expect(transcript.map((message) => [message.direction, message.text])).toEqual([
			['inbound', 'Does it come in another color?'],
			['outbound', 'Hello Sheena'],
			['outbound', 'Hello again'],
		]);
	});

	it('routes a customer whose window is closed to the Window Closed output, without calling Meta', async () => {
		const before = wa.simulator.requestsTo('POST', '/messages').length;
		const result = await run([sendNode({ to: '={{ $json.phone }}', text: 'Hi' })], [{ phone: STRANGER }, { phone: CUSTOMER }]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('Send', 0).map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		const closed = result.itemsOf('Send', 1);
		expect(closed).toEqual([
			{
				json: { to: STRANGER, windowClosed: true, windowClosedAt: null, reason: expect.stringContaining('has not written'), hint: expect.stringContaining('template') },
				pairedItem: { item: 0 },
			},
		]);
		expect(wa.simulator.requestsTo('POST', '/messages').length).toBe(before + 1);
	});

	it('fails on a closed window when asked to', async () => {
		const result = await run([sendNode({ to: STRANGER, text: 'Hi', options: { windowClosed: 'error' } })]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('has not written');
		expect(result.error?.description).toContain('WINDOW_CLOSED');
	});

	it('names the broken rule and continues on fail with an error item', async () => {
		const buttons = { button: [{ id: 'long', title: 'A title far longer than twenty characters' }] };
		const failing = await run([sendNode({ messageType: 'buttons', interactiveBody: 'Pick one', buttons })]);
		expect(failing.status).toBe('error');
		expect(failing.error?.message).toContain('20');
		expect(failing.error?.description).toContain('BUTTON_INVALID');

		const continuing = await run([sendNode({ to: '={{ $json.phone }}', text: 'Hi' }, { continueOnFail: true })], [{ phone: 'not a number' }, { phone: CUSTOMER }]);
		expect(continuing.error).toBeUndefined();
		const items = continuing.itemsOf('Send', 0);
		expect(items[0]).toMatchObject({ json: { code: 'INVALID_RECIPIENT', error: expect.any(String), hint: expect.any(String) }, pairedItem: { item: 0 } });
		expect(items[1]).toMatchObject({ json: { waId: CUSTOMER_WA_ID }, pairedItem: { item: 1 } });
	});

	it("answers a username customer by the trigger's customerId (their BSUID) with Meta's `recipient` field", async () => {
		await wa.store.ingest(
			webhookOf({ messages: [inbound({ customerId: BSUID, customerWaId: null, customerUserId: BSUID, timestamp: Date.now() - 60_000 })] }),
			{ now: Date.now(), inactivityTimeoutMs: HOUR },
		);
		wa.simulator.openWindow(BSUID);
		const [conversation] = await wa.store.listConversations({ customerId: BSUID });

		const result = await run([sendNode({ to: '={{ $json.customerId }}', text: 'Yes, in navy.' })], [{ customerId: BSUID }]);
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('Send', 0)[0].json).toEqual({
			messageId: expect.stringMatching(/^wamid\./),
			customerId: BSUID,
			waId: null,
			to: null,
			conversationId: conversation.id,
			isNewConversation: false,
			windowExpiresAt: expect.any(String),
		});
		expect(lastMessageBody()).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', recipient: BSUID, type: 'text', text: { body: 'Yes, in navy.', preview_url: false } });
		// Another username customer has not written: their window is closed, whichever id names them.
		const closed = await run([sendNode({ to: 'US.99991208655302741918', text: 'Hi' })]);
		expect(closed.itemsOf('Send', 1)[0].json).toMatchObject({ windowClosed: true });
	});

	it('fails on a recipient that is neither a phone number nor a BSUID, naming both forms', async () => {
		const result = await run([sendNode({ to: '@alex.shop', text: 'Hi' })]);
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('neither a phone number nor a business-scoped user ID');
		expect(result.error?.description).toMatch(/\+16505551234.*US\.13491208655302741918.*INVALID_RECIPIENT/);
	});

	it('sends reply buttons and a list', async () => {
		const buttons = { button: [{ id: 'yes', title: 'Yes please' }, { id: 'no', title: 'No thanks' }] };
		await run([sendNode({ messageType: 'buttons', interactiveBody: 'Want a link?', buttons, options: { header: 'Planters', footer: 'Lucky Shrub' } })]);
		expect(lastMessageBody()).toMatchObject({
			type: 'interactive',
			interactive: {
				type: 'button',
				header: { type: 'text', text: 'Planters' },
				body: { text: 'Want a link?' },
				footer: { text: 'Lucky Shrub' },
				action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes please' } }, { type: 'reply', reply: { id: 'no', title: 'No thanks' } }] },
			},
		});

		const rows = { row: [{ id: 'navy', title: 'Navy', description: 'Deep blue' }, { id: 'sky', title: 'Sky' }] };
		await run([sendNode({ messageType: 'list', interactiveBody: 'Which blue?', listButton: 'Colors', sectionTitle: 'Blues', rows })]);
		expect(lastMessageBody()).toMatchObject({
			type: 'interactive',
			interactive: {
				type: 'list',
				body: { text: 'Which blue?' },
				action: { button: 'Colors', sections: [{ title: 'Blues', rows: [{ id: 'navy', title: 'Navy', description: 'Deep blue' }, { id: 'sky', title: 'Sky' }] }] },
			},
		});
	});

	it('reacts to a message and takes the reaction back; the transcript reads [reaction 👍], then [reaction removed]', async () => {
		const [customerMessage] = await wa.store.listConversations({ customerId: CUSTOMER_WA_ID }).then(([conversation]) => wa.store.getTranscript(conversation.id));
		const reacted = await run([sendNode({ messageType: 'reaction', reactionMessageId: customerMessage.wamid, emoji: '👍' })]);
		expect(reacted.error).toBeUndefined();
		expect(lastMessageBody()).toMatchObject({ type: 'reaction', reaction: { message_id: customerMessage.wamid, emoji: '👍' } });
		await run([sendNode({ messageType: 'reaction', reactionMessageId: customerMessage.wamid, removeReaction: true })]);
		expect(lastMessageBody()).toMatchObject({ type: 'reaction', reaction: { message_id: customerMessage.wamid, emoji: '' } });
		const transcript = await wa.store.getTranscript(reacted.itemsOf('Send', 0)[0].json.conversationId as string);
		expect(transcript.slice(1).map((message) => formatTranscript([message]))).toEqual(['Business: [reaction 👍]', 'Business: [reaction removed]']);

		const wrong = await run([sendNode({ messageType: 'reaction', reactionMessageId: customerMessage.wamid, emoji: 'thumbs up' })]);
		expect(wrong.error?.name).toBe('NodeOperationError');
		expect(wrong.error?.message).toContain('not a single emoji');
		expect(wrong.error?.description).toContain('MESSAGE_INVALID');
		const closed = await run([sendNode({ to: STRANGER, messageType: 'reaction', reactionMessageId: customerMessage.wamid, emoji: '👍' })]);
		expect(closed.itemsOf('Send', 1)[0].json).toMatchObject({ windowClosed: true });
	});

	it('sends a location, a contact card, a call-to-action button and a location request, quoting a message', async () => {
		await run([sendNode({ messageType: 'location', latitude: 52.52, longitude: 13.405, locationName: 'Lucky Shrub', locationAddress: 'Unter den Linden 1', options: { replyToWamid: 'wamid.Q' } })]);
		expect(lastMessageBody()).toMatchObject({ context: { message_id: 'wamid.Q' }, type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Lucky Shrub', address: 'Unter den Linden 1' } });

		const contactPhones = { phone: [{ phone: '+4930123456', type: 'WORK', waId: '4930123456' }] };
		await run([sendNode({ messageType: 'contacts', contactName: 'Lucky Shrub Support', contactPhones, contactDetails: { company: 'Lucky Shrub', email: 'help@luckyshrub.example' } })]);
		expect(lastMessageBody()).toMatchObject({
			type: 'contacts',
			contacts: [{ name: { formatted_name: 'Lucky Shrub Support' }, phones: [{ phone: '+4930123456', type: 'WORK', wa_id: '4930123456' }], emails: [{ email: 'help@luckyshrub.example' }], org: { company: 'Lucky Shrub' } }],
		});

		const cta = await run([sendNode({ messageType: 'ctaUrl', interactiveBody: 'Book your workshop', ctaButtonText: 'Book', ctaUrl: 'https://example.com/book', options: { footer: 'Lucky Shrub' } })]);
		expect(lastMessageBody()).toMatchObject({
			type: 'interactive',
			interactive: { type: 'cta_url', body: { text: 'Book your workshop' }, footer: { text: 'Lucky Shrub' }, action: { name: 'cta_url', parameters: { display_text: 'Book', url: 'https://example.com/book' } } },
		});
		await run([sendNode({ messageType: 'locationRequest', interactiveBody: 'Where should we deliver?' })]);
		expect(lastMessageBody()).toMatchObject({ type: 'interactive', interactive: { type: 'location_request_message', action: { name: 'send_location' } } });

		const transcript = await wa.store.getTranscript(cta.itemsOf('Send', 0)[0].json.conversationId as string);
		expect(transcript.slice(1).map((message) => [message.type, message.text])).toEqual([
			['location', 'Lucky Shrub, Unter den Linden 1'],
			['contacts', 'Lucky Shrub Support'],
			['interactive', 'Book your workshop'],
			['interactive', 'Where should we deliver?'],
		]);

		const badUrl = await run([sendNode({ messageType: 'ctaUrl', interactiveBody: 'Book', ctaButtonText: 'Book', ctaUrl: 'example.com/book' })]);
		expect(badUrl.error?.message).toContain('not a web address');
		expect(badUrl.error?.description).toContain('https://');
	});

	it('sends media by link, and uploads binary data from the input first', async () => {
		await run([sendNode({ messageType: 'media', mediaType: 'image', mediaSource: 'link', mediaLink: 'https://example.com/planter.jpg', caption: 'Navy' })]);
		expect(lastMessageBody()).toMatchObject({ type: 'image', image: { link: 'https://example.com/planter.jpg', caption: 'Navy' } });

		const uploadsBefore = wa.simulator.requestsTo('POST', '/media').length;
		const result = await run(
			[
				{ name: 'Make', type: 'makeBinary', parameters: {} },
				sendNode({ messageType: 'media', mediaType: 'document', mediaSource: 'binary', binaryPropertyName: 'data' }),
			],
			[{ text: 'the price list' }],
		);
		expect(result.error).toBeUndefined();
		expect(wa.simulator.requestsTo('POST', '/media').length).toBe(uploadsBefore + 1);
		expect(lastMessageBody()).toMatchObject({ type: 'document', document: { id: expect.any(String), filename: 'note.txt' } });
	});
});
