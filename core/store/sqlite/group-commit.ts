import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Serializes this process's transactions on one database file. Two connections of one process must
 * not contend through SQLite's lock: its busy wait blocks the thread, so the transaction holding the
 * lock could never resume. Other processes wait on the lock as usual.
 */
export class TransactionQueue {
	private tail: Promise<unknown> = Promise.resolve();

	run<T>(work: () => Promise<T>): Promise<T> {
		const result = this.tail.then(work);
		this.tail = result.catch(() => undefined);
		return result;
	}
}

interface QueuedWrite<Tx> {
	work: (tx: Tx) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * More writes in one commit would hold readers (and a waiting Meta delivery) back for longer than
 * the commit they save; a few hundred small webhooks take a few milliseconds.
 */
const MAX_WRITES_PER_COMMIT = 256;

/**
 * Group commit: the writes asked for within one turn of the event loop (concurrent webhook
 * deliveries, a burst of sends) share one transaction and one COMMIT, which is most of a small
 * write's cost (its pages written to the WAL). Each write runs in a SAVEPOINT of its own, so one that
 * fails is undone alone and the others still commit; each caller is answered only after the COMMIT
 * that made its own write durable, never before. One write alone takes a plain transaction.
 */
export class GroupCommit<Tx> {
	private readonly waiting: QueuedWrite<Tx>[] = [];
	private scheduled = false;
	private readonly begin: StatementSync;
	private readonly commit: StatementSync;
	private readonly rollback: StatementSync;
	private readonly savepoint: StatementSync;
	private readonly release: StatementSync;
	private readonly rollbackToSavepoint: StatementSync;

	constructor(
		private readonly db: DatabaseSync,
		private readonly tx: Tx,
		private readonly queue: TransactionQueue,
		private readonly afterCommit: () => void = () => undefined,
	) {
		// Prepared once: exec() would parse these statements again for every transaction.
		this.begin = db.prepare('BEGIN IMMEDIATE');
		this.commit = db.prepare('COMMIT');
		this.rollback = db.prepare('ROLLBACK');
		this.savepoint = db.prepare('SAVEPOINT write');
		this.release = db.prepare('RELEASE write');
		this.rollbackToSavepoint = db.prepare('ROLLBACK TO write');
	}

	write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
			this.schedule();
		});
	}

	/** Commits every write asked for so far (closing must not leave one behind). */
	async flush(): Promise<void> {
		while (this.waiting.length > 0) await this.queue.run(() => this.commitWaiting());
	}

	/**
	 * The commit runs on the next turn of the event loop, once the deliveries that arrived in this one
	 * have all asked to write; while it runs, newer ones gather for the next.
	 */
	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			void this.queue.run(() => this.commitWaiting());
		});
	}

	private async commitWaiting(): Promise<void> {
		const batch = this.waiting.splice(0, MAX_WRITES_PER_COMMIT);
		if (this.waiting.length > 0) this.schedule();
		if (batch.length === 0) return;
		try {
			this.begin.run();
		} catch (error) {
			for (const write of batch) write.reject(error);
			return;
		}
		const outcomes = batch.length === 1 ? [await this.runAlone(batch[0])] : await this.runEachInSavepoint(batch);
		if (outcomes.length < batch.length) {
			// SQLite rolled the whole transaction back (disk full, I/O error): the writes not yet run go
			// first into the next commit; those that ran were lost with it and fail below.
			this.waiting.unshift(...batch.slice(outcomes.length));
			this.schedule();
		}
		let commitError: unknown = null;
		if (this.db.isTransaction) {
			try {
				this.commit.run();
			} catch (error) {
				commitError = error;
				if (this.db.isTransaction) this.rollback.run();
			}
			if (commitError === null) this.afterCommit();
		} else if (outcomes.some((outcome) => outcome.ok)) {
			commitError = lostTransaction(outcomes);
		}
		outcomes.forEach((outcome, index) => {
			if (!outcome.ok) batch[index].reject(outcome.error);
			else if (commitError !== null) batch[index].reject(commitError);
			else batch[index].resolve(outcome.value);
		});
	}

	private async runAlone(write: QueuedWrite<Tx>): Promise<Outcome> {
		try {
			return { ok: true, value: await write.work(this.tx) };
		} catch (error) {
			if (this.db.isTransaction) this.rollback.run();
			return { ok: false, error };
		}
	}

	/** Runs the writes in order; stops early when SQLite itself ended the transaction. */
	private async runEachInSavepoint(batch: readonly QueuedWrite<Tx>[]): Promise<Outcome[]> {
		const outcomes: Outcome[] = [];
		for (const write of batch) {
			this.savepoint.run();
			try {
				const value = await write.work(this.tx);
				this.release.run();
				outcomes.push({ ok: true, value });
			} catch (error) {
				outcomes.push({ ok: false, error });
				if (!this.db.isTransaction) break;
				this.rollbackToSavepoint.run();
				this.release.run();
			}
		}
		return outcomes;
	}
}

/** The writes that had succeeded fail with the error that made SQLite roll everything back. */
function lostTransaction(outcomes: readonly Outcome[]): unknown {
	const failure = outcomes.find((outcome) => !outcome.ok);
	return failure && !failure.ok ? failure.error : new Error('The SQLite transaction ended before its commit');
}
