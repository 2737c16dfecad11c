import { LIMIT_WINDOW_MS } from '../policy/limits';
import type { ConversationStore, PruneOptions, PruneResult } from './store';

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_KEEP_MESSAGES_DAYS = 90;
export const DEFAULT_FORGET_INACTIVE_TRIGGERS_DAYS = 7;
/** Events stay this long even once every cursor has passed them (a test listener may still ask for one). */
export const EVENT_GRACE_MS = DAY_MS;
/**
 * Status receipts only recognise Meta's redeliveries of a status, which come within hours; they are
 * kept at least this long whatever the retention, so a late redelivery is never taken for a new status.
 */
export const MIN_STATUS_RECEIPT_MS = 7 * DAY_MS;
/** Send and Wait questions stay this long after their resume or expiry (for a look at a just-settled wait). */
export const WAITING_ANSWER_GRACE_MS = DAY_MS;

/** What one user of the store (a trigger, with its credential) asks to be kept. */
export interface RetentionPolicy {
	/** The business number whose messages and conversations this retention covers. */
	phoneNumberId: string;
	/** Messages and closed conversations are kept this long after their last message; null keeps them forever. */
	keepMessagesMs: number | null;
	/** A trigger's cursor untouched this long is forgotten: its workflow was deactivated or deleted. */
	forgetInactiveTriggersAfterMs: number;
}

export interface StoreMaintenanceOptions {
	/** Time between passes (default 10 minutes). */
	intervalMs?: number;
	/**
	 * Wait before the first pass (default 5 minutes), so that after a restart the triggers of this
	 * process touch their cursors before any cursor is judged idle.
	 */
	firstPassDelayMs?: number;
	batchSize?: number;
	pauseMs?: number;
	clock?: () => number;
	onPruned?: (result: PruneResult) => void;
	onError?: (error: unknown) => void;
}

function emptyResult(): PruneResult {
	return { messages: 0, conversations: 0, statusReceipts: 0, reservations: 0, waitingAnswers: 0, pricing: 0, events: 0, forgottenSubscribers: [] };
}

function add(total: PruneResult, part: PruneResult): void {
	total.messages += part.messages;
	total.conversations += part.conversations;
	total.statusReceipts += part.statusReceipts;
	total.reservations += part.reservations;
	total.waitingAnswers += part.waitingAnswers;
	total.pricing += part.pricing;
	total.events += part.events;
	total.forgottenSubscribers.push(...part.forgottenSubscribers);
}

/** Of two retentions asked for one number, the longer one wins; forever beats any. */
function longer(a: number | null | undefined, b: number | null): number | null {
	if (a === undefined) return b;
	return a === null || b === null ? null : Math.max(a, b);
}

/**
 * Keeps a store bounded: on a timer, deletes messages and closed conversations past each business
 * number's retention, status receipts, limit reservations and settled Send and Wait questions that no longer matter, the cursors of
 * triggers that stopped running, and the events every remaining cursor has passed. Contacts are never
 * deleted: they are one row per customer and hold the opt-out.
 *
 * Several users may ask different things of one store: per number the longest retention wins, and a
 * cursor is forgotten only after the longest idle time any of them allows.
 */
export class StoreMaintenance {
	private readonly policies = new Set<RetentionPolicy>();
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<PruneResult> | null = null;

	constructor(
		private readonly store: ConversationStore,
		private readonly options: StoreMaintenanceOptions = {},
	) {}

	/** Adds what a user asks to be kept; the returned function takes it back. */
	addPolicy(policy: RetentionPolicy): () => void {
		const entry = { ...policy };
		this.policies.add(entry);
		return () => {
			this.policies.delete(entry);
		};
	}

	start(): void {
		if (this.timer) return;
		const intervalMs = this.options.intervalMs ?? 10 * 60_000;
		this.timer = setTimeout(() => {
			void this.runNow();
			this.timer = setInterval(() => void this.runNow(), intervalMs);
			this.timer.unref();
		}, this.options.firstPassDelayMs ?? 5 * 60_000);
		this.timer.unref();
	}

	/** One pass; a call while a pass runs shares it, so one store is never pruned twice at once here. */
	runNow(): Promise<PruneResult> {
		this.running ??= this.pass()
			.then((result) => {
				this.options.onPruned?.(result);
				return result;
			})
			.catch((error: unknown) => {
				this.options.onError?.(error);
				return emptyResult();
			})
			.finally(() => {
				this.running = null;
			});
		return this.running;
	}

	async stop(): Promise<void> {
		// Node's clearTimeout clears the first-pass timeout and the interval alike.
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		await this.running;
	}

	private async pass(): Promise<PruneResult> {
		const policies = [...this.policies];
		const total = emptyResult();
		if (policies.length === 0) return total;
		const now = (this.options.clock ?? Date.now)();
		const batching: Pick<PruneOptions, 'batchSize' | 'pauseMs'> = { batchSize: this.options.batchSize, pauseMs: this.options.pauseMs };

		const keepByNumber = new Map<string, number | null>();
		for (const policy of policies) {
			keepByNumber.set(policy.phoneNumberId, longer(keepByNumber.get(policy.phoneNumberId), policy.keepMessagesMs));
		}
		for (const [phoneNumberId, keepMs] of keepByNumber) {
			if (keepMs !== null) add(total, await this.store.prune({ ...batching, phoneNumberId, messagesBefore: now - keepMs }));
		}

		const keeps = [...keepByNumber.values()];
		const receiptsKeepMs = keeps.includes(null) ? null : Math.max(MIN_STATUS_RECEIPT_MS, ...(keeps as number[]));
		const forgetAfterMs = Math.max(...policies.map((policy) => policy.forgetInactiveTriggersAfterMs));
		add(
			total,
			await this.store.prune({
				...batching,
				statusReceiptsBefore: receiptsKeepMs === null ? undefined : now - receiptsKeepMs,
				reservationsBefore: now - LIMIT_WINDOW_MS,
				waitingAnswersBefore: now - WAITING_ANSWER_GRACE_MS,
				forgetSubscribersIdleSince: now - forgetAfterMs,
				eventsBefore: now - EVENT_GRACE_MS,
			}),
		);
		return total;
	}
}

interface Maintained {
	maintenance: StoreMaintenance;
	users: number;
}

const maintained = new Map<ConversationStore, Maintained>();

/**
 * Keeps the store bounded while the caller runs, with one maintenance per store in this process
 * whatever the number of callers (each trigger registers its credential's retention). Other processes
 * on the same store may prune at the same time: each batch is its own transaction and deleting what
 * is already gone does nothing, so they only share the work. The returned function ends the
 * caller's registration; the last one stops the timer.
 */
export function maintainStore(
	store: ConversationStore,
	policy: RetentionPolicy,
	options: StoreMaintenanceOptions = {},
): () => Promise<void> {
	let entry = maintained.get(store);
	if (!entry) {
		entry = { maintenance: new StoreMaintenance(store, options), users: 0 };
		maintained.set(store, entry);
		entry.maintenance.start();
	}
	const current = entry;
	current.users++;
	const removePolicy = current.maintenance.addPolicy(policy);
	let released = false;
	return async () => {
		if (released) return;
		released = true;
		removePolicy();
		if (--current.users > 0) return;
		maintained.delete(store);
		await current.maintenance.stop();
	};
}
