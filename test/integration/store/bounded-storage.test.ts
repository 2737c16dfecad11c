import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { SqliteConversationStore } from '../../../core/conversation/open';
import { checkpointedSize, simulateTraffic } from '../../../tools/traffic/traffic';

const DAY = 24 * 60 * 60 * 1000;
const MONTH_DAYS = 30;

/**
 * A year of a business number's traffic on the embedded store, with the default retention (90 days)
 * and cursor expiry (7 days): once the first 90 days have passed, deleting keeps pace with writing and
 * SQLite reuses the freed pages, so the file stops growing.
 */
describe('storage stays bounded (SQLite, a simulated year)', () => {
	let folder: string;

	beforeAll(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-bounded-'));
	});

	afterAll(() => {
		rmSync(folder, { recursive: true, force: true });
	});

	it('levels the file size off after the retention period, with a trigger that never came back', async () => {
		const path = join(folder, 'year.sqlite');
		const store = new SqliteConversationStore({ path });
		const sizeByMonth: number[] = [];
		// The clock starts now, so the deactivated trigger's cursor (touched at subscribe) ages with it.
		const start = Date.now();
		let totals;
		try {
			totals = await simulateTraffic({
				store,
				start,
				days: 12 * MONTH_DAYS,
				customers: 1_500,
				inboundPerDay: 80,
				outboundPerDay: 30,
				retention: { keepMessagesMs: 90 * DAY, forgetInactiveTriggersAfterMs: 7 * DAY },
				afterDay: (day) => {
					if (day % MONTH_DAYS === 0) sizeByMonth.push(checkpointedSize(path).bytes);
				},
			});
		} finally {
			await store.close();
		}

		const db = new DatabaseSync(path, { readOnly: true });
		const count = (sql: string) => Number(Object.values(db.prepare(sql).get() ?? {})[0]);
		const held = {
			messages: count('SELECT count(*) FROM messages'),
			oldestMessage: count('SELECT min(timestamp) FROM messages'),
			events: count('SELECT count(*) FROM events'),
			receipts: count('SELECT count(*) FROM message_statuses'),
			subscriptions: db.prepare('SELECT subscriber_id FROM subscriptions').all().map((row) => row.subscriber_id),
		};
		db.close();
		const end = start + 12 * MONTH_DAYS * DAY;

		expect(totals.inbound).toBe(12 * MONTH_DAYS * 80);
		// About 90 days of the 110 messages a day, nothing older; a day or two of events; the
		// deactivated trigger was forgotten, the live one kept.
		expect(held.messages).toBeGreaterThan(88 * 110);
		expect(held.messages).toBeLessThanOrEqual(91 * 110);
		expect(held.oldestMessage).toBeGreaterThanOrEqual(end - 91 * DAY);
		expect(held.events).toBeLessThan(3 * (80 + 30 * 4 + 60));
		expect(held.receipts).toBeLessThanOrEqual(91 * 30 * 3);
		expect(held.subscriptions).toEqual(['workflow:live']);
		// The store grew while the first 90 days filled it (so the measure sees growth)...
		expect(sizeByMonth[2]).toBeGreaterThan(sizeByMonth[0] * 2);
		// ...and then stopped: month 12 is within 10% of month 4.
		expect(sizeByMonth[11]).toBeLessThanOrEqual(sizeByMonth[3] * 1.1);
	}, 120_000);
});
