/** Batches and the ways real deliveries differ from the documented examples. */
import { parseWebhook, parseWebhookBody } from '../../../core/webhook';
import {
	CUSTOMER,
	PHONE_NUMBER_ID,
	WABA_ID,
	change,
	inbound,
	messagesValue,
	singleMessageWebhook,
	webhook,
} from './webhook-builders';

describe('batches', () => {
	it('collects every entry × change × message / status / error, in order, with their endpoints', () => {
		const otherPhone = { display_phone_number: '15550001111', phone_number_id: '999000111' };
		const body = webhook([
			{
				changes: [
					change(
						messagesValue({
							contacts: [
								{ profile: { name: 'Ana' }, wa_id: '5511999990001' },
								{ profile: { name: 'Ben' }, wa_id: '5511999990002' },
							],
							messages: [
								inbound('text', { from: '5511999990001', id: 'wamid.A1', text: { body: 'one' } }),
								inbound('text', { from: '5511999990002', id: 'wamid.B1', text: { body: 'two' } }),
							],
						}),
					),
					change({ ...messagesValue({ statuses: [{ id: 'wamid.OUT1', status: 'delivered', timestamp: '1750000001', recipient_id: CUSTOMER }] }), metadata: otherPhone }),
				],
			},
			{
				id: '200000000000001',
				changes: [
					change({ event: 'APPROVED', message_template_id: 1 }, 'message_template_status_update'),
					change(
						messagesValue({
							messages: [inbound('text', { id: 'wamid.C1', text: { body: 'three' } })],
							statuses: [
								{ id: 'wamid.OUT2', status: 'read', timestamp: 1750000002, recipient_id: CUSTOMER },
								{ id: 'wamid.OUT3', status: 'played', timestamp: '1750000003', recipient_id: CUSTOMER },
							],
							errors: [{ code: 131000, title: 'Something went wrong' }],
						}),
					),
				],
			},
		]);

		const parsed = parseWebhook(body);

		expect(parsed.messages.map((message) => [message.wamid, message.text, message.customerName])).toEqual([
			['wamid.A1', 'one', 'Ana'],
			['wamid.B1', 'two', 'Ben'],
			['wamid.C1', 'three', null],
		]);
		expect(parsed.messages[2]?.businessAccountId).toBe('200000000000001');
		expect(parsed.statuses.map((status) => [status.wamid, status.status, status.phoneNumberId])).toEqual([
			['wamid.OUT1', 'delivered', '999000111'],
			['wamid.OUT2', 'read', PHONE_NUMBER_ID],
			['wamid.OUT3', 'played', PHONE_NUMBER_ID],
		]);
		expect(parsed.statuses[0]?.displayPhoneNumber).toBe('15550001111');
		expect(parsed.errors).toEqual([
			{
				businessAccountId: '200000000000001',
				phoneNumberId: PHONE_NUMBER_ID,
				displayPhoneNumber: '15550783881',
				errors: [{ code: 131000, title: 'Something went wrong', message: null, details: null }],
			},
		]);
		expect(parsed.accountEvents.map((event) => event.field)).toEqual(['message_template_status_update']);
	});

	it('keeps changes whose field is not messages as account events, whatever their value', () => {
		const parsed = parseWebhook(
			webhook([
				{
					changes: [
						change({ anything: ['goes'] }, 'account_update'),
						change('not even an object', 'phone_number_quality_update'),
						change(null, 'smb_message_echoes'),
					],
				},
			]),
		);
		expect(parsed.messages).toEqual([]);
		expect(parsed.accountEvents.map((event) => [event.field, event.kind, event.details])).toEqual([
			['account_update', 'account', { anything: ['goes'] }],
			['phone_number_quality_update', 'phone_number_quality', { value: 'not even an object' }],
			['smb_message_echoes', 'other', { value: null }],
		]);
	});

	it('an empty entry list is a valid, empty delivery', () => {
		expect(parseWebhook({ object: 'whatsapp_business_account', entry: [] })).toEqual({
			messages: [],
			statuses: [],
			errors: [],
			accountEvents: [],
		});
	});
});

