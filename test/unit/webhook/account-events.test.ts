/** Meta's account webhooks (every field but `messages`) become account events, whatever their value. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { marketingOptOutOf, parseWebhookBody, type AccountEvent } from '../../../core/webhook';
import { FIXTURES_DIR, PHONE_NUMBER_ID, WABA_ID, change, webhook } from './webhook-builders';

const ACCOUNT_FIXTURES = path.join(FIXTURES_DIR, 'account-events');

function only(name: string): AccountEvent {
	const parsed = parseWebhookBody(fs.readFileSync(path.join(ACCOUNT_FIXTURES, name)));
	expect(parsed.messages).toEqual([]);
	expect(parsed.statuses).toEqual([]);
	expect(parsed.accountEvents).toHaveLength(1);
	return parsed.accountEvents[0];
}

describe('account events from Meta webhooks', () => {
	it('has one documented sample per field, each one account event of the account, with a key', () => {
		const names = fs.readdirSync(ACCOUNT_FIXTURES).filter((name) => name.endsWith('.json'));
		expect(names).toHaveLength(9);
		for (const name of names) {
			const event = only(name);
			expect(event.businessAccountId).toBe(WABA_ID);
			expect(event.kind).not.toBe('other');
			expect(event.key).toMatch(/^[0-9a-f]{64}$/);
		}
	});

	it('reads a template review: the event, the template and the reason', () => {
		expect(only('meta_docs_message_template_status_update.json')).toMatchObject({
			field: 'message_template_status_update',
			kind: 'template_status',
			event: 'APPROVED',
			phoneNumberId: null,
			occurredAt: 1739321024000,
			template: { id: '1689556908129832', name: 'order_confirmation', language: 'en-US' },
			details: { reason: 'NONE', messageTemplateCategory: 'UTILITY' },
		});
	});

	it('reads quality and category changes of a template', () => {
		expect(only('meta_docs_message_template_quality_update.json')).toMatchObject({
			kind: 'template_quality',
			event: null,
			template: { name: 'welcome_template' },
			details: { previousQualityScore: 'GREEN', newQualityScore: 'YELLOW' },
		});
		expect(only('meta_docs_template_category_update.json')).toMatchObject({
			kind: 'template_category',
			template: { id: '278077987957091', name: 'welcome_template', language: 'en-US' },
			details: { previousCategory: 'UTILITY', newCategory: 'MARKETING' },
		});
	});

	it("reads the number's quality and limit, its name review, the account's updates and capabilities", () => {
		expect(only('meta_docs_phone_number_quality_update.json')).toMatchObject({
			kind: 'phone_number_quality',
			event: 'THROUGHPUT_UPGRADE',
			displayPhoneNumber: '15550783881',
			details: { currentLimit: 'TIER_UNLIMITED', maxDailyConversationsPerBusiness: 'TIER_2K' },
		});
		expect(only('meta_docs_phone_number_name_update.json')).toMatchObject({
			kind: 'phone_number_name',
			event: 'APPROVED',
			details: { requestedVerifiedName: 'Lucky Shrub', rejectionReason: null },
		});
		expect(only('meta_docs_account_update.json')).toMatchObject({
			kind: 'account',
			event: 'ACCOUNT_VIOLATION',
			displayPhoneNumber: '15550783881',
			details: { violationInfo: { violation_type: 'SCAM' } },
		});
		expect(only('meta_docs_account_review_update.json')).toMatchObject({ kind: 'account_review', event: 'APPROVED' });
		expect(only('meta_docs_business_capability_update.json')).toMatchObject({
			kind: 'business_capability',
			details: { maxDailyConversationsPerBusiness: 'TIER_2K', maxPhoneNumbersPerBusiness: 2 },
		});
	});

	it('reads a marketing preference with the customer and the business number, and what it sets', () => {
		const event = only('meta_docs_user_preferences.json');
		expect(event).toMatchObject({
			kind: 'user_preference',
			event: 'stop',
			phoneNumberId: PHONE_NUMBER_ID,
			displayPhoneNumber: '15550783881',
			occurredAt: 1731705721000,
			customer: { waId: '16505551234', name: 'Sheena Nelson' },
			details: { category: 'marketing_messages', detail: 'User requested to stop marketing messages' },
		});
		expect(marketingOptOutOf(event)).toBe(true);
		expect(marketingOptOutOf({ ...event, event: 'resume' })).toBe(false);
		expect(marketingOptOutOf({ ...event, details: { ...event.details, category: 'something_else' } })).toBeNull();
	});

	it('gives each preference of one change its own event, and the same change the same key', () => {
		const value = {
			metadata: { phone_number_id: PHONE_NUMBER_ID },
			user_preferences: [
				{ wa_id: '16505551234', category: 'marketing_messages', value: 'stop', timestamp: 1731705721 },
				{ wa_id: '447911123456', category: 'marketing_messages', value: 'resume', timestamp: 1731705722 },
			],
		};
		const body = JSON.stringify(webhook([{ changes: [change(value, 'user_preferences')] }]));
		const [first, second] = parseWebhookBody(body).accountEvents;
		expect([first.customer?.waId, second.customer?.waId]).toEqual(['16505551234', '447911123456']);
		expect(first.key).not.toBe(second.key);
		expect(parseWebhookBody(body).accountEvents.map((event) => event.key)).toEqual([first.key, second.key]);
	});

	it('keeps a field Meta adds later as kind other, and a message in the same delivery still parses', () => {
		const parsed = parseWebhookBody(
			JSON.stringify(
				webhook([
					{
						changes: [
							change({ some_new_thing: { nested: true }, event: 'SOMETHING' }, 'future_field'),
							change({ metadata: { phone_number_id: PHONE_NUMBER_ID, display_phone_number: '15550783881' }, messages: [{ from: '16505551234', id: 'wamid.X', timestamp: '1700000000', type: 'text', text: { body: 'hi' } }] }),
						],
					},
				]),
			),
		);
		expect(parsed.messages).toHaveLength(1);
		expect(parsed.accountEvents).toMatchObject([{ field: 'future_field', kind: 'other', event: 'SOMETHING', details: { someNewThing: { nested: true } } }]);
	});
});
