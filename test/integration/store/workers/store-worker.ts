/**
 * A separate process working on a shared SQLite store file, for the multi-process tests.
 * argv: <db path> <scenario> <json options>; prints one JSON line with its results.
 */
import { PolicyError } from '../../../../core/errors';
import type { MessagingTier } from '../../../../core/policy/limits';
import { SqliteConversationStore } from '../../../../core/store/sqlite/sqlite-store';
import { inbound, webhookOf } from '../../../support/builders';

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

async function main(): Promise<void> {
	const [path, scenario, rawOptions] = process.argv.slice(2);
	const store = new SqliteConversationStore({ path, busyTimeoutMs: 30_000 });
	if (scenario === 'reserve') {
		const options = JSON.parse(rawOptions) as ReserveOptions;
		let newUsers = 0;
		let repeats = 0;
		let refused = 0;
		for (const customerId of options.customers) {
			try {
				const reservation = await store.reserveDailyLimit({ scope: 'portfolio', customerId, tier: options.tier, now: options.now });
				if (reservation.counted) newUsers++;
				else repeats++;
			} catch (error) {
				if (!(error instanceof PolicyError) || error.code !== 'DAILY_LIMIT_REACHED') throw error;
				refused++;
			}
		}
		process.stdout.write(`${JSON.stringify({ newUsers, repeats, refused })}\n`);
	} else if (scenario === 'sweep') {
		const options = JSON.parse(rawOptions) as SweepOptions;
		const ended: string[] = [];
		for (let round = 0; round < options.rounds; round++) {
			const batch = await store.sweepIdleConversations({ now: options.now, inactivityTimeoutMs: options.inactivityTimeoutMs, batchSize: 5 });
			ended.push(...batch.map((conversation) => conversation.id));
		}
		process.stdout.write(`${JSON.stringify({ ended })}\n`);
	} else if (scenario === 'ingest') {
		const options = JSON.parse(rawOptions) as IngestOptions;
		let stored = 0;
		for (const [index, wamid] of options.wamids.entries()) {
			const message = inbound({ wamid, customerId: `${options.customerPrefix}${index % 50}`, timestamp: options.now });
			const result = await store.ingest(webhookOf({ messages: [message] }), { now: options.now, inactivityTimeoutMs: 3_600_000 });
			stored += result.messagesStored;
			if (options.announce) process.stdout.write(`committed ${wamid}\n`);
		}
		process.stdout.write(`${JSON.stringify({ stored })}\n`);
	} else {
		throw new Error(`unknown scenario ${scenario}`);
	}
	await store.close();
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
