import { readWhatsAppCredential } from '../../../nodes/shared/credentials';
import { WhatsAppConversationsApi } from '../../../credentials/WhatsAppConversationsApi.credentials';

const DAY = 24 * 60 * 60 * 1000;

describe('retention in the WhatsApp credential', () => {
	it('keeps messages 90 days and forgets inactive triggers after 7 by default', () => {
		const fields = new WhatsAppConversationsApi().properties;
		expect(fields.find((field) => field.name === 'retentionDays')).toMatchObject({ type: 'number', default: 90 });
		expect(fields.find((field) => field.name === 'forgetInactiveTriggersAfterDays')).toMatchObject({ type: 'number', default: 7 });
		expect(readWhatsAppCredential({})).toMatchObject({ keepMessagesMs: 90 * DAY, forgetInactiveTriggersAfterMs: 7 * DAY });
	});

	it('reads days, and 0 as forever', () => {
		expect(readWhatsAppCredential({ retentionDays: 30, forgetInactiveTriggersAfterDays: 2 })).toMatchObject({ keepMessagesMs: 30 * DAY, forgetInactiveTriggersAfterMs: 2 * DAY });
		expect(readWhatsAppCredential({ retentionDays: 0 })).toMatchObject({ keepMessagesMs: null });
	});
});
