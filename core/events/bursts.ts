import { burstLimits, type BurstLimits, type ReceivedEvent } from '../conversation/bursts';
import type { ConversationStore } from '../conversation/store';
import type { Delivery } from './subscriber';
import type { StoreEvent } from './types';

export interface BurstEmitterOptions {
	store: ConversationStore;
	/** The subscriber whose cursor the held messages pass (the trigger's EventSubscriber). */
	subscriberId: string;
	/** A burst is emitted once its customer has sent nothing for this long (caps in conversation/bursts.ts). */
	quietMs: number;
	/**
	 * Starts one run with a burst's messages, oldest first. It may return a Delivery: a burst whose run
	 * was lost is emitted once more, with `redelivery` set, as EventSubscriber does with single events.
	 */
	emit: (events: StoreEvent[], attempt: { redelivery: boolean }) => Promise<Delivery | void> | Delivery | void;
	clock?: () => number;
	/** Called when taking bursts fails (tried again after a pause) or emitting one fails (it is dropped). */
	onError?: (error: unknown) => void;
}

/** Pause before taking bursts again after the store failed, and the earliest a timer is set ahead. */
const RETRY_MS = 1_000;
const MIN_WAIT_MS = 20;

/**
 * Combines a customer's messages into bursts for one trigger. `hold` puts a received message in the
 * store's pending burst of its customer (the cursor moves past it in the same transaction); a timer
 * takes the bursts that are due and emits each once. Taking deletes the burst before it is emitted, so
 * of several processes or timers only one emits it (at most once), and a message held afterwards
 * starts the next burst. Bursts left pending by a stop or a restart are emitted once the emitter runs
 * again: `start` looks at once.
 */
export class BurstEmitter {
	private readonly limits: BurstLimits;
	private timer: NodeJS.Timeout | null = null;
	private timerAt: number | null = null;
	private running: Promise<void> | null = null;
	private active = false;

	constructor(private readonly options: BurstEmitterOptions) {
		this.limits = burstLimits(options.quietMs);
	}

	private now(): number {
		return (this.options.clock ?? Date.now)();
	}

	start(): void {
		this.active = true;
		this.wakeAt(this.now());
	}

	async stop(): Promise<void> {
		this.active = false;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.timerAt = null;
		await this.running;
	}

	/** Holds the message in its customer's burst; throws like the store does, so the caller retries it. */
	async hold(event: ReceivedEvent): Promise<void> {
		await this.options.store.holdInBurst(this.options.subscriberId, event, this.now());
		this.wakeAt(event.createdAt + this.limits.quietMs);
	}

	/** Takes and emits the due bursts now; a call while a pass runs shares it. */
	flush(): Promise<void> {
		this.running ??= this.pass().finally(() => {
			this.running = null;
		});
		return this.running;
	}

	private wakeAt(at: number): void {
		if (!this.active || (this.timerAt !== null && this.timerAt <= at)) return;
		if (this.timer) clearTimeout(this.timer);
		this.timerAt = at;
		this.timer = setTimeout(
			() => {
				this.timer = null;
				this.timerAt = null;
				void this.flush();
			},
			Math.max(MIN_WAIT_MS, at - this.now()),
		);
	}

	private async pass(): Promise<void> {
		let due;
		try {
			due = await this.options.store.takeDueBursts(this.options.subscriberId, this.limits, this.now());
		} catch (error) {
			this.options.onError?.(error);
			this.wakeAt(this.now() + RETRY_MS);
			return;
		}
		for (const events of due.bursts) await this.deliver(events, false);
		if (due.nextDueAt !== null) this.wakeAt(due.nextDueAt);
	}

	private async deliver(events: StoreEvent[], redelivery: boolean): Promise<void> {
		try {
			const delivery = await this.options.emit(events, { redelivery });
			if (!delivery || redelivery) return;
			delivery.outcome.then(
				(outcome) => {
					if (outcome === 'lost' && this.active) void this.deliver(events, true);
				},
				// An outcome the host could not tell counts as ran: never a second run of one that may have run.
				() => undefined,
			);
		} catch (error) {
			// The burst is out of the store already: at most once, like a run n8n could not start.
			this.options.onError?.(error);
		}
	}
}
