import { withRetries } from '../retry';
import { AiError } from './errors';

export interface AiRetryPolicy {
	/** Further attempts after the first one. */
	maxRetries: number;
	/** First back-off; doubles with each further attempt. */
	baseDelayMs: number;
	/** Longest wait between attempts; a server asking for more is not retried (the run fails at once). */
	maxDelayMs: number;
	sleep: (ms: number) => Promise<void>;
	/** Uniform in [0, 1); jitter spreads concurrent executions apart. */
	random: () => number;
}

export const DEFAULT_AI_RETRY: AiRetryPolicy = {
	maxRetries: 2,
	baseDelayMs: 500,
	maxDelayMs: 20_000,
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
	random: Math.random,
};

/** The wait before retry number `retry` (0-based), or null when the error should not be retried. */
export function retryDelay(error: AiError, retry: number, policy: AiRetryPolicy): number | null {
	if (!error.retryable || retry >= policy.maxRetries) return null;
	if (error.retryAfterMs !== null) return error.retryAfterMs <= policy.maxDelayMs ? error.retryAfterMs : null;
	const backoff = policy.baseDelayMs * 2 ** retry;
	return Math.min(policy.maxDelayMs, backoff * (0.75 + 0.25 * policy.random()));
}

/**
 * Runs `attempt` and retries it only for retryable failures (rate limit, 5xx, connection, timeout),
 * honouring Retry-After. The SDK's own retries are off, so 400s, auth failures and an exhausted quota
 * (a 429 that waiting does not fix) fail at once.
 */
export function withAiRetry<T>(attempt: () => Promise<T>, toError: (error: unknown) => AiError, policy: AiRetryPolicy): Promise<T> {
	// Every failure is named as an AiError first, so that is what the rule sees and what is thrown.
	const named = async () => {
		try {
			return await attempt();
		} catch (caught) {
			throw toError(caught);
		}
	};
	return withRetries(named, {
		delayAfter: (error, attempt) => (error instanceof AiError ? retryDelay(error, attempt - 1, policy) : null),
		sleep: (ms) => policy.sleep(ms),
	});
}
