import { WhatsAppConversationsApi } from '../../../credentials/WhatsAppConversationsApi.credentials';
import { readWhatsAppCredential } from '../../../nodes/shared/credentials';

describe('Messaging Tier in the WhatsApp credential', () => {
	it('offers Automatic (From Meta) first, as the default', () => {
		const field = new WhatsAppConversationsApi().properties.find((property) => property.name === 'messagingTier');
		expect(field).toMatchObject({ type: 'options', default: 'AUTO' });
		expect(field?.options?.map((option) => ('value' in option ? option.value : null))).toEqual(['AUTO', 'TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']);
	});

	it('keeps a stored tier, and reads a missing, empty or unknown one as Automatic', () => {
		expect(readWhatsAppCredential({ messagingTier: 'TIER_250' }).tier).toBe('TIER_250');
		expect(readWhatsAppCredential({ messagingTier: 'TIER_UNLIMITED' }).tier).toBe('TIER_UNLIMITED');
		expect(readWhatsAppCredential({ messagingTier: 'AUTO' }).tier).toBe('AUTO');
		expect(readWhatsAppCredential({}).tier).toBe('AUTO');
		expect(readWhatsAppCredential({ messagingTier: '' }).tier).toBe('AUTO');
		// Meta's retired 1,000 tier: not guessed as a neighbour.
		expect(readWhatsAppCredential({ messagingTier: 'TIER_1K' }).tier).toBe('AUTO');
	});
});
