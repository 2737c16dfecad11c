/**
 * Core figures: signed-webhook ingest (verify + parse + one committed transaction each) on the
 * embedded store, next to a bare SQLite insert of the same rows, and the window check latency.
 * Prints figures, not verdicts. Run: npm run bench
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { ingestWebhookRequest } from '../core/ingress';
import { SqliteConversationStore } from '../core/store/sqlite/sqlite-store';
import { signPayload } from '../core/webhook/signature';

const SECRET = 'bench-secret';
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 20_000);

function webhook(index: number): Buffer {
	return Buffer.from(
		JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '102290129340398',
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
								contacts: [{ profile: { name: `Customer ${index % 5000}` }, wa_id: `1650555${String(index % 5000).padStart(4, '0')}` }],
								messages: [
									{
										from: `1650555${String(index % 5000).padStart(4, '0')}`,
										id: `wamid.bench-${index}`,
										timestamp: String(1_767_000_000 + index),
										type: 'text',
										text: { body: `Message number ${index}: does it come in another color?` },
									},
								],
							},
						},
					],
				},
			],
		}),
	);
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
	const folder = mkdtempSync(join(tmpdir(), 'wa-bench-'));
	try {
		const bodies = Array.from({ length: WEBHOOKS }, (_, index) => webhook(index));
		const signatures = bodies.map((body) => signPayload(body, SECRET));
		const store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		const options = { store, appSecret: SECRET, inactivityTimeoutMs: 30 * 60_000, clock: () => 1_767_000_000_000 + WEBHOOKS * 1000 };

		const started = process.hrtime.bigint();
		for (let index = 0; index < WEBHOOKS; index++) {
			await ingestWebhookRequest({ rawBody: bodies[index], signature: signatures[index] }, options);
		}
		const ingestSeconds = Number(process.hrtime.bigint() - started) / 1e9;
		const ingestRate = WEBHOOKS / ingestSeconds;

		// The floor: the same message rows inserted one transaction each, with nothing else done.
		const bare = new DatabaseSync(join(folder, 'bare.sqlite'));
		bare.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
		bare.exec('CREATE TABLE messages (seq INTEGER PRIMARY KEY, wamid TEXT UNIQUE, payload TEXT NOT NULL)');
		const insert = bare.prepare('INSERT INTO messages (wamid, payload) VALUES (?, ?)');
		const bareStarted = process.hrtime.bigint();
		for (let index = 0; index < WEBHOOKS; index++) {
			bare.exec('BEGIN IMMEDIATE');
			insert.run(`wamid.bench-${index}`, bodies[index].toString());
			bare.exec('COMMIT');
		}
		const bareRate = WEBHOOKS / (Number(process.hrtime.bigint() - bareStarted) / 1e9);
		bare.close();

		const samples: number[] = [];
		for (let index = 0; index < 20_000; index++) {
			const customer = `1650555${String(index % 5000).padStart(4, '0')}`;
			const begin = process.hrtime.bigint();
			await store.getWindow('106540352242922', customer, 1_767_000_000_000);
			samples.push(Number(process.hrtime.bigint() - begin) / 1000);
		}
		samples.sort((a, b) => a - b);
		await store.close();

		console.log(`signed webhooks ingested (verify + parse + commit each): ${WEBHOOKS} in ${ingestSeconds.toFixed(2)} s = ${Math.round(ingestRate)}/s`);
		console.log(`bare SQLite insert of the same rows, one transaction each: ${Math.round(bareRate)}/s`);
		console.log(`ratio ingest / bare insert: ${(ingestRate / bareRate).toFixed(2)} (target >= 0.3)`);
		console.log(`window check (5,000 contacts): p50 ${percentile(samples, 50).toFixed(1)} µs, p99 ${percentile(samples, 99).toFixed(1)} µs (target p99 <= 50 µs)`);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

void main();
