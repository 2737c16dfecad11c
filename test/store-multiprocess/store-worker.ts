/**
 * A separate process working on a shared store, for the multi-process suite.
 * argv: <store> <scenario> <json options>, where <store> is a SQLite file path or `postgres:<schema>`
 * (on WA_TEST_PG_URL). Opens the store, then waits at the ready/go barrier (tools/processes/barrier.ts)
 * so that every process starts its scenario at once; prints one JSON line with its results and the
 * span of its work.
 */
import { PolicyError } from '../../core/errors';
import type { MessagingTier } from '../../core/policy/limits';
import { PostgresConversationStore, SqliteConversationStore } from '../../core/conversation/open';
import type { ConversationStore } from '../../core/conversation/store';
import { afterGo } from '../../tools/processes/barrier';
import { inbound, status, webhookOf } from '../../tools/traffic/builders';
import { testStoreOptions } from '../integration/store/postgres-support';

interface ReserveOptions {
	customers: string[];
	tier: MessagingTier;
	now: number;
}

interface SweepOptions {
	now: number;
	inactivityTimeoutMs: number;
	rounds: number;
}

interface IngestOptions {
	wamids: string[];
	customerPrefix: string;
	now: number;
	/** Print each wamid once its transaction committed (the crash test kills us mid-way). */
	announce?: boolean;
}

interface MixedOptions {
	worker: number;
	rounds: number;
	customers: number;
	now: number;
	inactivityTimeoutMs: number;
}

function openStore(spec: string): ConversationStore {
	if (spec.startsWith('postgres:')) return new PostgresConversationStore(testStoreOptions(spec.slice('postgres:'.length)));
	return new SqliteConversationStore({ path: spec, busyTimeoutMs: 30_000 });
}

async function countReservation(store: ConversationStore, customerId: string, tier: MessagingTier, now: number): Promise<'new' | 'repeat' | 'refused'> {
	try {
		return (await store.reserveDailyLimit({ scope: 'portfolio', customerId, tier, now })).counted ? 'new' : 'repeat';
	} catch (error) {
		if (!(error instanceof PolicyError) || error.code !== 'DAILY_LIMIT_REACHED') throw error;
		return 'refused';
	}
}

/**
 * Everything at once, as a queue-mode worker sees it: deliveries that other processes receive too
 * (Meta retries land anywhere), customers shared with other processes, sends, statuses, limit
 * reservations and sweeps, on one simulated clock.
 */
async function mixed(store: ConversationStore, options: MixedOptions): Promise<Record<string, unknown>> {
	const results = { stored: 0, duplicates: 0, statuses: 0, outbound: 0, new: 0, repeat: 0, refused: 0, ended: [] as string[] };
	const { worker, customers, inactivityTimeoutMs } = options;
	for (let round = 0; round < options.rounds; round++) {
		const now = options.now + round * 1_000;
		const lifecycle = { now, inactivityTimeoutMs };
		const messages = [
			inbound({ wamid: `wamid.w${worker}-${round}`, customerId: `c${(round + worker) % customers}`, timestamp: now }),
			inbound({ wamid: `wamid.shared-${round}`, customerId: `c${round % customers}`, timestamp: now, text: round % 9 === 0 ? 'STOP' : 'hi' }),
		];
		const statuses = round > 0 ? [status(`wamid.o${worker}-${round - 1}`, round % 2 === 0 ? 'read' : 'delivered', { timestamp: now })] : [];
		const ingested = await store.ingest(webhookOf({ messages, statuses }), lifecycle);
		results.stored += ingested.messagesStored;
		results.duplicates += ingested.duplicateMessages;
		results.statuses += ingested.statusesApplied;
		await store.recordOutbound(
			{ businessAccountId: 'portfolio', phoneNumberId: messages[0].phoneNumberId, wamid: `wamid.o${worker}-${round}`, customerId: `c${(round * 7 + worker) % customers}`, type: 'text', text: 'reply', payload: {}, timestamp: now },
			lifecycle,
		);
		results.outbound++;
		results[await countReservation(store, `r${worker}-${round % 80}`, 'TIER_250', options.now)]++;
		if (round % 10 === 9) {
			const ended = await store.sweepIdleConversations({ now, inactivityTimeoutMs, batchSize: 3 });
			results.ended.push(...ended.map((conversation) => conversation.id));
		}
	}
	return results;
}

async function reserve(store: ConversationStore, options: ReserveOptions): Promise<Record<string, unknown>> {
	const granted: string[] = [];
	let repeats = 0;
	let refused = 0;
	for (const customerId of options.customers) {
		const outcome = await countReservation(store, customerId, options.tier, options.now);
		if (outcome === 'new') granted.push(customerId);
		else if (outcome === 'repeat') repeats++;
		else refused++;
	}
	return { granted, repeats, refused };
}

async function sweep(store: ConversationStore, options: SweepOptions): Promise<Record<string, unknown>> {
	const ended: string[] = [];
	for (let round = 0; round < options.rounds; round++) {
		const batch = await store.sweepIdleConversations({ now: options.now, inactivityTimeoutMs: options.inactivityTimeoutMs, batchSize: 5 });
		ended.push(...batch.map((conversation) => conversation.id));
	}
	return { ended };
}

async function ingest(store: ConversationStore, options: IngestOptions): Promise<Record<string, unknown>> {
	let stored = 0;
	for (const [index, wamid] of options.wamids.entries()) {
		const message = inbound({ wamid, customerId: `${options.customerPrefix}${index % 50}`, timestamp: options.now });
		const result = await store.ingest(webhookOf({ messages: [message] }), { now: options.now, inactivityTimeoutMs: 3_600_000 });
		stored += result.messagesStored;
		if (options.announce) process.stdout.write(`committed ${wamid}\n`);
	}
	return { stored };
}

const SCENARIOS: Record<string, (store: ConversationStore, options: never) => Promise<Record<string, unknown>>> = { reserve, sweep, ingest, mixed };

async function main(): Promise<void> {
	const [spec, scenario, rawOptions] = process.argv.slice(2);
	const run = SCENARIOS[scenario];
	if (!run) throw new Error(`unknown scenario ${scenario}`);
	const store = openStore(spec);
	// Connected and migrated before the barrier: the race is the scenario, not the start-up.
	await store.dailyLimitUsage('portfolio', 0);
	const { result, span } = await afterGo(() => run(store, JSON.parse(rawOptions) as never));
	process.stdout.write(`${JSON.stringify({ ...result, span })}\n`);
	await store.close();
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
