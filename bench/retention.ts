/**
 * Retention: a year of one business number's traffic on a moving clock (tools/traffic/traffic.ts, the
 * same simulation as the store-size test) with the default retention, and what the store then takes
 * on disk; then a backlog pruned while webhooks keep arriving, to see how long ingest waits for it.
 */
import { join } from 'node:path';

import { SqliteConversationStore } from '../core/conversation/open';
import { BUSINESS, inbound, webhookOf } from '../tools/traffic/builders';
import { checkpointedSize, simulateTraffic } from '../tools/traffic/traffic';
import { countMessages } from './ingest';
import { formatBytes, formatCount, info, microsSince, nowNs, percentile, report, secondsSince, size, sortedCopy } from './support';

const DAY = 24 * 60 * 60 * 1000;
const MONTH_DAYS = 30;
const MONTHS = size(12, 6);
const INBOUND_PER_DAY = size(400, 80);
const OUTBOUND_PER_DAY = size(150, 30);
const BACKLOG_MESSAGES = size(200_000, 20_000);

async function benchSteadyState(folder: string): Promise<void> {
	const path = join(folder, 'retention-year.sqlite');
	const store = new SqliteConversationStore({ path });
	const sizeByMonth: number[] = [];
	const start = Date.now();
	const started = nowNs();
	try {
		await simulateTraffic({
			store,
			start,
			days: MONTHS * MONTH_DAYS,
			customers: 5_000,
			inboundPerDay: INBOUND_PER_DAY,
			outboundPerDay: OUTBOUND_PER_DAY,
			retention: { keepMessagesMs: 90 * DAY, forgetInactiveTriggersAfterMs: 7 * DAY },
			afterDay: (day) => {
				if (day % MONTH_DAYS === 0) sizeByMonth.push(checkpointedSize(path).bytes);
			},
		});
	} finally {
		await store.close();
	}
	info(`${MONTHS} simulated months in ${secondsSince(started).toFixed(1)} s; size by month: ${sizeByMonth.map(formatBytes).join(', ')}`);
	const held = countMessages(path);
	const final = sizeByMonth[sizeByMonth.length - 1];
	report({
		name: `steady-state store size, 90-day retention (${formatCount(INBOUND_PER_DAY + OUTBOUND_PER_DAY)} messages a day)`,
		value: `${formatBytes(final)} after ${MONTHS} months (month ${MONTHS} / month 4: ${(final / sizeByMonth[3]).toFixed(2)})`,
		note: 'file after a WAL checkpoint; freed pages are reused, so it stops growing once deleting keeps pace',
	});
	report({
		name: 'disk per message held at steady state',
		value: formatBytes(final / held),
		note: `${formatCount(held)} messages held; contacts, conversations, status receipts and about a day of events included`,
	});
}

/** 90 days of messages become due at once (retention shortened); webhooks keep coming meanwhile. */
async function benchPruneBacklog(folder: string): Promise<void> {
	const store = new SqliteConversationStore({ path: join(folder, 'retention-backlog.sqlite') });
	const old = Date.now() - 100 * DAY;
	try {
		for (let sent = 0; sent < BACKLOG_MESSAGES; sent += 100) {
			const messages = Array.from({ length: 100 }, (_, index) =>
				inbound({ wamid: `wamid.backlog-${sent + index}`, customerId: `4477${String((sent + index) % 20_000).padStart(8, '0')}`, timestamp: old + sent + index }),
			);
			await store.ingest(webhookOf({ messages }), { now: old + sent, inactivityTimeoutMs: 30 * 60_000 });
		}
		await store.sweepIdleConversations({ now: Date.now(), inactivityTimeoutMs: 30 * 60_000, batchSize: BACKLOG_MESSAGES });
		const latencies: number[] = [];
		let pruning = true;
		const ingesting = (async () => {
			for (let index = 0; pruning; index++) {
				// Webhooks arrive as I/O, between which timers (the prune's pauses) run.
				await new Promise((resolve) => setImmediate(resolve));
				const now = Date.now();
				const began = nowNs();
				await store.ingest(webhookOf({ messages: [inbound({ wamid: `wamid.live-${index}`, timestamp: now })] }), { now, inactivityTimeoutMs: 30 * 60_000 });
				latencies.push(microsSince(began) / 1000);
			}
		})();
		const began = nowNs();
		const result = await store.prune({ messagesBefore: Date.now() - DAY, phoneNumberId: BUSINESS.phoneNumberId });
		const seconds = secondsSince(began);
		pruning = false;
		await ingesting;
		const sorted = sortedCopy(latencies);
		report({
			name: `prune a backlog of ${formatCount(result.messages)} messages (500 rows per transaction)`,
			value: `${seconds.toFixed(1)} s (${formatCount(result.messages / seconds)} messages/s)`,
			note: `${formatCount(result.conversations)} conversations too`,
		});
		report({
			name: 'webhook ingest while that prune runs',
			value: `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`,
			note: `${formatCount(latencies.length)} webhooks, each waiting at most for one batch`,
		});
	} finally {
		await store.close();
	}
}

export async function benchRetention(folder: string): Promise<void> {
	await benchSteadyState(folder);
	await benchPruneBacklog(folder);
}
