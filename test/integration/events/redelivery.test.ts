// The core's redelivery rule on a real store, without n8n: an event whose run the host lost is handed
// over once more; one whose run ended on its own (failed steps included), one whose end the host could
// not tell, and a second loss are never handed over again; the cursor never goes back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EventSubscriber, type RunOutcome } from '../../../core/events/subscriber';
import type { StoreEvent } from '../../../core/events/types';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { inbound, webhookOf } from '../../../tools/traffic/builders';
import { waitFor } from '../../store-conformance/conformance';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = { now: T0, inactivityTimeoutMs: 30 * 60_000 };

const wamidOf = (event: StoreEvent) => (event.type === 'message.received' ? event.payload.message.wamid : `#${event.id}`);

/** A run the test ends by hand, as the host would when the execution finishes (or is lost). */
interface Run {
	wamid: string;
	redelivery: boolean;
	end(outcome: RunOutcome): void;
	fail(error: Error): void;
}

describe('EventSubscriber redelivering an event whose run was lost', () => {
	let folder: string;
	let store: SqliteConversationStore;
	let subscriber: EventSubscriber | undefined;
	let runs: Run[];

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-redelivery-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		runs = [];
	});
	afterEach(async () => {
		await subscriber?.stop();
		subscriber = undefined;
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	async function ingest(count: number): Promise<string[]> {
		const messages = Array.from({ length: count }, (_, index) => inbound({ customerId: `1555200${String(index).padStart(4, '0')}` }));
		await store.ingest(webhookOf({ messages }), lifecycle);
		return messages.map((message) => message.wamid);
	}

	async function follow(): Promise<void> {
		subscriber = new EventSubscriber({
			store,
			subscriberId: 'trigger',
			types: ['message.received'],
			from: 'beginning',
			handle: (event, attempt) => {
				let end!: (outcome: RunOutcome) => void;
				let fail!: (error: Error) => void;
				const outcome = new Promise<RunOutcome>((resolve, reject) => {
					end = resolve;
					fail = reject;
				});
				runs.push({ wamid: wamidOf(event), redelivery: attempt.redelivery, end, fail });
				return { outcome };
			},
		});
		await subscriber.start();
	}

	const settle = () => new Promise((wait) => setTimeout(wait, 300));
	const handedOver = () => runs.map((run) => [run.wamid, run.redelivery]);

	it('hands a lost run over once more and a run that ended on its own never', async () => {
		const [ran, lost, failedSteps] = await ingest(3);
		await follow();
		await waitFor(() => runs.length >= 3, 5_000);
		// The cursor moved on at once: the runs end later, in any order.
		expect((await store.readEvents('trigger', { types: ['message.received'] })).events).toEqual([]);

		runs[1].end('lost');
		runs[0].end('ran');
		// A workflow whose own step failed also ran ('ran'): the host never calls that lost.
		runs[2].end('ran');
		await waitFor(() => runs.length >= 4, 5_000);
		await settle();
		expect(handedOver()).toEqual([
			[ran, false],
			[lost, false],
			[failedSteps, false],
			[lost, true],
		]);
	});

	it('never hands it over a third time, even when the redelivered run is lost too', async () => {
		const [lost] = await ingest(1);
		await follow();
		await waitFor(() => runs.length >= 1, 5_000);
		runs[0].end('lost');
		await waitFor(() => runs.length >= 2, 5_000);
		runs[1].end('lost');
		await settle();
		expect(handedOver()).toEqual([
			[lost, false],
			[lost, true],
		]);
	});

	it('does not hand over a run whose end the host could not tell', async () => {
		const [unknown] = await ingest(1);
		await follow();
		await waitFor(() => runs.length >= 1, 5_000);
		runs[0].fail(new Error('execution not found'));
		await settle();
		expect(handedOver()).toEqual([[unknown, false]]);
	});

	it('goes on with new events after a redelivery, each once, and its cursor never goes back', async () => {
		const [first] = await ingest(1);
		await follow();
		await waitFor(() => runs.length >= 1, 5_000);
		runs[0].end('lost');
		await waitFor(() => runs.length >= 2, 5_000);
		const later = await ingest(2);
		await waitFor(() => runs.length >= 4, 5_000);
		await settle();
		expect(handedOver()).toEqual([
			[first, false],
			[first, true],
			[later[0], false],
			[later[1], false],
		]);
		// A restart reads nothing again: the redelivery did not move the cursor back.
		await subscriber?.stop();
		runs = [];
		await follow();
		await settle();
		expect(runs).toEqual([]);
	});

	it('drops a loss reported after the subscriber stopped (the trigger was deactivated)', async () => {
		await ingest(1);
		await follow();
		await waitFor(() => runs.length >= 1, 5_000);
		await subscriber?.stop();
		runs[0].end('lost');
		await settle();
		expect(runs).toHaveLength(1);
	});
});
