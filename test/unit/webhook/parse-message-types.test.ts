/** Message types and shapes Meta documents but the shared sample set has no example of. */
import { parseWebhook, type InboundMessage } from '../../../core/webhook';
import { inbound, singleMessageWebhook, without, type Json } from './webhook-builders';

function parseOne(message: Json): InboundMessage {
	const parsed = parseWebhook(singleMessageWebhook(message));
	expect(parsed.messages).toHaveLength(1);
	return parsed.messages[0];
}

const media = (fields: Json = {}): Json => ({
	id: '1003383421387256',
	mime_type: 'application/octet-stream',
	sha256: 'c2hhMjU2',
	...fields,
});

describe('media messages', () => {
	it('audio voice note: voice flag true, no text', () => {
		const message = parseOne(inbound('audio', { audio: media({ mime_type: 'audio/ogg; codecs=opus', voice: true }) }));
		expect(message.media).toMatchObject({ id: '1003383421387256', mimeType: 'audio/ogg; codecs=opus', voice: true });
		expect(message.text).toBeNull();
	});

	it('audio file: voice flag false when absent', () => {
		expect(parseOne(inbound('audio', { audio: media() })).media?.voice).toBe(false);
	});

	it('video with caption', () => {
		const message = parseOne(inbound('video', { video: media({ caption: 'Unboxing', mime_type: 'video/mp4' }) }));
		expect(message.text).toBe('Unboxing');
		expect(message.media).toMatchObject({ caption: 'Unboxing', mimeType: 'video/mp4' });
	});

	it('document keeps its filename; without caption the text is null', () => {
		const message = parseOne(inbound('document', { document: media({ filename: 'invoice.pdf' }) }));
		expect(message.media).toMatchObject({ filename: 'invoice.pdf', caption: null });
		expect(message.text).toBeNull();
	});

	it('document with caption', () => {
		const message = parseOne(
			inbound('document', { document: media({ filename: 'invoice.pdf', caption: 'March invoice' }) }),
		);
		expect(message.text).toBe('March invoice');
	});
});

describe('interactive replies', () => {
	it('nfm_reply (WhatsApp Flow): body as title, parsed response_json, flow_token as id', () => {
		const responseJson = JSON.stringify({ flow_token: 'booking-42', date: '2025-07-01', guests: 2 });
		const message = parseOne(
			inbound('interactive', {
				interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: responseJson } },
			}),
		);
		expect(message.reply).toEqual({
			kind: 'nfm_reply',
			id: 'booking-42',
			title: 'Sent',
			description: null,
			flowResponse: { flow_token: 'booking-42', date: '2025-07-01', guests: 2 },
		});
		expect(message.text).toBe('Sent');
	});

	it('nfm_reply over 64 KiB: the answers are not parsed (the store would cut them), the flow_token still is', () => {
		const responseJson = JSON.stringify({ flow_token: 'booking-\\"43\\"', answers: 'a "quoted" answer '.repeat(5_000) });
		const message = parseOne(
			inbound('interactive', { interactive: { type: 'nfm_reply', nfm_reply: { body: 'Sent', response_json: responseJson } } }),
		);
		expect(message.reply).toMatchObject({
			kind: 'nfm_reply',
			id: 'booking-\\"43\\"',
			flowResponse: { flow_token: 'booking-\\"43\\"', truncated: true, bytes: Buffer.byteLength(responseJson) },
		});
		expect(Buffer.byteLength(responseJson)).toBeGreaterThan(64 * 1024);
	});

	it('nfm_reply with a broken response_json is kept (flowResponse null, raw intact)', () => {
		const message = parseOne(
			inbound('interactive', { interactive: { type: 'nfm_reply', nfm_reply: { body: 'Sent', response_json: '{oops' } } }),
		);
		expect(message.reply).toMatchObject({ kind: 'nfm_reply', id: null, flowResponse: null });
		expect(message.raw).toMatchObject({ interactive: { nfm_reply: { response_json: '{oops' } } });
	});

	it('an interactive sub-type the parser does not know: no reply, kept in raw', () => {
		const message = parseOne(
			inbound('interactive', { interactive: { type: 'call_permission_reply', call_permission_reply: { response: 'accept' } } }),
		);
		expect(message.type).toBe('interactive');
		expect(message.reply).toBeNull();
		expect(message.text).toBeNull();
		expect(message.raw).toMatchObject({ interactive: { call_permission_reply: { response: 'accept' } } });
	});
});

