import type { MetaSimulator } from '../../../tools/meta-simulator/meta-simulator';

/** Records each test's duration in `timings`, for the suite's timing summary printed after all. */
export function recordTestTimings(timings: string[]): void {
	let testStarted = 0;
	beforeEach(() => {
		testStarted = Date.now();
	});
	afterEach(() => {
		timings.push(`${expect.getState().currentTestName ?? '?'}: ${Date.now() - testStarted} ms`);
	});
}

/** The WhatsApp credential's data pointing at the Meta simulator; the caller adds the store settings. */
export function simulatorCredential(
	simulator: MetaSimulator,
	settings: { appSecret: string; verifyToken: string; inactivityTimeoutMinutes: number },
): Record<string, string | number> {
	return {
		provider: 'custom',
		baseUrl: simulator.url,
		apiVersion: 'v25.0',
		accessToken: simulator.accessToken,
		phoneNumberId: simulator.phoneNumberId,
		businessAccountId: simulator.businessAccountId,
		appSecret: settings.appSecret,
		verifyToken: settings.verifyToken,
		messagingTier: 'TIER_250',
		inactivityTimeoutMinutes: settings.inactivityTimeoutMinutes,
	};
}
