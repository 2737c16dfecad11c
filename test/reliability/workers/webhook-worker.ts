/**
 * An n8n process as far as Meta is concerned: the core's HTTP webhook endpoint on a shared SQLite
 * store file, and optionally a durable event subscriber (a trigger) that prints every event it is
 * handed before its cursor moves (stdout to a pipe is synchronous on Linux, so a printed line
 * survives a SIGKILL that comes right after it).
 * argv: <json: { path, appSecret, subscriber? }>; prints "listening <url>", then "event <id> <type> <key>",
 * and on SIGTERM "span <start> <end>": when its first ingest started and its last one ended. SIGUSR2
 * forgets the ingests so far (a warm-up) and prints "restarted".
 */
import { EventSubscriber } from '../../../core/events/subscriber';
import type { StoreEvent } from '../../../core/events/types';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { startWebhookServer } from '../../../core/webhook-server';
import { SpanRecorder } from '../../../tools/processes/barrier';

interface WorkerOptions {
	path: string;
	appSecret: string;
	subscriber?: string;
}

/** What identifies an event's subject: the message for messages, the conversation otherwise. */
function keyOf(event: StoreEvent): string {
	switch (event.type) {
		case 'message.received':
			return event.payload.message.wamid;
		case 'message.status':
			return event.payload.status.wamid;
		default:
			return event.conversationId ?? '-';
	}
}

async function main(): Promise<void> {
	const options = JSON.parse(process.argv[2]) as WorkerOptions;
	const store = new SqliteConversationStore({ path: options.path, busyTimeoutMs: 30_000, pollIntervalMs: 20 });
	const ingests = new SpanRecorder();
	const server = await startWebhookServer({ store: ingests.timing(store, 'ingest'), appSecret: options.appSecret, verifyToken: 'worker-verify-token', inactivityTimeoutMs: 3_600_000 });
	let subscriber: EventSubscriber | null = null;
	if (options.subscriber) {
		subscriber = new EventSubscriber({
			store,
			subscriberId: options.subscriber,
			from: 'beginning',
			handle: (event) => {
				process.stdout.write(`event ${event.id} ${event.type} ${keyOf(event)}\n`);
			},
		});
		await subscriber.start();
	}
	process.on('SIGUSR2', () => {
		ingests.restart();
		process.stdout.write('restarted\n');
	});
	process.on('SIGTERM', () => {
		void (async () => {
			await subscriber?.stop();
			await server.close();
			await store.close();
			if (ingests.hasTimed()) {
				const { start, end } = ingests.span();
				process.stdout.write(`span ${start} ${end}\n`);
			}
			process.exit(0);
		})();
	});
	process.stdout.write(`listening ${server.url}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
