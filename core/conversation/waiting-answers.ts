import type { InboundMessage } from '../webhook/types';
import type { ConversationStore } from './store';

/**
 * Send and Wait: an n8n execution waits for one customer's answer. The store keeps each waiting
 * question until it is settled (answered by the customer's next message, in the transaction that
 * stores the message, or timed out by the resumer), and then until the waiting execution was resumed
 * with the outcome: the row is the outbox that makes the resume survive restarts and failed calls.
 */

export type WaitingAnswerState = 'waiting' | 'answered' | 'timed_out' | 'resumed';

/** The customer's reply, as the waiting execution receives it. */
export interface QuestionAnswer {
	wamid: string;
	type: string;
	/** The text, or the chosen button's or row's title. */
	text: string | null;
	/** The chosen button's or row's id; null for free text. */
	replyId: string | null;
	replyKind: string | null;
	timestamp: number;
}

export interface WaitingAnswer {
	/** Chosen by the caller; one per waiting execution and node. */
	waitId: string;
	phoneNumberId: string;
	customerId: string;
	/** Where the outcome is POSTed: n8n's resume URL of the waiting execution (carries its token). */
	resumeUrl: string;
	createdAt: number;
	/** Epoch ms; unanswered by then, the question times out. */
	expiresAt: number;
	state: WaitingAnswerState;
	answer: QuestionAnswer | null;
	settledAt: number | null;
	/** The next resume attempt is due then (a claim moves it on, so one process tries at a time). */
	resumeAfter: number | null;
	attempts: number;
}

export type NewWaitingAnswer = Pick<WaitingAnswer, 'waitId' | 'phoneNumberId' | 'customerId' | 'resumeUrl' | 'createdAt' | 'expiresAt'>;

/** Message kinds that answer a question; reactions, system notices and unknown kinds do not. */
const ANSWERING_TYPES = new Set(['text', 'button', 'interactive', 'image', 'video', 'audio', 'document', 'location', 'contacts', 'sticker']);

export function answerOf(message: InboundMessage): QuestionAnswer | null {
	if (!ANSWERING_TYPES.has(message.type)) return null;
	return {
		wamid: message.wamid,
		type: message.type,
		text: message.reply?.title ?? message.text,
		replyId: message.reply?.id ?? null,
		replyKind: message.reply?.kind ?? null,
		timestamp: message.timestamp,
	};
}

/** What the resume call carries to the waiting node's webhook. */
export interface ResumeBody {
	waitId: string;
	phoneNumberId: string;
	customerId: string;
	outcome: 'answered' | 'timed_out';
	answer: QuestionAnswer | null;
}

/** How a resume call ended: delivered (or never deliverable again) settles the row; retry leaves it due later. */
export type ResumeCallResult = 'delivered' | 'gone' | 'retry';

export type ResumeCall = (url: string, body: ResumeBody) => Promise<ResumeCallResult>;

/** First retry after a failed call; doubles per attempt up to the cap. */
export const RESUME_RETRY_MS = 2_000;
const RESUME_RETRY_MAX_MS = 5 * 60_000;
/** A call still unanswered after this long is retried by whichever process claims it next. */
export const RESUME_CLAIM_MS = 30_000;
/** After this many failed calls (hours of retries) the row is given up (left resumed). */
export const RESUME_MAX_ATTEMPTS = 40;

export function retryDelay(attempts: number): number {
	return Math.min(RESUME_RETRY_MS * 2 ** Math.max(0, attempts - 1), RESUME_RETRY_MAX_MS);
}

/**
 * POSTs the outcome to n8n's resume URL. n8n answers 409 while the execution is still running (the
 * answer came before n8n saved it as waiting): retried. 404 (no such execution) and "finished already"
 * can never succeed: gone.
 */
export async function postResume(url: string, body: ResumeBody, timeoutMs = 15_000): Promise<ResumeCallResult> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text().catch(() => '');
		if (response.ok) return 'delivered';
		if (response.status === 404 || (response.status === 409 && /finished/i.test(text))) return 'gone';
		return 'retry';
	} catch {
		return 'retry';
	}
}

export interface ResumerOptions {
	store: ConversationStore;
	call?: ResumeCall;
	/** Time between passes (timeouts and retries); default 2 s. */
	intervalMs?: number;
	clock?: () => number;
	onError?: (error: unknown) => void;
}

/**
 * Times out unanswered questions and resumes waiting executions with their outcome. Any number of
 * processes may run one: each row is claimed in a transaction before its call, and settled after it.
 */
export class WaitingAnswerResumer {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;
	private again = false;

	constructor(private readonly options: ResumerOptions) {}

	start(): void {
		if (this.timer) return;
		this.timer = setInterval(() => void this.resumeNow(), this.options.intervalMs ?? 2_000);
		this.timer.unref();
	}

	/** One pass; a call during a pass runs one more pass after it (a fresh answer is not left for the timer). */
	resumeNow(): Promise<void> {
		if (this.running) {
			this.again = true;
			return this.running;
		}
		this.running = this.pass().finally(() => {
			this.running = null;
			if (this.again) {
				this.again = false;
				void this.resumeNow();
			}
		});
		return this.running;
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		this.again = false;
		await this.running;
	}

	private async pass(): Promise<void> {
		const { store } = this.options;
		const clock = this.options.clock ?? Date.now;
		const call = this.options.call ?? postResume;
		try {
			await store.expireWaitingAnswers(clock());
			for (;;) {
				const claimed = await store.claimWaitingAnswerResumes(clock(), RESUME_CLAIM_MS, 20);
				if (claimed.length === 0) return;
				await Promise.all(
					claimed.map(async (row) => {
						const outcome = row.state === 'answered' ? 'answered' : 'timed_out';
						const result = await call(row.resumeUrl, {
							waitId: row.waitId,
							phoneNumberId: row.phoneNumberId,
							customerId: row.customerId,
							outcome,
							answer: row.answer,
						});
						const givenUp = result === 'retry' && row.attempts >= RESUME_MAX_ATTEMPTS;
						if (result !== 'retry' || givenUp) await store.markWaitingAnswerResumed(row.waitId, clock());
						else await store.deferWaitingAnswerResume(row.waitId, clock() + retryDelay(row.attempts));
					}),
				);
			}
		} catch (error) {
			this.options.onError?.(error);
		}
	}
}

const resumers = new Map<ConversationStore, { resumer: WaitingAnswerResumer; users: number }>();

/**
 * One resumer per store in the process, however many triggers hold it; returns its release. The
 * process that ingests an answer also calls `resumeWaitingAnswers` at once, so the timer is only the
 * path for timeouts and retries.
 */
export function runWaitingAnswerResumer(store: ConversationStore, options: Omit<ResumerOptions, 'store'> = {}): () => Promise<void> {
	let entry = resumers.get(store);
	if (!entry) {
		entry = { resumer: new WaitingAnswerResumer({ ...options, store }), users: 0 };
		resumers.set(store, entry);
		entry.resumer.start();
	}
	const current = entry;
	current.users++;
	let released = false;
	return async () => {
		if (released) return;
		released = true;
		if (--current.users > 0) return;
		resumers.delete(store);
		await current.resumer.stop();
	};
}

/** Resumes what is due now, through the process's resumer of the store when there is one. */
export function resumeWaitingAnswers(store: ConversationStore, options: Omit<ResumerOptions, 'store'> = {}): Promise<void> {
	return (resumers.get(store)?.resumer ?? new WaitingAnswerResumer({ ...options, store })).resumeNow();
}
