/**
 * The Cloud API's retry rule: only errors marked retryable (errors.ts and the pipeline decide: for a
 * send, throttling or a connection never made, never an outcome that may have been sent), after
 * exponential back-off with jitter, or the server's Retry-After when it sent one. Anything not
 * retryable is rethrown at once, untouched.
 */
import { withRetries } from '../retry';
import { CloudApiError } from './errors';

export interface RetryPolicy {
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	sleep: (ms: number) => Promise<void>;
	random: () => number;
}

/**
 * Delay before attempt `attempt + 1`: base · 2^(attempt−1), the upper half of it randomised (so
 * concurrent senders that failed together do not retry together), capped at maxDelayMs.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(exponential / 2 + (policy.random() * exponential) / 2);
}

/**
 * Runs `operation` until it succeeds, throws a non-retryable error, or `maxAttempts` is used up (then
 * the last error is thrown).
 */
export function withRetry<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
	return withRetries(operation, {
		delayAfter(error, attempt) {
			if (!(error instanceof CloudApiError && error.retryable && attempt < policy.maxAttempts)) return null;
			return error.retryAfterMs !== null ? Math.min(error.retryAfterMs, policy.maxDelayMs) : backoffDelay(attempt, policy);
		},
		sleep: (ms) => policy.sleep(ms),
	});
}
