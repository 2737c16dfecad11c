import {
	isBusinessInitiated,
	LIMIT_WINDOW_MS,
	limitReachedError,
	MESSAGING_TIERS,
	parseTier,
	remainingCapacity,
	tierLimit,
} from '../../../core/policy';
import { PolicyError } from '../../../core/errors';

describe('messaging tiers', () => {
	it('knows every tier and its limit', () => {
		expect(MESSAGING_TIERS).toEqual(['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']);
		expect(MESSAGING_TIERS.map(tierLimit)).toEqual([250, 2000, 10000, 100000, null]);
		expect(LIMIT_WINDOW_MS).toBe(24 * 60 * 60 * 1000);
	});

	it.each([
		['250', 'TIER_250'],
		['TIER_250', 'TIER_250'],
		['2000', 'TIER_2K'],
		['2,000', 'TIER_2K'],
		['2 000', 'TIER_2K'],
		['2.000', 'TIER_2K'],
		['2K', 'TIER_2K'],
		['2k', 'TIER_2K'],
		['TIER_2K', 'TIER_2K'],
		['tier 2k', 'TIER_2K'],
		['10000', 'TIER_10K'],
		['10K', 'TIER_10K'],
		['TIER_10K', 'TIER_10K'],
		['  tier_10k  ', 'TIER_10K'],
		['100,000', 'TIER_100K'],
		['100K', 'TIER_100K'],
		['TIER_100K', 'TIER_100K'],
		['unlimited', 'TIER_UNLIMITED'],
		['Unlimited', 'TIER_UNLIMITED'],
		['TIER_UNLIMITED', 'TIER_UNLIMITED'],
	])('parses %j as %s', (input, tier) => {
		expect(parseTier(input)).toBe(tier);
	});

	it.each(['', 'abc', '1000', '1K', 'TIER_1K', 'TIER_50', '3K', '-250', '2.5K'])('does not guess a tier from %j', (input) => {
		expect(parseTier(input)).toBeNull();
	});
});

describe('isBusinessInitiated', () => {
	it('counts only templates sent while the window is closed', () => {
		expect(isBusinessInitiated({ isTemplate: true, windowOpen: false })).toBe(true);
		expect(isBusinessInitiated({ isTemplate: true, windowOpen: true })).toBe(false);
		expect(isBusinessInitiated({ isTemplate: false, windowOpen: true })).toBe(false);
		expect(isBusinessInitiated({ isTemplate: false, windowOpen: false })).toBe(false);
	});
});

describe('remainingCapacity', () => {
	it('is the limit minus the users reached, never below 0, null when unlimited', () => {
		expect(remainingCapacity('TIER_250', 0)).toBe(250);
		expect(remainingCapacity('TIER_250', 249)).toBe(1);
		expect(remainingCapacity('TIER_250', 250)).toBe(0);
		expect(remainingCapacity('TIER_250', 400)).toBe(0);
		expect(remainingCapacity('TIER_UNLIMITED', 1e9)).toBeNull();
	});
});

describe('limitReachedError', () => {
	it('is a retryable DAILY_LIMIT_REACHED with tier, limit and usage', () => {
		const error = limitReachedError('TIER_2K', 2000);
		expect(error).toBeInstanceOf(PolicyError);
		expect(error.code).toBe('DAILY_LIMIT_REACHED');
		expect(error.retryable).toBe(true);
		expect(error.details).toEqual({ tier: 'TIER_2K', limit: 2000, used: 2000 });
		expect(error.message).toContain('2,000 of 2,000');
		expect(error.hint).toMatch(/rolling 24 hours/);
		expect(error.hint).toMatch(/business portfolio/);
	});
});
