/**
 * Stores that note when their last write committed, so that event latency is measured from the commit
 * itself: the ingest call resolves a few microtasks later, possibly after a subscriber in the same
 * process already saw the event.
 */
import type { StoreEngine, StoreWriter } from '../core/conversation/engine';
import { ConversationService } from '../core/conversation/service';
import { SqliteEngine, type SqliteStoreOptions } from '../core/store/sqlite/sqlite-engine';

/** Wall-clock epoch ms with sub-millisecond precision, comparable across processes on one host. */
export function epochMs(): number {
	return performance.timeOrigin + performance.now();
}

export interface CommitTimed {
	/** epochMs() when the last write transaction committed. */
	lastCommitAt: number;
}

/** A store on any engine whose write transactions note their commit time. */
export class CommitTimedStore<E extends StoreEngine> extends ConversationService<E> implements CommitTimed {
	lastCommitAt = 0;

	constructor(engine: E) {
		super(engine);
		const write = engine.write.bind(engine);
		(engine as StoreEngine).write = async <T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> => {
			const result = await write(work);
			this.lastCommitAt = epochMs();
			return result;
		};
	}
}

export class CommitTimedSqliteStore extends CommitTimedStore<SqliteEngine> {
	constructor(options: SqliteStoreOptions) {
		super(new SqliteEngine(options));
	}
}
