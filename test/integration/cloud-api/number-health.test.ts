import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SqliteConversationStore } from '../../../core/conversation/open';
import { clearMessagingLimitReads, currentMessagingLimit, rememberMessagingLimit, type MessagingLimitOptions } from '../../../core/number-health';
import { makeClient, useSimulator } from './helpers';

/**
 * Number health over HTTP against the simulator: the client's reads, and the Automatic tier's
 * resolution (one read per refresh period, the last known value when Meta cannot be reached, across
 * a "restart" with a store reopened).
 */
describe('number health', () => {
	const sim = useSimulator();

	it("reads the number's health with Meta's current limit field, and the WABA's review status", async () => {
		const { client } = makeClient(sim);
		sim.state.messagingLimit = 'TIER_10K';
		sim.state.phoneNumbers.get(sim.phoneNumberId)!.quality_rating = 'YELLOW';
		expect(await client.getNumberHealth()).toEqual({
			phoneNumberId: sim.phoneNumberId,
			displayPhoneNumber: '15550783881',
			verifiedName: 'Lucky Shrub',
			qualityRating: 'YELLOW',
			status: 'CONNECTED',
			nameStatus: 'APPROVED',
			codeVerificationStatus: 'VERIFIED',
			throughputLevel: 'STANDARD',
			messagingLimit: 'TIER_10K',
			messagingLimitField: 'whatsapp_business_manager_messaging_limit',
		});
		const reads = sim.requestsTo('GET', `/${sim.phoneNumberId}`);
		expect(reads).toHaveLength(1);
		// The deprecated field is not asked for when the current one answers.
		expect(reads[0].query.fields).not.toContain('messaging_limit_tier');
		expect(await client.getBusinessAccount()).toEqual({ id: sim.businessAccountId, name: 'Lucky Shrub', accountReviewStatus: 'APPROVED' });
	});

	it('falls back to the deprecated field only when the answer lacks the current one, and survives its retirement', async () => {
		const { client } = makeClient(sim);
		sim.state.messagingLimit = null;
		expect(await client.getNumberHealth()).toMatchObject({ messagingLimit: 'TIER_250', messagingLimitField: 'messaging_limit_tier', qualityRating: 'GREEN' });
		expect(sim.requestsTo('GET', `/${sim.phoneNumberId}`).map((request) => request.query.fields)).toEqual([expect.stringContaining('whatsapp_business_manager_messaging_limit'), 'id,messaging_limit_tier']);

		sim.state.retiredPhoneNumberFields.add('messaging_limit_tier');
		expect(await client.getNumberHealth()).toMatchObject({ messagingLimit: null, messagingLimitField: null, qualityRating: 'GREEN' });
	});

	it('is refused for 360dialog with a typed error', async () => {
		const { client } = makeClient(sim, { provider: '360dialog', baseUrl: sim.url });
		await expect(client.getNumberHealth()).rejects.toMatchObject({ code: 'UNSUPPORTED_BY_PROVIDER' });
	});

	describe('Automatic tier', () => {
		let folder = '';
		let store: SqliteConversationStore;
		beforeEach(() => {
			clearMessagingLimitReads();
			folder = mkdtempSync(join(tmpdir(), 'wa-limit-'));
			store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		});
		afterEach(async () => {
			await store.close();
			rmSync(folder, { recursive: true, force: true });
		});

		function options(clock: { now: number }, overrides: Partial<MessagingLimitOptions> = {}): MessagingLimitOptions {
			const { client } = makeClient(sim);
			return { store, client, businessAccountId: sim.businessAccountId, now: () => clock.now, ...overrides };
		}

		it("follows Meta's limit, reading once per refresh period, and remembers it", async () => {
			const clock = { now: Date.UTC(2026, 0, 1, 12) };
			sim.state.messagingLimit = 'TIER_2K';
			expect(await currentMessagingLimit(options(clock))).toEqual({
				tier: 'TIER_2K',
				limit: 2000,
				source: 'meta',
				reportedBy: 'graphApi',
				observedAt: clock.now,
				problem: null,
			});
			// Meta raises the limit; within the refresh period the read is not repeated.
			sim.state.messagingLimit = 'TIER_10K';
			clock.now += 60_000;
			expect(await currentMessagingLimit(options(clock))).toMatchObject({ tier: 'TIER_2K', source: 'meta' });
			expect(sim.requestsTo('GET', `/${sim.phoneNumberId}`)).toHaveLength(1);
			clock.now += 5 * 60_000;
			expect(await currentMessagingLimit(options(clock))).toMatchObject({ tier: 'TIER_10K', limit: 10000, source: 'meta', observedAt: clock.now });
			expect(await store.getMessagingLimit(sim.businessAccountId)).toMatchObject({ tier: 'TIER_10K', reportedBy: 'graphApi' });
		});

		it('shares one read between concurrent callers', async () => {
			const clock = { now: Date.UTC(2026, 0, 1, 12) };
			const readings = await Promise.all([1, 2, 3, 4].map(() => currentMessagingLimit(options(clock))));
			expect(readings.map((reading) => reading.tier)).toEqual(['TIER_250', 'TIER_250', 'TIER_250', 'TIER_250']);
			expect(sim.requestsTo('GET', `/${sim.phoneNumberId}`)).toHaveLength(1);
		});

		it('uses the last known value when Meta cannot be reached, after a restart too, and the lowest tier when nothing is known', async () => {
			const clock = { now: Date.UTC(2026, 0, 1, 12) };
			// Reads are retried (3 attempts): Meta stays unreachable for all of them.
			sim.failNext(3, { dropConnection: true });
			expect(await currentMessagingLimit(options(clock))).toEqual({
				tier: 'TIER_250',
				limit: 250,
				source: 'lowest',
				reportedBy: null,
				observedAt: null,
				problem: { code: 'NETWORK_ERROR', message: expect.any(String) },
			});

			const seen = clock.now + 2 * 60_000;
			clock.now = seen;
			sim.state.messagingLimit = 'TIER_100K';
			expect(await currentMessagingLimit(options(clock))).toMatchObject({ tier: 'TIER_100K', source: 'meta' });

			// A restart: this process's reads are gone, the store still knows; Meta is unreachable.
			clearMessagingLimitReads();
			await store.close();
			store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
			clock.now += 60 * 60_000;
			sim.failNext(3, { code: 131000 });
			expect(await currentMessagingLimit(options(clock))).toEqual({
				tier: 'TIER_100K',
				limit: 100000,
				source: 'lastKnown',
				reportedBy: 'graphApi',
				observedAt: seen,
				problem: { code: 'META_131000', message: expect.any(String) },
			});
		});

		it("applies a webhook's newer limit at once, in every process sharing the store", async () => {
			const clock = { now: Date.UTC(2026, 0, 1, 12) };
			sim.state.messagingLimit = 'TIER_10K';
			expect(await currentMessagingLimit(options(clock))).toMatchObject({ tier: 'TIER_10K' });
			// Meta downgrades the portfolio and says so by webhook a minute later.
			await rememberMessagingLimit(store, { businessAccountId: sim.businessAccountId, limit: 'TIER_2K', at: clock.now + 60_000 });
			clock.now += 90_000;
			expect(await currentMessagingLimit(options(clock))).toMatchObject({ tier: 'TIER_2K', source: 'meta', reportedBy: 'webhook' });
			expect(sim.requestsTo('GET', `/${sim.phoneNumberId}`)).toHaveLength(1);
		});
	});
});
