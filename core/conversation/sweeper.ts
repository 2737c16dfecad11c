import type { ConversationRecord } from './types';
import type { ConversationStore } from './store';

export interface SweeperOptions {
	store: ConversationStore;
	inactivityTimeoutMs: number;
	/** How often to look for idle conversations. */
	intervalMs: number;
	phoneNumberId?: string;
	clock?: () => number;
	onEnded?: (ended: ConversationRecord[]) => void;
	onError?: (error: unknown) => void;
}

/**
 * Closes idle conversations on a timer. Several sweepers (processes, workflows) may run at once:
 * each conversation is claimed inside one transaction, so it ends exactly once.
 */
export class IdleConversationSweeper {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;

	constructor(private readonly options: SweeperOptions) {}

	start(): void {
		if (this.timer) return;
		this.timer = setInterval(() => void this.sweepNow(), this.options.intervalMs);
		this.timer.unref();
	}

	/** One pass, closing every idle conversation in batches; overlapping calls share the pass. */
	sweepNow(): Promise<void> {
		this.running ??= this.sweepAll().finally(() => {
			this.running = null;
		});
		return this.running;
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		await this.running;
	}

	private async sweepAll(): Promise<void> {
		const clock = this.options.clock ?? Date.now;
		try {
			for (;;) {
				const ended = await this.options.store.sweepIdleConversations({
					now: clock(),
					inactivityTimeoutMs: this.options.inactivityTimeoutMs,
					phoneNumberId: this.options.phoneNumberId,
				});
				if (ended.length > 0) this.options.onEnded?.(ended);
				if (ended.length === 0) return;
			}
		} catch (error) {
			this.options.onError?.(error);
		}
	}
}
