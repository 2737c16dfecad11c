import { StoreError } from '../errors';
import type { ConversationStore, SubscribeFrom } from '../conversation/store';
import type { EventType, StoreEvent } from './types';

export interface EventSubscriberOptions {
	store: ConversationStore;
	/** Durable identity of the reader (one per trigger node): its cursor survives restarts. */
	subscriberId: string;
	types?: readonly EventType[];
	phoneNumberId?: string;
	/** Where a subscriber that has no cursor yet starts. */
	from?: SubscribeFrom;
	batchSize?: number;
	/** A re-check even without a wake-up signal, in case one was missed. */
	idleRecheckMs?: number;
	/**
	 * Handles one event; the cursor moves past it only when this resolves (at-least-once delivery).
	 * It may return a Delivery: the event is then handed over once more if its run was lost.
	 */
	handle: (event: StoreEvent, attempt: EventAttempt) => Promise<Delivery | void> | Delivery | void;
	/** Tries of one event before it is skipped (default 3). */
	maxAttempts?: number;
	/** Pause before the second try of an event, doubled before each further one (default 1 s). */
	retryDelayMs?: number;
	/** Called when an event is given up after `maxAttempts` failed tries, with the last error. */
	onSkip?: (event: StoreEvent, error: unknown, attempts: number) => void;
	/** Called when reading fails (retried after a pause) or a try of an event fails (tried again). */
	onError?: (error: unknown, event?: StoreEvent) => void;
}

/** Which try of an event this is; on the last one a failure skips the event. */
export interface EventAttempt {
	number: number;
	last: boolean;
	/** True when the event is handed over again because the run it started was lost. */
	redelivery: boolean;
}

/**
 * How the run a handled event started ended, as far as its host can tell: 'lost' when the host lost
 * it before it could end on its own (the process running it died); 'ran' for any end of its own,
 * failures of the run's own steps included, and whenever the host cannot tell.
 */
export type RunOutcome = 'ran' | 'lost';

/** What `handle` returns when it can learn how the run it started ended. */
export interface Delivery {
	outcome: Promise<RunOutcome>;
}

/**
 * Reads the event log through a durable cursor and hands each event to `handle`, in commit order. An
 * event committed before a crash is read again after the restart. An event whose handling keeps
 * failing is tried `maxAttempts` times with back-off, then skipped (`onSkip`), so one bad event never
 * stops the reader; the events handled before it are acknowledged first and never handed over again.
 * An event whose run was lost (`handle` returned a Delivery whose outcome is 'lost') is handed over
 * once more, with `attempt.redelivery` set; a run that ended on its own, or a second loss, never is.
 */
export class EventSubscriber {
	private running = false;
	private wake: (() => void) | null = null;
	private interrupt: (() => void) | null = null;
	private pendingWake = false;
	private loop: Promise<void> | null = null;
	private stopListening: (() => void) | null = null;
	/** Events whose run was lost, waiting for their one redelivery. */
	private readonly lost: StoreEvent[] = [];

	constructor(private readonly options: EventSubscriberOptions) {}

	async start(): Promise<void> {
		if (this.running) return;
		await this.options.store.subscribe(this.options.subscriberId, this.options.from ?? 'now');
		this.running = true;
		this.stopListening = this.options.store.onEventsAppended(() => this.signal());
		this.loop = this.pump();
	}

	async stop(): Promise<void> {
		if (!this.running) return;
		this.running = false;
		this.stopListening?.();
		this.interrupt?.();
		await this.loop;
	}

	private signal(): void {
		this.pendingWake = true;
		this.wake?.();
	}

	private async pump(): Promise<void> {
		const { store, subscriberId } = this.options;
		const limit = this.options.batchSize ?? 100;
		while (this.running) {
			this.pendingWake = false;
			try {
				while (this.lost.length > 0) {
					if (!(await this.handleEvent(this.lost[0], true))) return;
					this.lost.shift();
				}
				const batch = await store.readEvents(subscriberId, {
					limit,
					types: this.options.types,
					phoneNumberId: this.options.phoneNumberId,
				});
				let handled = true;
				for (const event of batch.events) {
					handled = await this.handleEvent(event, false);
					if (!handled) break;
				}
				if (!handled) return;
				// Also the heartbeat: acknowledging even an empty read keeps an idle reader's cursor from being forgotten.
				await store.acknowledge(subscriberId, batch.position);
				if (batch.events.length === limit) continue;
			} catch (error) {
				if (!this.running) return;
				this.options.onError?.(error);
				// Forgotten while this reader could not touch it (the host slept past the expiry): go on from now.
				if (error instanceof StoreError && error.code === 'SUBSCRIPTION_NOT_FOUND') {
					await store.subscribe(subscriberId, 'now').catch((subscribeError: unknown) => this.options.onError?.(subscribeError));
				}
			}
			await this.sleep(this.options.idleRecheckMs ?? 5_000, true);
		}
	}

	/** Tries one event until it is handled or skipped; false when the subscriber stopped meanwhile. */
	private async handleEvent(event: StoreEvent, redelivery: boolean): Promise<boolean> {
		const maxAttempts = Math.max(1, this.options.maxAttempts ?? 3);
		for (let number = 1; ; number++) {
			try {
				const delivery = await this.options.handle(event, { number, last: number >= maxAttempts, redelivery });
				if (delivery && !redelivery) this.redeliverIfLost(event, delivery);
				return true;
			} catch (error) {
				if (!this.running) return false;
				if (number >= maxAttempts) {
					try {
						this.options.onSkip?.(event, error, number);
					} catch (reportError) {
						this.options.onError?.(reportError, event);
					}
					return true;
				}
				this.options.onError?.(error, event);
				// The events before this one are done: a retry, a restart or a skip never repeats them.
				if (!redelivery) await this.options.store.acknowledge(this.options.subscriberId, event.id - 1);
				await this.sleep((this.options.retryDelayMs ?? 1_000) * 2 ** (number - 1), false);
				if (!this.running) return false;
			}
		}
	}

	/** Queues the event for its one redelivery once its run turns out lost (the cursor has moved on). */
	private redeliverIfLost(event: StoreEvent, delivery: Delivery): void {
		delivery.outcome.then(
			(outcome) => {
				if (outcome !== 'lost' || !this.running) return;
				this.lost.push(event);
				this.signal();
			},
			// An outcome the host could not tell counts as ran: never a second run of one that may have run.
			() => undefined,
		);
	}

	/** Waits for a wake-up signal (or only for stop(), when `untilSignal` is false), at most `timeoutMs`. */
	private sleep(timeoutMs: number, untilSignal: boolean): Promise<void> {
		if (!this.running || (untilSignal && this.pendingWake)) return Promise.resolve();
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.wake = null;
				this.interrupt = null;
				resolve();
			};
			const timer = setTimeout(done, timeoutMs);
			this.interrupt = done;
			if (untilSignal) this.wake = done;
		});
	}
}
