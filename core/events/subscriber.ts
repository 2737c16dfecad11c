import type { ConversationStore, SubscribeFrom } from '../store/types';
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
	/** Handles a batch; the cursor moves past it only when this resolves (at-least-once delivery). */
	handle: (events: StoreEvent[]) => Promise<void> | void;
	/** Called when reading or handling fails; the batch is retried after a pause. */
	onError?: (error: unknown) => void;
}

/**
 * Reads the event log through a durable cursor and hands each batch to `handle`. An event committed
 * before a crash is read again after the restart; nothing is skipped, and the cursor only advances
 * past batches that were handled.
 */
export class EventSubscriber {
	private running = false;
	private wake: (() => void) | null = null;
	private pendingWake = false;
	private loop: Promise<void> | null = null;
	private stopListening: (() => void) | null = null;

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
		this.signal();
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
				const batch = await store.readEvents(subscriberId, {
					limit,
					types: this.options.types,
					phoneNumberId: this.options.phoneNumberId,
				});
				if (batch.events.length > 0) await this.options.handle(batch.events);
				await store.acknowledge(subscriberId, batch.position);
				if (batch.events.length === limit) continue;
			} catch (error) {
				if (!this.running) return;
				this.options.onError?.(error);
			}
			await this.waitForSignal(this.options.idleRecheckMs ?? 5_000);
		}
	}

	private waitForSignal(timeoutMs: number): Promise<void> {
		if (this.pendingWake || !this.running) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => this.wake?.(), timeoutMs);
			this.wake = () => {
				clearTimeout(timer);
				this.wake = null;
				resolve();
			};
		});
	}
}