describe('other content types', () => {
	it('order: catalog, item count (and the note) as text', () => {
		const order = {
			catalog_id: '194836987003835',
			text: 'Gift wrap please',
			product_items: [
				{ product_retailer_id: 'di9ozbzfi4', quantity: 2, item_price: 30, currency: 'USD' },
				{ product_retailer_id: 'nqryix03ez', quantity: 1, item_price: 25, currency: 'USD' },
			],
		};
		const message = parseOne(inbound('order', { order }));
		expect(message.text).toBe('2 items: Gift wrap please');
		expect(message.raw).toMatchObject({ order: { catalog_id: '194836987003835' } });
		expect(parseOne(inbound('order', { order: { ...order, text: undefined, product_items: [order.product_items[0]] } })).text).toBe(
			'1 item',
		);
	});

	it('request_welcome: kept, no text', () => {
		const message = parseOne(inbound('request_welcome'));
		expect(message.type).toBe('request_welcome');
		expect(message.text).toBeNull();
	});

	it('reaction removed with an empty emoji → null', () => {
		const message = parseOne(inbound('reaction', { reaction: { message_id: 'wamid.REACTED', emoji: '' } }));
		expect(message.reaction).toEqual({ messageId: 'wamid.REACTED', emoji: null });
		expect(message.text).toBeNull();
	});

	it('location without name or address: "lat,long" as text; string coordinates accepted', () => {
		const message = parseOne(inbound('location', { location: { latitude: '48.8584', longitude: 2.2945 } }));
		expect(message.text).toBe('48.8584,2.2945');
		expect(message.location).toMatchObject({ latitude: 48.8584, longitude: 2.2945, name: null, address: null });
	});

	it('several shared contacts: names joined, first + last name when no formatted name', () => {
		const contacts = [
			{ name: { formatted_name: 'Barbara J. Johnson' } },
			{ name: { first_name: 'Ana', last_name: 'Lima' } },
			{ phones: [{ phone: '+1 415 555 0100' }] },
		];
		expect(parseOne(inbound('contacts', { contacts })).text).toBe('Barbara J. Johnson, Ana Lima');
	});

	it('forwarded and frequently forwarded flags from the context', () => {
		const message = parseOne(inbound('text', { text: { body: 'fwd' }, context: { forwarded: true, frequently_forwarded: true } }));
		expect(message.context).toEqual({
			messageId: null,
			from: null,
			forwarded: true,
			frequentlyForwarded: true,
			referredProduct: null,
		});
	});

	it('a future message type is kept as sent: type string, null text, raw', () => {
		const message = parseOne(inbound('hologram', { hologram: { id: 'h-1', depth: 3 } }));
		expect(message.type).toBe('hologram');
		expect(message.text).toBeNull();
		expect(message.media).toBeNull();
		expect(message.raw).toMatchObject({ hologram: { id: 'h-1', depth: 3 } });
	});

	it('a message without a type is kept as "unknown"', () => {
		expect(parseOne(without(inbound('text'), 'type')).type).toBe('unknown');
	});

	it('unknown extra fields anywhere are ignored and kept in raw', () => {
		const message = parseOne(
			inbound('text', { text: { body: 'hi', lang: 'en' }, group_id: 'G-1', from_logical_id: '95000398405635' }),
		);
		expect(message.text).toBe('hi');
		expect(message.raw).toMatchObject({ group_id: 'G-1', text: { lang: 'en' } });
	});
});
