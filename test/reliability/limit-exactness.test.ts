/**
 * The daily messaging limit, as Meta counts it (unique customers reached by business-initiated
 * templates per rolling 24 h), against four processes sending templates at once through the core's
 * sendTemplateMessage to the Meta simulator, for overlapping customers: exactly the tier's number of
 * customers is reached, every other attempt is refused with DAILY_LIMIT_REACHED before reaching
 * Meta, and a customer already reached may be written to again at no cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { tierLimit } from '../../core/policy/limits';
import { SqliteConversationStore } from '../../core/conversation/open';
import { startMetaSimulator, type MetaSimulator } from '../../tools/meta-simulator/meta-simulator';
import { ranAlone, type Span } from '../../tools/processes/barrier';
import { lastJsonLine, runTogether } from '../support/child';
import type { SendOutcome } from './workers/template-worker';

const WORKER = resolve(__dirname, 'workers/template-worker.ts');
const PROCESSES = 4;
const PER_PROCESS = 150;
/** Distinct customers asked for in all: more than the tier, so the limit is reached. */
const CUSTOMERS = 400;

function customer(index: number): string {
	return `+1650555${String(index % CUSTOMERS).padStart(4, '0')}`;
}

describe('daily limit across processes sending templates', () => {
	let folder: string;
	let simulator: MetaSimulator;

	beforeEach(async () => {
		folder = mkdtempSync(join(tmpdir(), 'wa-limit-'));
		simulator = await startMetaSimulator({ webhook: { statuses: false } });
	});
	afterEach(async () => {
		await simulator.close();
		rmSync(folder, { recursive: true, force: true });
	});

	it('reaches exactly the tier and refuses the rest with DAILY_LIMIT_REACHED', async () => {
		const path = join(folder, 'store.sqlite');
		await new SqliteConversationStore({ path }).close();
		const senders = await runTogether(
			WORKER,
			Array.from({ length: PROCESSES }, (_, worker) => {
				// Each process overlaps its neighbours: some customers are asked for by two processes.
				const recipients = Array.from({ length: PER_PROCESS }, (_, index) => customer(worker * 83 + index));
				return [JSON.stringify({ path, baseUrl: simulator.url, recipients, concurrency: 8 })];
			}),
		);
		const reports = senders.map((stdout) => lastJsonLine<{ outcomes: SendOutcome[]; span: Span }>(stdout));
		// The processes were sending at the same time, not one after the other.
		expect(ranAlone(reports.map((report) => report.span))).toEqual([]);
		const outcomes = reports.flatMap((report) => report.outcomes);

		const limit = tierLimit('TIER_250') ?? 0;
		expect(outcomes.filter((outcome) => outcome.outcome === 'error')).toEqual([]);
		expect(outcomes).toHaveLength(PROCESSES * PER_PROCESS);
		const reached = new Set(outcomes.filter((outcome) => outcome.counted).map((outcome) => outcome.to));
		expect(outcomes.filter((outcome) => outcome.counted)).toHaveLength(limit);
		expect(reached.size).toBe(limit);
		// All three answers occurred: new customers, repeats at no cost, refusals.
		expect(outcomes.filter((outcome) => outcome.outcome === 'sent' && !outcome.counted).length).toBeGreaterThan(0);
		expect(outcomes.filter((outcome) => outcome.outcome === 'refused').length).toBeGreaterThan(0);
		// Repeats went to customers already reached; refusals only to customers never reached.
		for (const outcome of outcomes) {
			if (outcome.outcome === 'sent') expect(reached.has(outcome.to)).toBe(true);
			if (outcome.outcome === 'refused') expect(reached.has(outcome.to)).toBe(false);
		}
		// Meta saw exactly those customers, and the store counts exactly the tier.
		const atMeta = new Set(simulator.state.sentMessages.map((sent) => `+${sent.waId}`));
		expect([...atMeta].sort()).toEqual([...reached].sort());
		expect(simulator.state.sentMessages).toHaveLength(outcomes.filter((outcome) => outcome.outcome === 'sent').length);
		const store = new SqliteConversationStore({ path });
		expect(await store.dailyLimitUsage(simulator.businessAccountId, Date.now())).toBe(limit);
		await store.close();
	});
});
