import { DatabaseSync } from 'node:sqlite';
import { statSync } from 'node:fs';

import { StoreMaintenance, type RetentionPolicy } from '../../core/conversation/maintenance';
import type { ConversationStore } from '../../core/conversation/store';
import type { InboundMessage, StatusUpdate } from '../../core/webhook/types';
import { BUSINESS, inbound, webhookOf } from './builders';
import { seededRandom } from './random';

/**
 * Months of a business number's traffic, compressed: every simulated day customers write, the business
 * answers some of them (with Meta's sent/delivered/read statuses and a daily-limit reservation), idle
 * conversations end, a live trigger reads and acknowledges its events, and the store's maintenance runs
 * its daily pass, all on one moving clock. A second trigger subscribed at the start never runs again
 * (its workflow was deactivated). The store-size test and the retention bench both run it.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const INACTIVITY_TIMEOUT_MS = 30 * 60_000;

export interface TrafficOptions {
	store: ConversationStore;
	/** Epoch ms of the first simulated day. */
	start: number;
	days: number;
	customers: number;
	inboundPerDay: number;
	/** Answers per day, each to a customer who wrote that day. */
	outboundPerDay: number;
	retention: Omit<RetentionPolicy, 'phoneNumberId'>;
	/** Called after each simulated day, with the day's number (1-based) and the clock. */
	afterDay?: (day: number, now: number) => Promise<void> | void;
}

export interface TrafficTotals {
	inbound: number;
	outbound: number;
	statuses: number;
	events: number;
}

const WORDS = ['hello', 'order', 'delivery', 'when', 'price', 'thanks', 'blue', 'size', 'refund', 'tomorrow', 'store', 'open'];

export async function simulateTraffic(options: TrafficOptions): Promise<TrafficTotals> {
	const { store } = options;
	// The same traffic on every run.
	const random = seededRandom(20_260_101);
	let now = options.start;
	const maintenance = new StoreMaintenance(store, { clock: () => now, pauseMs: 0 });
	maintenance.addPolicy({ phoneNumberId: BUSINESS.phoneNumberId, ...options.retention });
	await store.subscribe('workflow:deactivated', 'now');
	await store.subscribe('workflow:live', 'now');
	const totals: TrafficTotals = { inbound: 0, outbound: 0, statuses: 0, events: 0 };
	const customer = (index: number) => `4477${String(index).padStart(8, '0')}`;
	const sentence = () => Array.from({ length: 3 + Math.floor(random() * 20) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

	for (let day = 1; day <= options.days; day++) {
		const dayStart = options.start + (day - 1) * DAY_MS;
		const writers: string[] = [];
		// Customers write through the day, ten messages per delivery.
		for (let sent = 0; sent < options.inboundPerDay; sent += 10) {
			now = dayStart + Math.floor((sent / options.inboundPerDay) * 20 * 60 * 60 * 1000);
			const messages: InboundMessage[] = [];
			for (let index = sent; index < Math.min(sent + 10, options.inboundPerDay); index++) {
				const from = customer(Math.floor(random() * options.customers));
				const wamid = `wamid.in-${day}-${index}`;
				const text = sentence();
				writers.push(from);
				messages.push(
					inbound({
						wamid,
						customerId: from,
						customerWaId: from,
						customerName: `Customer ${from.slice(-4)}`,
						timestamp: now,
						text,
						raw: { from, id: wamid, timestamp: String(Math.floor(now / 1000)), type: 'text', text: { body: text } },
					}),
				);
			}
			totals.inbound += (await store.ingest(webhookOf({ messages }), { now, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS })).messagesStored;
		}
		// The business answers, reserving its daily-limit unit, and Meta reports each answer's progress.
		const statuses: StatusUpdate[] = [];
		for (let index = 0; index < options.outboundPerDay; index++) {
			const to = writers[Math.floor(random() * writers.length)];
			const wamid = `wamid.out-${day}-${index}`;
			now += 1000;
			await store.reserveDailyLimit({ scope: BUSINESS.businessAccountId, customerId: to, tier: 'TIER_UNLIMITED', now });
			await store.recordOutbound(
				{ ...BUSINESS, wamid, customerId: to, type: 'text', text: sentence(), payload: { kind: 'text' }, timestamp: now },
				{ now, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS },
			);
			for (const [offset, value] of [[1, 'sent'], [2, 'delivered'], [60, 'read']] as const) {
				statuses.push({
					...BUSINESS,
					wamid,
					status: value,
					timestamp: now + offset * 1000,
					recipientId: to,
					errors: [],
					conversation: null,
					pricing: { billable: false, category: 'service', pricingModel: 'PMP' },
					raw: { id: wamid, status: value, timestamp: String(Math.floor((now + offset * 1000) / 1000)), recipient_id: to },
				});
			}
			totals.outbound++;
		}
		now += 60_000;
		totals.statuses += (await store.ingest(webhookOf({ statuses }), { now, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS })).statusesApplied;

		// End of the day: conversations end, the live trigger catches up, the maintenance pass runs.
		now = dayStart + 23 * 60 * 60 * 1000;
		await store.sweepIdleConversations({ now, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, batchSize: 10_000 });
		for (;;) {
			const batch = await store.readEvents('workflow:live', { limit: 1_000 });
			totals.events += batch.events.length;
			await store.acknowledge('workflow:live', batch.position, now);
			if (batch.events.length < 1_000) break;
		}
		await maintenance.runNow();
		await options.afterDay?.(day, now);
	}
	return totals;
}

/** The store file's size once the WAL is written back into it: what the data really takes on disk. */
export function checkpointedSize(path: string): { bytes: number; pages: number; freePages: number } {
	const db = new DatabaseSync(path);
	try {
		db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
		const pages = Number(db.prepare('PRAGMA page_count').get()?.page_count ?? 0);
		const freePages = Number(db.prepare('PRAGMA freelist_count').get()?.freelist_count ?? 0);
		return { bytes: statSync(path).size, pages, freePages };
	} finally {
		db.close();
	}
}
