/** Every documented Meta webhook example parses into what it means. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseWebhookBody, type ParsedWebhook } from '../../../core/webhook';
import { CUSTOMER, FIXTURES_DIR, PHONE_NUMBER_ID, WABA_ID, readFixture } from './webhook-builders';

function parseFixture(name: string): ParsedWebhook {
	return parseWebhookBody(readFixture(name));
}

function onlyMessage(name: string) {
	const parsed = parseFixture(name);
	expect(parsed.messages).toHaveLength(1);
	expect(parsed.statuses).toHaveLength(0);
	expect(parsed.errors).toHaveLength(0);
	expect(parsed.accountEvents).toEqual([]);
	return parsed.messages[0];
}

describe('Meta webhook samples (repository copy)', () => {
	const fixtureNames = fs.readdirSync(FIXTURES_DIR).filter((name) => name.endsWith('.json'));

	it('holds the documented webhook examples', () => {
		expect(fixtureNames.length).toBeGreaterThanOrEqual(20);
	});

	it.each(fixtureNames)('%s parses, with the business endpoint and ms timestamps', (name) => {
		const parsed = parseFixture(name);
		const items = [...parsed.messages, ...parsed.statuses, ...parsed.errors];
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) {
			expect(item.phoneNumberId).toBe(PHONE_NUMBER_ID);
			expect(item.displayPhoneNumber).toBe('15550783881');
		}
		for (const event of [...parsed.messages, ...parsed.statuses]) {
			expect(event.timestamp).toBeGreaterThan(1_700_000_000_000);
			expect(event.timestamp % 1000).toBe(0);
			expect(event.wamid).toMatch(/^wamid\./);
		}
	});

	it('text: body, customer, wamid, time', () => {
		const message = onlyMessage('meta_docs_text.json');
		expect(message).toMatchObject({
			businessAccountId: WABA_ID,
			wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			customerId: CUSTOMER,
			customerWaId: CUSTOMER,
			customerUserId: null,
			customerName: 'Sheena Nelson',
			type: 'text',
			timestamp: 1749416383000,
			text: 'Does it come in another color?',
			media: null,
			reply: null,
			context: null,
			referral: null,
			reaction: null,
			errors: [],
		});
		expect(message.raw).toMatchObject({ text: { body: 'Does it come in another color?' } });
	});

	it('text from a click-to-WhatsApp ad keeps the referral as sent', () => {
		const message = onlyMessage('meta_docs_text_ctwa_referral.json');
		expect(message.text).toBe('Can I get more info about this?');
		expect(message.referral).toMatchObject({
			source_type: 'ad',
			source_id: '120226305854810726',
			headline: 'Chat with us',
			welcome_message: { text: 'Hi there! Let us know how we can help!' },
		});
		expect(message.referral?.['ctwa_clid']).toMatch(/^Aff-/);
	});

	it('text about a catalog product carries the referred product in its context', () => {
		const message = onlyMessage('meta_docs_text_referred_product.json');
		expect(message.businessAccountId).toBe('419561257915477');
		expect(message.context).toEqual({
			messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA',
			from: '15550783881',
			forwarded: false,
			frequentlyForwarded: false,
			referredProduct: { catalogId: '194836987003835', productRetailerId: 'di9ozbzfi4' },
		});
	});

	it('image: media reference and caption as text', () => {
		const message = onlyMessage('meta_docs_image.json');
		expect(message.type).toBe('image');
		expect(message.text).toBe('Taj Mahal');
		expect(message.media).toEqual({
			id: '1003383421387256',
			mimeType: 'image/jpeg',
			sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=',
			caption: 'Taj Mahal',
			filename: null,
			voice: false,
			url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=133...',
			animated: false,
		});
	});

	it('sticker: animated flag, no text', () => {
		const message = onlyMessage('meta_docs_sticker.json');
		expect(message.type).toBe('sticker');
		expect(message.text).toBeNull();
		expect(message.media).toMatchObject({ id: '1908647269898587', mimeType: 'image/webp', animated: true, voice: false });
	});

	it('location: coordinates, name and address', () => {
		const message = onlyMessage('meta_docs_location.json');
		expect(message.text).toBe('Philz Coffee, 101 Forest Ave, Palo Alto, CA 94301');
		expect(message.location).toEqual({
			latitude: 37.44221496582,
			longitude: -122.16165924072,
			name: 'Philz Coffee',
			address: '101 Forest Ave, Palo Alto, CA 94301',
			url: 'https://philzcoffee.com/',
		});
	});

	it('contacts: the shared card names as text', () => {
		const message = onlyMessage('meta_docs_contacts.json');
		expect(message.type).toBe('contacts');
		expect(message.text).toBe('Barbara J. Johnson');
		expect(message.customerId).toBe(CUSTOMER);
	});

	it.each(['meta_docs_interactive_button_reply.json', 'meta_docs_webhook_button_reply_pablo.json'])(
		'%s: interactive button reply with the message it answers',
		(name) => {
			const message = onlyMessage(name);
			expect(message.type).toBe('interactive');
			expect(message.reply?.kind).toBe('button_reply');
			expect(message.text).toBe(message.reply?.title);
			expect(message.context?.messageId).toMatch(/^wamid\./);
			expect(message.context?.from).toBe('15550783881');
		},
	);

	it('interactive button reply ids and titles', () => {
		expect(onlyMessage('meta_docs_interactive_button_reply.json').reply).toEqual({
			kind: 'button_reply',
			id: 'cancel-button',
			title: 'Cancel',
			description: null,
			flowResponse: null,
		});
		const pablo = onlyMessage('meta_docs_webhook_button_reply_pablo.json');
		expect(pablo.reply).toMatchObject({ id: 'change-button', title: 'Change' });
		expect(pablo.customerName).toBe('Pablo Morales');
		expect(pablo.timestamp).toBe(1714510003000);
	});

	it.each(['meta_docs_interactive_list_reply.json', 'meta_docs_webhook_list_reply_pablo.json'])(
		'%s: list reply with its description',
		(name) => {
			const message = onlyMessage(name);
			expect(message.reply).toEqual({
				kind: 'list_reply',
				id: 'priority_express',
				title: 'Priority Mail Express',
				description: 'Next Day to 2 Days',
				flowResponse: null,
			});
			expect(message.text).toBe('Priority Mail Express');
		},
	);

	it('button: template quick reply (payload as id, text as title)', () => {
		const message = onlyMessage('meta_docs_button_template_quick_reply.json');
		expect(message.type).toBe('button');
		expect(message.reply).toEqual({
			kind: 'quick_reply',
			id: 'Unsubscribe',
			title: 'Unsubscribe',
			description: null,
			flowResponse: null,
		});
		expect(message.text).toBe('Unsubscribe');
		expect(message.context?.messageId).toBe('wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=');
	});

	it('reaction: reacted message and emoji', () => {
		const message = onlyMessage('meta_docs_reaction.json');
		expect(message.reaction).toEqual({
			messageId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
			emoji: '👍',
		});
		expect(message.text).toBe('👍');
	});

	it('reaction removed: emoji absent → null', () => {
		const message = onlyMessage('meta_docs_reaction_removed.json');
		expect(message.reaction).toEqual({
			messageId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
			emoji: null,
		});
		expect(message.text).toBeNull();
	});

	it('system: user changed number, without a contacts array', () => {
		const message = onlyMessage('meta_docs_system_user_changed_number.json');
		expect(message.type).toBe('system');
		expect(message.customerId).toBe(CUSTOMER);
		expect(message.customerName).toBeNull();
		expect(message.text).toBe('User Sheena Nelson changed from 16505551234 to 12195555358');
		expect(message.raw).toMatchObject({ system: { type: 'user_changed_number', wa_id: '12195555358' } });
	});

	it('unsupported: kept with its errors', () => {
		const message = onlyMessage('meta_docs_unsupported.json');
		expect(message.type).toBe('unsupported');
		expect(message.text).toBeNull();
		expect(message.errors).toEqual([
			{
				code: 131051,
				title: 'Message type unknown',
				message: 'Message type unknown',
				details: 'Message type is currently not supported.',
			},
		]);
		expect(message.raw).toMatchObject({ unsupported: { type: 'edit' } });
	});

	it('status sent: conversation and pricing', () => {
		const parsed = parseFixture('meta_docs_status_sent.json');
		expect(parsed.messages).toHaveLength(0);
		expect(parsed.statuses).toHaveLength(1);
		expect(parsed.statuses[0]).toMatchObject({
			businessAccountId: WABA_ID,
			wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
			status: 'sent',
			timestamp: 1750030073000,
			recipientId: CUSTOMER,
			errors: [],
			conversation: { id: '72b14d6bd5407799e66f64d1b338e567', originType: 'marketing', expiresAt: 1750116480000 },
			pricing: { billable: true, category: 'marketing', pricingModel: 'PMP', type: 'regular' },
		});
	});

	it('status sent (v24): no conversation, no pricing', () => {
		const [status] = parseFixture('meta_docs_status_v24_no_conversation.json').statuses;
		expect(status).toMatchObject({ status: 'sent', recipientId: CUSTOMER, conversation: null, pricing: null });
	});

	it('status failed: the error code, title, message and details', () => {
		const [status] = parseFixture('meta_docs_status_failed.json').statuses;
		expect(status?.status).toBe('failed');
		expect(status?.timestamp).toBe(1751142888000);
		expect(status?.errors).toEqual([
			{
				code: 131049,
				title: 'This message was not delivered to maintain healthy ecosystem engagement.',
				message: 'This message was not delivered to maintain healthy ecosystem engagement.',
				details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
			},
		]);
	});

	it('system-level errors: one WebhookSystemError for the change', () => {
		const parsed = parseFixture('meta_docs_errors_system_level.json');
		expect(parsed.messages).toHaveLength(0);
		expect(parsed.statuses).toHaveLength(0);
		expect(parsed.errors).toEqual([
			{
				businessAccountId: WABA_ID,
				phoneNumberId: PHONE_NUMBER_ID,
				displayPhoneNumber: '15550783881',
				errors: [
					{
						code: 130429,
						title: 'Rate limit hit',
						message: 'Rate limit hit',
						details:
							'Message failed to send because there were too many messages sent from this phone number in a short period of time',
					},
				],
			},
		]);
	});
});

describe('Meta samples: each fixture names its source', () => {
	const readme = fs.readFileSync(path.join(FIXTURES_DIR, 'README.md'), 'utf8');
	const files = [
		...fs.readdirSync(FIXTURES_DIR).filter((name) => name.endsWith('.json')),
		...fs.readdirSync(path.join(FIXTURES_DIR, 'api')).map((name) => `api/${name}`),
	];

	it.each(files)('%s is listed in README.md with the page it came from', (name) => {
		expect(readme).toMatch(new RegExp(`^- \`${name.replace(/[.]/g, '\\.')}\` — https://\\S+$`, 'm'));
	});
});
