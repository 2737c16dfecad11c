import { chooseMessagingLimit, LOWEST_TIER, parseMetaMessagingLimit } from '../../../core/number-health';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const read = (tier: 'TIER_2K' | 'TIER_10K', observedAt: number) => ({ scope: 'waba', tier, observedAt, reportedBy: 'graphApi' as const });
const webhook = (tier: 'TIER_250' | 'TIER_100K', observedAt: number) => ({ scope: 'waba', tier, observedAt, reportedBy: 'webhook' as const });
const offline = { code: 'NETWORK_ERROR', message: 'The API could not be reached.' };

describe('parseMetaMessagingLimit', () => {
	it.each([
		['TIER_250', 'TIER_250'],
		['TIER_2K', 'TIER_2K'],
		['TIER_10K', 'TIER_10K'],
		['TIER_100K', 'TIER_100K'],
		['TIER_UNLIMITED', 'TIER_UNLIMITED'],
		[' tier_2k ', 'TIER_2K'],
		[2000, 'TIER_2K'],
		[100000, 'TIER_100K'],
		[-1, 'TIER_UNLIMITED'],
		['-1', 'TIER_UNLIMITED'],
	])('reads %p as %s', (value, tier) => {
		expect(parseMetaMessagingLimit(value)).toBe(tier);
	});

	it.each([['TIER_50'], ['TIER_1K'], [1000], [''], [null], [undefined], [{ level: 'HIGH' }], ['HIGH']])('refuses %p', (value) => {
		expect(parseMetaMessagingLimit(value)).toBeNull();
	});
});

describe('chooseMessagingLimit', () => {
	it("uses Meta's read when it succeeded", () => {
		expect(chooseMessagingLimit({ read: read('TIER_2K', T0), stored: read('TIER_2K', T0), problem: null })).toEqual({
			tier: 'TIER_2K',
			limit: 2000,
			source: 'meta',
			reportedBy: 'graphApi',
			observedAt: T0,
			problem: null,
		});
	});

	it('prefers a newer webhook observation over the read, and the read over an older one', () => {
		expect(chooseMessagingLimit({ read: read('TIER_10K', T0), stored: webhook('TIER_250', T0 + 1), problem: null })).toMatchObject({ tier: 'TIER_250', source: 'meta', reportedBy: 'webhook' });
		expect(chooseMessagingLimit({ read: read('TIER_10K', T0 + 1), stored: webhook('TIER_250', T0), problem: null })).toMatchObject({ tier: 'TIER_10K', reportedBy: 'graphApi' });
	});

	it('falls back to the last known value when Meta cannot be read, saying why', () => {
		expect(chooseMessagingLimit({ read: null, stored: webhook('TIER_100K', T0), problem: offline })).toEqual({
			tier: 'TIER_100K',
			limit: 100000,
			source: 'lastKnown',
			reportedBy: 'webhook',
			observedAt: T0,
			problem: offline,
		});
	});

	it('applies the lowest tier when nothing is known', () => {
		expect(chooseMessagingLimit({ read: null, stored: null, problem: offline })).toEqual({
			tier: LOWEST_TIER,
			limit: 250,
			source: 'lowest',
			reportedBy: null,
			observedAt: null,
			problem: offline,
		});
	});
});
