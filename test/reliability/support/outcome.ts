/** The only two answers a webhook may get: parsed, or refused with a 4xx WebhookError. */
import { WebhookError } from '../../../core/errors';
import type { ParsedWebhook } from '../../../core/webhook/types';

export type Outcome = { accepted: true; parsed: ParsedWebhook } | { accepted: false; error: WebhookError };

/**
 * Runs `attempt`; anything thrown that is not a 4xx WebhookError is rethrown, which fails the
 * property with the payload that caused it.
 */
export function outcomeOf(attempt: () => ParsedWebhook): Outcome {
	try {
		return { accepted: true, parsed: attempt() };
	} catch (error) {
		if (error instanceof WebhookError && error.httpStatus >= 400 && error.httpStatus < 500) return { accepted: false, error };
		throw error;
	}
}

export async function asyncOutcomeOf<T>(attempt: () => Promise<T>): Promise<{ accepted: true; value: T } | { accepted: false; error: WebhookError }> {
	try {
		return { accepted: true, value: await attempt() };
	} catch (error) {
		if (error instanceof WebhookError && error.httpStatus >= 400 && error.httpStatus < 500) return { accepted: false, error };
		throw error;
	}
}

/** Collects unhandled rejections while a suite runs; the suite asserts there were none. */
export function watchUnhandledRejections(): { readonly seen: unknown[]; stop(): void } {
	const seen: unknown[] = [];
	const listener = (reason: unknown) => seen.push(reason);
	process.on('unhandledRejection', listener);
	return { seen, stop: () => process.off('unhandledRejection', listener) };
}
