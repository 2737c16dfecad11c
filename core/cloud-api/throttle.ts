/**
 * Per-number send pacing. Meta caps throughput per phone number (80 messages/s by default) and answers
 * 130429 beyond it, so sends are spaced before they leave instead of being bounced and retried. Every
 * client in the process that sends from the same phone number id shares one limiter through the
 * registry, whatever workflow or node instance created it.
 */

/**
 * Hands out send slots at least 1/rate apart. Reservation is synchronous, so concurrent callers in one
 * event loop can never get the same slot.
 */
export class SendRateLimiter {
	private nextSlotMs = Number.NEGATIVE_INFINITY;

	/**
	 * Reserves the next slot for a sender limited to `ratePerSecond` and returns how long to wait for it
	 * (0 when it is free now). Callers with different rates on one number each keep their own spacing
	 * from the previous slot.
	 */
	reserve(nowMs: number, ratePerSecond: number): number {
		const slot = Math.max(nowMs, this.nextSlotMs);
		this.nextSlotMs = slot + 1000 / ratePerSecond;
		return slot - nowMs;
	}
}

export class ThrottleRegistry {
	private readonly limiters = new Map<string, SendRateLimiter>();

	limiterFor(key: string): SendRateLimiter {
		let limiter = this.limiters.get(key);
		if (limiter === undefined) {
			limiter = new SendRateLimiter();
			this.limiters.set(key, limiter);
		}
		return limiter;
	}
}

/** The registry every client uses unless one is injected (tests inject their own to isolate time). */
export const processThrottleRegistry = new ThrottleRegistry();

/** Waits for the next send slot of `key`. */
export async function waitForSendSlot(
	registry: ThrottleRegistry,
	key: string,
	ratePerSecond: number,
	now: () => number,
	sleep: (ms: number) => Promise<void>,
): Promise<void> {
	const delay = registry.limiterFor(key).reserve(now(), ratePerSecond);
	if (delay > 0) await sleep(delay);
}
