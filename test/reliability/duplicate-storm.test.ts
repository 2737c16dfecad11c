/**
 * Meta retries a delivery until it gets a 200, and retries can overlap and land on any n8n process.
 * The same deliveries POSTed hundreds of times at once, to the core's HTTP endpoint in this process
 * and in another process on the same store file: every POST is answered 200, each message is stored
 * once, and every subscriber (three here, one in the other process) gets each event exactly once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { EventSubscriber } from '../../core/events/subscriber';
import type { StoreEvent } from '../../core/events/types';
import { SqliteConversationStore } from '../../core/conversation/open';
import { signPayload } from '../../core/webhook/signature';
import { startWebhookServer } from '../../core/webhook-server';
import { overlapMs, SpanRecorder } from '../../tools/processes/barrier';
import { delivery } from './support/deliveries';
import { postDelivery, startWebhookWorker } from './support/worker-process';

const APP_SECRET = 'storm-app-secret';
const COPIES_PER_SERVER = 150;
const SAMPLE = readFileSync(resolve(__dirname, '../fixtures/meta-samples/meta_docs_text.json'));

describe('a storm of duplicate deliveries', () => {
	let folder: string;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-storm-'));
	});
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	it('stores each message once and gives every subscriber each event once', async () => {
		const path = join(folder, 'store.sqlite');
		const store = new SqliteConversationStore({ path, busyTimeoutMs: 30_000 });
		const ingests = new SpanRecorder();
		const server = await startWebhookServer({ store: ingests.timing(store, 'ingest'), appSecret: APP_SECRET, verifyToken: 'storm', inactivityTimeoutMs: 3_600_000 });
		const seen = new Map<string, StoreEvent[]>();
		const subscribers = ['wf-a', 'wf-b', 'wf-c'].map((id) => {
			seen.set(id, []);
			return new EventSubscriber({ store, subscriberId: id, from: 'beginning', handle: (event) => void seen.get(id)?.push(event) });
		});
		for (const subscriber of subscribers) await subscriber.start();
		const other = await startWebhookWorker({ path, appSecret: APP_SECRET, subscriber: 'wf-other-process' });

		try {
			// Meta's documented text message, byte for byte, and a delivery of three messages from someone else.
			const sample = { rawBody: SAMPLE, signature: signPayload(SAMPLE, APP_SECRET), wamids: ['wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='] };
			const batch = delivery(
				[1, 2, 3].map((index) => ({ wamid: `wamid.storm-${index}`, from: '447700900123', text: `part ${index}` })),
				APP_SECRET,
			);
			// Each process takes one of them first, so both are warm when the storm comes (the other one
			// would otherwise still be starting up while this one, committing in groups, is done); the
			// spans compared below are the storm's alone.
			expect(await postDelivery(server.url, batch.rawBody, batch.signature)).toBe(200);
			expect(await postDelivery(other.url, sample.rawBody, sample.signature)).toBe(200);
			ingests.restart();
			await other.restartSpan();
			const posts = [sample, batch].flatMap((item) =>
				[server.url, other.url].flatMap((url) => Array.from({ length: COPIES_PER_SERVER }, () => postDelivery(url, item.rawBody, item.signature))),
			);
			const statuses = await Promise.all(posts);
			expect(statuses.filter((status) => status !== 200)).toEqual([]);

			const wamids = [...sample.wamids, ...batch.wamids].sort();
			const received = <E extends { type: string }>(events: E[]) => events.filter((event) => event.type === 'message.received');
			const started = <E extends { type: string }>(events: E[]) => events.filter((event) => event.type === 'conversation.started');
			const lists: Array<Array<{ type: string }>> = [...seen.values(), other.events];
			const complete = () => lists.every((events) => received(events).length >= wamids.length && started(events).length >= 2);
			for (let waited = 0; !complete() && waited < 10_000; waited += 20) await new Promise((wake) => setTimeout(wake, 20));
			// Then a while longer: a duplicate event would show up now.
			await new Promise((wake) => setTimeout(wake, 300));

			for (const events of seen.values()) {
				expect(received(events).map((event) => (event.type === 'message.received' ? event.payload.message.wamid : '')).sort()).toEqual(wamids);
				expect(started(events)).toHaveLength(2);
				expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
			}
			expect(received(other.events).map((event) => event.key).sort()).toEqual(wamids);
			expect(started(other.events)).toHaveLength(2);

			const conversations = await store.listConversations({});
			expect(conversations.map((conversation) => conversation.messageCount).sort()).toEqual([1, 3]);
			const transcripts = await Promise.all(conversations.map((conversation) => store.getTranscript(conversation.id)));
			expect(transcripts.flat().map((message) => message.wamid).sort()).toEqual(wamids);

			// Both processes were ingesting at the same time, not one after the other.
			other.child.kill('SIGTERM');
			await other.exited;
			const otherSpan = other.span();
			expect(otherSpan).toBeDefined();
			expect(overlapMs([ingests.span(), otherSpan!])).toBeGreaterThan(0);
		} finally {
			other.child.kill('SIGTERM');
			await other.exited;
			for (const subscriber of subscribers) await subscriber.stop();
			await server.close();
			await store.close();
		}
	});
});
