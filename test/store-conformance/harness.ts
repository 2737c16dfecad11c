import type { ConversationStore } from '../../core/conversation/store';

/**
 * What an engine provides to run the conformance suite: a fresh, empty database per test, which can
 * be opened several times (two "processes", or a restart).
 */
export interface StoreHarness {
	open(): Promise<ConversationStore>;
	/** Drops the database and closes every store this harness opened. */
	dispose(): Promise<void>;
}

export type StoreHarnessFactory = () => Promise<StoreHarness>;
