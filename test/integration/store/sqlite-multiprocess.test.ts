import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { SqliteConversationStore } from '../../../core/store/sqlite/sqlite-store';
import { inbound, webhookOf } from '../../support/builders';
import { lastJsonLine, runTs, spawnTs } from '../../support/child';

const WORKER = resolve(__dirname, 'workers/store-worker.ts');
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Several Node processes on one SQLite file: the guarantees must hold across processes, not only connections. */
describe('sqlite store shared by several processes', () => {
	let folder: string;
	let path: string;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-multi-'));
		path = join(folder, 'conversations.sqlite');
	});

	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	it('reserves exactly the tier across four processes racing for it', async () => {
		// Create the schema first so the workers start together on the same file.
		await new SqliteConversationStore({ path }).close();
		const outputs = await Promise.all(
			[0, 1, 2, 3].map((worker) => {
				// Overlapping customers: each worker also asks for some of its neighbour's.
				const customers = Array.from({ length: 100 }, (_, index) => `c${(worker * 80 + index) % 330}`);
				return runTs(WORKER, [path, 'reserve', JSON.stringify({ customers, tier: 'TIER_250', now: T0 })]);
			}),
		);
		const results = outputs.map((output) => lastJsonLine<{ newUsers: number; repeats: number; refused: number }>(output));
		const store = new SqliteConversationStore({ path });
		expect(await store.dailyLimitUsage('portfolio', T0)).toBe(250);
		// Every attempt was answered and exactly the tier's number of new users was granted.
		const total = (key: 'newUsers' | 'repeats' | 'refused') => results.reduce((sum, result) => sum + result[key], 0);
		expect(total('newUsers') + total('repeats') + total('refused')).toBe(400);
		expect(total('newUsers')).toBe(250);
		await store.close();
	});

	it('ends each idle conversation once when four processes sweep together', async () => {
		const store = new SqliteConversationStore({ path });
		for (let index = 0; index < 120; index++) {
			await store.ingest(webhookOf({ messages: [inbound({ customerId: `4477009${index}`, timestamp: T0 })] }), { now: T0, inactivityTimeoutMs: 60_000 });
		}
		const outputs = await Promise.all(
			[0, 1, 2, 3].map(() => runTs(WORKER, [path, 'sweep', JSON.stringify({ now: T0 + 120_000, inactivityTimeoutMs: 60_000, rounds: 12 })])),
		);
		const ended = outputs.flatMap((output) => lastJsonLine<{ ended: string[] }>(output).ended);
		expect(ended).toHaveLength(120);
		expect(new Set(ended).size).toBe(120);
		await store.subscribe('check', 'beginning');
		const events = await store.readEvents('check', { limit: 1000, types: ['conversation.ended'] });
		expect(events.events).toHaveLength(120);
		await store.close();
	});

	it('stores each message once when processes ingest the same deliveries', async () => {
		await new SqliteConversationStore({ path }).close();
		const wamids = Array.from({ length: 150 }, (_, index) => `wamid.shared-${index}`);
		const outputs = await Promise.all(
			[0, 1, 2].map(() => runTs(WORKER, [path, 'ingest', JSON.stringify({ wamids, customerPrefix: '1650555', now: T0 })])),
		);
		const stored = outputs.reduce((sum, output) => sum + lastJsonLine<{ stored: number }>(output).stored, 0);
		expect(stored).toBe(150);
		const store = new SqliteConversationStore({ path });
		await store.subscribe('check', 'beginning');
		const received = await store.readEvents('check', { limit: 1000, types: ['message.received'] });
		expect(received.events).toHaveLength(150);
		expect((await store.listConversations({ limit: 1000 })).length).toBe(50);
		await store.close();
	});

	it('keeps every committed message and event when the ingesting process is killed', async () => {
		const reader = new SqliteConversationStore({ path });
		await reader.subscribe('trigger', 'now');
		const wamids = Array.from({ length: 5000 }, (_, index) => `wamid.crash-${index}`);
		const child = spawnTs(WORKER, [path, 'ingest', JSON.stringify({ wamids, customerPrefix: '4477', now: T0, announce: true })]);
		const committed: string[] = [];
		let buffer = '';
		await new Promise<void>((resolvePromise) => {
			child.stdout?.on('data', (chunk: Buffer) => {
				buffer += chunk.toString();
				const lines = buffer.split('\n');
				buffer = lines.pop() ?? '';
				for (const line of lines) if (line.startsWith('committed ')) committed.push(line.slice('committed '.length));
				if (committed.length >= 300 && !child.killed) child.kill('SIGKILL');
			});
			child.on('exit', () => resolvePromise());
		});
		expect(committed.length).toBeGreaterThanOrEqual(300);
		expect(committed.length).toBeLessThan(wamids.length);

		const restarted = new SqliteConversationStore({ path });
		const delivered = new Set<string>();
		for (;;) {
			const batch = await restarted.readEvents('trigger', { limit: 500, types: ['message.received'] });
			for (const event of batch.events) if (event.type === 'message.received') delivered.add(event.payload.message.wamid);
			await restarted.acknowledge('trigger', batch.position);
			if (batch.events.length < 500) break;
		}
		for (const wamid of committed) expect(delivered.has(wamid)).toBe(true);
		await reader.close();
		await restarted.close();
	});
});
