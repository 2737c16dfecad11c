import type { ConversationStore } from '../../core/conversation/store';

/**
 * What an engine provides to run the multi-process suite: a fresh, empty database per test that
 * worker processes can open too.
 */
export interface MultiProcessHarness {
	readonly engine: 'sqlite' | 'postgres';
	/** How a worker process opens the same database: a SQLite file path or `postgres:<schema>`. */
	readonly spec: string;
	/** A store in this process on the same database (closed by dispose). */
	open(): Promise<ConversationStore>;
	/** One number from SQL run beside the store, for checks; `table(name)` names a table of this database. */
	scalar(sql: (table: (name: string) => string) => string): Promise<number>;
	/** Closes every store it opened and drops the database. */
	dispose(): Promise<void>;
}

export type MultiProcessHarnessFactory = () => Promise<MultiProcessHarness>;
