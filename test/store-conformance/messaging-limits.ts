import type { ConversationStore } from '../../core/conversation/store';
import { rememberMessagingLimit } from '../../core/number-health';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const WABA = '102290129340398';

/**
 * The Automatic tier's memory (ConversationStore.recordMessagingLimit / getMessagingLimit): the
 * latest observation per account wins, whatever order the reports arrive in, and it survives the
 * process (a store opened again still has it: the harness reopens in the copy tests).
 */
export function describeMessagingLimitConformance(current: () => ConversationStore): void {
	describe('messaging limit memory', () => {
		it('keeps the newest observation per account; a late, older report changes nothing', async () => {
			const store = current();
			expect(await store.getMessagingLimit(WABA)).toBeNull();
			expect(await store.recordMessagingLimit({ scope: WABA, tier: 'TIER_2K', observedAt: T0, reportedBy: 'graphApi' }, T0)).toBe(true);
			expect(await store.getMessagingLimit(WABA)).toEqual({ scope: WABA, tier: 'TIER_2K', observedAt: T0, reportedBy: 'graphApi' });

			// A webhook about a downgrade that happened after the read replaces it.
			await expect(rememberMessagingLimit(store, { businessAccountId: WABA, limit: 'TIER_250', at: T0 + 1000 }, T0 + 5000)).resolves.toEqual({ tier: 'TIER_250', stored: true });
			// The read's value, arriving late (observed earlier), does not undo it.
			expect(await store.recordMessagingLimit({ scope: WABA, tier: 'TIER_10K', observedAt: T0 + 500, reportedBy: 'graphApi' }, T0 + 6000)).toBe(false);
			expect(await store.getMessagingLimit(WABA)).toEqual({ scope: WABA, tier: 'TIER_250', observedAt: T0 + 1000, reportedBy: 'webhook' });

			// Another account is its own row; Meta's numeric form (-1: unlimited) is understood.
			await rememberMessagingLimit(store, { businessAccountId: 'other-waba', limit: -1, at: T0 }, T0);
			expect(await store.getMessagingLimit('other-waba')).toMatchObject({ tier: 'TIER_UNLIMITED' });
			expect(await store.getMessagingLimit(WABA)).toMatchObject({ tier: 'TIER_250' });
		});

		it('stores nothing for a value that is not a messaging limit', async () => {
			const store = current();
			await expect(rememberMessagingLimit(store, { businessAccountId: WABA, limit: 'TIER_50', at: T0 })).resolves.toEqual({ tier: null, stored: false });
			await expect(rememberMessagingLimit(store, { businessAccountId: WABA, limit: undefined, at: T0 })).resolves.toEqual({ tier: null, stored: false });
			expect(await store.getMessagingLimit(WABA)).toBeNull();
		});
	});
}
