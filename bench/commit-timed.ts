/**
 * Stores that note when their last write committed, so that event latency is measured from the commit
 * itself: the ingest call resolves a few microtasks later, possibly after a subscriber in the same
 * process already saw the event.
 */
import { SqliteConversationStore } from '../core/conversation/open';
import type { StoreWriter } from '../core/conversation/engine';

/** Wall-clock epoch ms with sub-millisecond precision, comparable across processes on one host. */
export function epochMs(): number {
	return performance.timeOrigin + performance.now();
}

export interface CommitTimed {
	/** epochMs() when the last write transaction committed. */
	lastCommitAt: number;
}

export class CommitTimedSqliteStore extends SqliteConversationStore implements CommitTimed {
	lastCommitAt = 0;

	protected override async write<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
		const result = await super.write(work);
		this.lastCommitAt = epochMs();
		return result;
	}
}
