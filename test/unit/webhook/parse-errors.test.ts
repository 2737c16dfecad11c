/** Bodies that are not (valid) Meta webhooks are refused with 400 and the path that is wrong. */
import { parseWebhook, parseWebhookBody } from '../../../core/webhook';
import {
	change,
	inbound,
	messagesValue,
	singleMessageWebhook,
	webhook,
	webhookErrorOf,
	without,
	type Json,
} from './webhook-builders';

function refusal(body: unknown): string {
	const error = webhookErrorOf(() => parseWebhook(body));
	expect(error.code).toBe('PAYLOAD_INVALID');
	expect(error.httpStatus).toBe(400);
	expect(error.hint).not.toBe('');
	return error.message;
}

/** A valid two-change delivery whose second change carries `messages`. */
function twoChanges(messages: unknown): Json {
	return webhook([
		{
			changes: [
				change(messagesValue({ messages: [inbound('text', { text: { body: 'fine' } })] })),
				change({ ...messagesValue({}), messages }),
			],
		},
	]);
}

describe('parseWebhookBody', () => {
	it('maps a JSON syntax error to PAYLOAD_INVALID without quoting the body', () => {
		const error = webhookErrorOf(() => parseWebhookBody(Buffer.from('{"object": "whatsapp_business_account", "secret-ish": ')));
		expect(error.code).toBe('PAYLOAD_INVALID');
		expect(error.httpStatus).toBe(400);
		expect(error.message).toMatch(/not valid JSON/);
		expect(error.message).not.toContain('secret-ish');
	});

	it('refuses an empty body', () => {
		expect(webhookErrorOf(() => parseWebhookBody('')).message).toMatch(/empty/);
	});

	it('refuses a body nested deeper than any Meta payload, counting brackets outside strings only', () => {
		const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
		const tooDeep = webhookErrorOf(() => parseWebhookBody(`{"object":"whatsapp_business_account","x":${deep(64)}}`));
		expect(tooDeep).toMatchObject({ code: 'PAYLOAD_INVALID', httpStatus: 400 });
		expect(tooDeep.message).toMatch(/nests deeper than 64 levels/);
		// Brackets inside text (escaped quotes included) are not nesting.
		const text = `say \\"${'['.repeat(200)}`;
		const message = inbound('text', { text: { body: text } });
		expect(parseWebhookBody(JSON.stringify(singleMessageWebhook(message))).messages[0].text).toBe(text);
	});

	it('accepts a string body as well as a Buffer', () => {
		const text = JSON.stringify(singleMessageWebhook(inbound('text', { text: { body: 'hi' } })));
		expect(parseWebhookBody(text)).toEqual(parseWebhookBody(Buffer.from(text)));
	});
});

describe('parseWebhook refuses', () => {
	it.each([
		['null', null, '(body): expected object, got null'],
		['an array', [], '(body): expected object, got an array'],
		['a string', 'hello', '(body): expected object, got a string'],
	])('%s as body', (_label, body, message) => {
		expect(refusal(body)).toContain(message);
	});

	it('another object type (e.g. a page webhook)', () => {
		expect(refusal({ object: 'page', entry: [] })).toContain('object: expected "whatsapp_business_account", got a string');
	});

	it('a missing entry list', () => {
		expect(refusal({ object: 'whatsapp_business_account' })).toContain('entry: expected array, got nothing');
	});

	it('entry given as an object instead of an array', () => {
		expect(refusal({ object: 'whatsapp_business_account', entry: { id: '1', changes: [] } })).toContain(
			'entry: expected array, got an object',
		);
	});

	it('changes given as an object instead of an array', () => {
		const body = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: { field: 'messages' } }] };
		expect(refusal(body)).toContain('entry[0].changes: expected array, got an object');
	});

	it('an entry without its account id', () => {
		expect(refusal({ object: 'whatsapp_business_account', entry: [{ changes: [] }] })).toContain(
			'entry[0].id: expected string, got nothing',
		);
	});

	it('messages given as an object instead of an array', () => {
		expect(refusal(twoChanges({ id: 'wamid.X' }))).toContain('entry[0].changes[1].value.messages: expected array, got an object');
	});

	it('a message without an id, naming its exact path', () => {
		expect(refusal(twoChanges([without(inbound('text'), 'id')]))).toBe(
			'Invalid WhatsApp webhook payload: entry[0].changes[1].value.messages[0].id: expected string, got nothing',
		);
	});

	it('a message id that is a number', () => {
		expect(refusal(twoChanges([inbound('text', { id: 12345 })]))).toContain(
			'entry[0].changes[1].value.messages[0].id: expected string, got a number',
		);
	});

	it('a timestamp that is not a Unix time', () => {
		expect(refusal(twoChanges([inbound('text', { timestamp: '2025-06-01T10:00:00Z' })]))).toContain(
			'entry[0].changes[1].value.messages[0].timestamp: expected a Unix timestamp (digits as a string or a number), got a string in another format',
		);
	});

	it('a message naming no customer at all (no from, no user id, no contact)', () => {
		expect(refusal(twoChanges([without(inbound('text'), 'from')]))).toContain(
			'entry[0].changes[1].value.messages[0].from: expected string (or from_user_id), got nothing',
		);
	});

	it('media without its id', () => {
		expect(refusal(twoChanges([inbound('image', { image: { mime_type: 'image/jpeg' } })]))).toContain(
			'entry[0].changes[1].value.messages[0].image.id: expected string, got nothing',
		);
	});

	it('a messages change without metadata', () => {
		const body = webhook([{ changes: [change({ messaging_product: 'whatsapp', messages: [inbound('text')] })] }]);
		expect(refusal(body)).toContain('entry[0].changes[0].value.metadata: expected object, got nothing');
	});

	it('a status without its status', () => {
		const body = webhook([
			{ changes: [change(messagesValue({ statuses: [{ id: 'wamid.S', timestamp: '1750000000' }] }))] },
		]);
		expect(refusal(body)).toContain('entry[0].changes[0].value.statuses[0].status: expected string, got nothing');
	});

	it('the whole delivery when one message of a batch is malformed (nothing half-parsed)', () => {
		const body = singleMessageWebhook(inbound('text', { text: { body: 'ok' } }), without(inbound('text'), 'id'));
		expect(refusal(body)).toContain('entry[0].changes[0].value.messages[1].id');
	});

	it('never echoes payload values in the message', () => {
		const message = refusal(twoChanges([inbound('text', { id: { note: 'customer-secret-value' } })]));
		expect(message).toContain('messages[0].id: expected string, got an object');
		expect(message).not.toContain('customer-secret');
	});
});