describe('leniency', () => {
	it('timestamps as numbers, as strings, and already in milliseconds all become epoch ms', () => {
		const parsed = parseWebhook(
			singleMessageWebhook(
				inbound('text', { timestamp: 1750000000 }),
				inbound('text', { timestamp: '1750000000' }),
				inbound('text', { timestamp: 1750000000123 }),
			),
		);
		expect(parsed.messages.map((message) => message.timestamp)).toEqual([1750000000000, 1750000000000, 1750000000123]);
	});

	it('a message without contacts still names its customer by phone', () => {
		const body = webhook([{ changes: [change(messagesValue({ messages: [inbound('text', { text: { body: 'hi' } })] }))] }]);
		const [message] = parseWebhook(body).messages;
		expect(message).toMatchObject({ customerId: CUSTOMER, customerWaId: CUSTOMER, customerName: null });
	});

	it('a message without from (username users) is keyed by the business-scoped user id', () => {
		const bsuid = 'US.13491208655302741918';
		const body = webhook([
			{
				changes: [
					change(
						messagesValue({
							contacts: [{ profile: { name: 'Sheena', username: '@sheena' }, user_id: bsuid }],
							messages: [{ from_user_id: bsuid, id: 'wamid.U1', timestamp: '1750000000', type: 'text', text: { body: 'hey' } }],
						}),
					),
				],
			},
		]);
		const [message] = parseWebhook(body).messages;
		expect(message).toMatchObject({
			customerId: bsuid,
			customerWaId: null,
			customerUserId: bsuid,
			customerName: 'Sheena',
			customerUsername: '@sheena',
		});
	});

	it('the user id may come only from the contacts array', () => {
		const bsuid = 'BR.1502576394655843';
		const body = webhook([
			{
				changes: [
					change(
						messagesValue({
							contacts: [{ profile: { name: 'Rui' }, user_id: bsuid }],
							messages: [{ id: 'wamid.U2', timestamp: '1750000000', type: 'text', text: { body: 'oi' } }],
						}),
					),
				],
			},
		]);
		expect(parseWebhook(body).messages[0]).toMatchObject({ customerId: bsuid, customerUserId: bsuid, customerName: 'Rui' });
	});

	it('phone and user id together: the phone is the key, the user id is kept', () => {
		const bsuid = 'IN.1410018717833190';
		const body = webhook([
			{
				changes: [
					change(
						messagesValue({
							contacts: [{ profile: { name: 'Krish' }, wa_id: '919810218674', user_id: bsuid }],
							messages: [inbound('text', { from: '919810218674', from_user_id: bsuid, text: { body: 'Hey' } })],
						}),
					),
				],
			},
		]);
		expect(parseWebhook(body).messages[0]).toMatchObject({
			customerId: '919810218674',
			customerWaId: '919810218674',
			customerUserId: bsuid,
			customerName: 'Krish',
		});
	});

	it('a status sent to a business-scoped user id reports it as the recipient', () => {
		const body = webhook([
			{
				changes: [
					change(
						messagesValue({
							statuses: [{ id: 'wamid.S1', status: 'delivered', timestamp: '1750000000', recipient_user_id: 'US.1' }],
						}),
					),
				],
			},
		]);
		expect(parseWebhook(body).statuses[0]?.recipientId).toBe('US.1');
	});

	it('deleted and future statuses pass through as sent', () => {
		const statuses = ['deleted', 'warning'].map((status, index) => ({
			id: `wamid.D${index}`,
			status,
			timestamp: '1750000000',
			recipient_id: CUSTOMER,
		}));
		const parsed = parseWebhook(webhook([{ changes: [change(messagesValue({ statuses }))] }]));
		expect(parsed.statuses.map((status) => status.status)).toEqual(['deleted', 'warning']);
	});

	it('a numeric-string error code becomes a number; a missing title falls back to the message', () => {
		const body = webhook([
			{
				changes: [
					change(
						messagesValue({
							statuses: [
								{
									id: 'wamid.F1',
									status: 'failed',
									timestamp: '1750000000',
									recipient_id: CUSTOMER,
									errors: [{ code: '131047', message: 'Re-engagement message' }],
								},
							],
						}),
					),
				],
			},
		]);
		expect(parseWebhook(body).statuses[0]?.errors).toEqual([
			{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', details: null },
		]);
	});

	it('raw keeps the exact message object, including fields the model does not name', () => {
		const message = inbound('text', { text: { body: 'é' }, new_field: { nested: [1, 2] } });
		const [parsed] = parseWebhookBody(JSON.stringify(singleMessageWebhook(message))).messages;
		expect(parsed?.raw).toEqual(message);
		expect(parsed?.businessAccountId).toBe(WABA_ID);
	});
});
