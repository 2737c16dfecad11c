/**
 * Sending against the Meta simulator (in its own process): how many messages a second the client
 * alone and the whole core send path (recipient, content and window checks, the call, recording the
 * message in its conversation) get through with many sends in flight, uncapped; then the rate Meta
 * sees when the client paces to the default 80 messages/s per number.
 */
import { join, resolve } from 'node:path';

import { CloudApiClient } from '../core/cloud-api/client';
import { ThrottleRegistry } from '../core/cloud-api/throttle';
import { ingestWebhookRequest } from '../core/ingress';
import { sendSessionMessage, type OutboundContext } from '../core/outbound';
import { TemplateCatalog } from '../core/template';
import { SqliteConversationStore } from '../core/conversation/open';
import { DEFAULT_ACCESS_TOKEN, DEFAULT_BUSINESS_ACCOUNT_ID, DEFAULT_PHONE_NUMBER_ID } from '../tools/meta-simulator/seed';
import { spawnBenchChild, waitForLine } from './child';
import { formatCount, nowNs, report, secondsSince, size } from './support';
import type { SendStats } from './workers/simulator-worker';
import { APP_SECRET, BENCH_EPOCH_MS, benchCustomer, benchWebhooks, INACTIVITY_TIMEOUT_MS } from './webhooks';

const CUSTOMERS = 1_000;
const CONCURRENCY = 64;
const UNCAPPED = size(10_000, 500);
const CAPPED = size(800, 160);
const CAP_PER_SECOND = 80;

/** Runs `send(index)` for every index with `concurrency` in flight; resolves with the seconds taken. */
async function inFlight(count: number, concurrency: number, send: (index: number) => Promise<unknown>): Promise<number> {
	let next = 0;
	const started = nowNs();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < count) await send(next++);
		}),
	);
	return secondsSince(started);
}

export async function benchSend(folder: string): Promise<void> {
	const customers = Array.from({ length: CUSTOMERS }, (_, index) => benchCustomer(index, CUSTOMERS));
	const child = spawnBenchChild(resolve(__dirname, 'workers/simulator-worker.ts'), [JSON.stringify({ customers })]);
	const baseUrl = (await waitForLine(child, 'ready ')).slice('ready '.length).trim();
	const stats = async (): Promise<SendStats> => {
		const line = waitForLine(child, 'stats ');
		child.stdin?.write('stats\n');
		return JSON.parse((await line).slice('stats '.length)) as SendStats;
	};

	// Every customer wrote in the last hour, so the window is open in the store as in the simulator.
	const store = new SqliteConversationStore({ path: join(folder, 'send.sqlite') });
	const clock = () => BENCH_EPOCH_MS + 3_600_000;
	for (const webhook of benchWebhooks(CUSTOMERS, CUSTOMERS, 'wamid.send-in-')) {
		await ingestWebhookRequest(webhook, { store, appSecret: APP_SECRET, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, clock });
	}
	const clientFor = (maxMessagesPerSecond?: number) =>
		new CloudApiClient({ baseUrl, accessToken: DEFAULT_ACCESS_TOKEN, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, businessAccountId: DEFAULT_BUSINESS_ACCOUNT_ID, maxMessagesPerSecond, throttleRegistry: new ThrottleRegistry() });
	const contextFor = (client: CloudApiClient): OutboundContext => ({
		store,
		client,
		phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
		businessAccountId: DEFAULT_BUSINESS_ACCOUNT_ID,
		tier: 'TIER_10K',
		inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS,
		templates: new TemplateCatalog(client),
		clock,
	});
	const to = (index: number) => `+${customers[index % CUSTOMERS]}`;

	try {
		// "Uncapped" is a pacing far above anything the client and simulator can reach.
		const rawClient = clientFor(1_000_000);
		await inFlight(200, CONCURRENCY, (index) => rawClient.sendText({ to: to(index), body: 'warm-up' }));
		await stats();
		const clientSeconds = await inFlight(UNCAPPED, CONCURRENCY, (index) => rawClient.sendText({ to: to(index), body: `Message ${index}` }));
		const clientStats = await stats();
		report({
			name: `send, client only, ${CONCURRENCY} in flight`,
			value: `${formatCount(UNCAPPED / clientSeconds)} messages/s (${formatCount(clientStats.accepted)} accepted, ${clientStats.refused} refused)`,
			target: '>= 500/s',
			ratio: UNCAPPED / clientSeconds / 500,
		});

		const context = contextFor(clientFor(1_000_000));
		const coreSeconds = await inFlight(UNCAPPED, CONCURRENCY, (index) => sendSessionMessage(context, { kind: 'text', to: to(index), body: `Message ${index}` }));
		const coreStats = await stats();
		report({
			name: `send, whole core path (checks + call + record), ${CONCURRENCY} in flight`,
			value: `${formatCount(UNCAPPED / coreSeconds)} messages/s (${formatCount(coreStats.accepted)} accepted, ${coreStats.refused} refused)`,
			target: '>= 500/s',
			ratio: UNCAPPED / coreSeconds / 500,
		});

		const capped = contextFor(clientFor(CAP_PER_SECOND));
		const cappedSeconds = await inFlight(CAPPED, CONCURRENCY, (index) => sendSessionMessage(capped, { kind: 'text', to: to(index), body: `Paced ${index}` }));
		const cappedStats = await stats();
		// Meta's view: sends accepted between the first and the last arrival.
		const span = ((cappedStats.lastAt ?? 0) - (cappedStats.firstAt ?? 0)) / 1000;
		const rate = span > 0 ? (cappedStats.accepted - 1) / span : Number.NaN;
		report({
			name: `send, paced to the ${CAP_PER_SECOND}/s per-number cap`,
			value: `${rate.toFixed(1)} messages/s at the simulator (${(CAPPED / cappedSeconds).toFixed(1)}/s end to end; at most ${cappedStats.maxInOneSecond} in any 1 s)`,
			target: `${CAP_PER_SECOND}/s ± 5%`,
			ratio: rate / CAP_PER_SECOND,
			note: `${formatCount(CAPPED)} messages, ${CONCURRENCY} in flight`,
		});
	} finally {
		child.kill('SIGTERM');
		await store.close();
	}
}
