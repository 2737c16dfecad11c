/**
 * Bounded retries, generic over the rule: the rule alone says which failures are tried again and after
 * how long (the Cloud API client and the AI client each have their own); this runs the attempts.
 */
export interface RetryRule {
	/**
	 * The wait before another attempt after `error` ended attempt number `attempt` (1 for the first), or
	 * null to give up and throw `error` as it is.
	 */
	delayAfter(error: unknown, attempt: number): number | null;
	sleep(ms: number): Promise<void>;
}

/** Runs `operation` until it succeeds or the rule gives up on a failure (which is then thrown). */
export async function withRetries<T>(operation: () => Promise<T>, rule: RetryRule): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await operation();
		} catch (error) {
			const delay = rule.delayAfter(error, attempt);
			if (delay === null) throw error;
			await rule.sleep(delay);
		}
	}
}
