/**
 * One of the processes contending for the daily limit: opens the store, waits at the ready/go barrier
 * (tools/processes/barrier.ts) so that all start together, then reserves for its customers one after the
 * other. argv: <store: a SQLite path or postgres:<schema>> <json: { customers, tier, now }>; prints one
 * JSON line with its counts, time and span.
 */
import { PolicyError } from '../../core/errors';
import type { MessagingTier } from '../../core/policy/limits';
import { SqliteConversationStore } from '../../core/conversation/open';
import type { ConversationStore } from '../../core/conversation/store';
import { afterGo } from '../../tools/processes/barrier';
import { loadPostgres } from '../postgres';

interface ReserveJob {
	customers: string[];
	tier: MessagingTier;
	now: number;
}

async function openStore(spec: string): Promise<ConversationStore> {
	if (!spec.startsWith('postgres:')) return new SqliteConversationStore({ path: spec, busyTimeoutMs: 60_000 });
	const engine = await loadPostgres();
	if (!engine) throw new Error('PostgreSQL engine not available');
	return engine.open(spec.slice('postgres:'.length));
}

async function main(): Promise<void> {
	const [spec, rawJob] = process.argv.slice(2);
	const job = JSON.parse(rawJob) as ReserveJob;
	const store = await openStore(spec);
	await store.dailyLimitUsage('portfolio', job.now);
	const counts = { counted: 0, repeats: 0, refused: 0 };
	const { span } = await afterGo(async () => {
		for (const customerId of job.customers) {
			try {
				const reservation = await store.reserveDailyLimit({ scope: 'portfolio', customerId, tier: job.tier, now: job.now });
				if (reservation.counted) counts.counted++;
				else counts.repeats++;
			} catch (error) {
				if (!(error instanceof PolicyError) || error.code !== 'DAILY_LIMIT_REACHED') throw error;
				counts.refused++;
			}
		}
	});
	await store.close();
	process.stdout.write(`${JSON.stringify({ ...counts, seconds: (span.end - span.start) / 1000, span })}\n`);
	process.exit(0);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
