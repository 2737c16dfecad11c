/**
 * A trigger in another process: subscribes to the SQLite store's event log and prints, for every
 * message.received event, the wamid and the wall-clock time it was handed over.
 * argv: <store path>; prints "ready", then "seen <wamid> <epoch ms>" lines until killed.
 */
import { EventSubscriber } from '../../core/events/subscriber';
import { SqliteConversationStore } from '../../core/conversation/open';
import { epochMs } from '../commit-timed';

async function main(): Promise<void> {
	const [path] = process.argv.slice(2);
	const store = new SqliteConversationStore({ path });
	const subscriber = new EventSubscriber({
		store,
		subscriberId: `bench-${process.pid}`,
		types: ['message.received'],
		handle: (event) => {
			if (event.type === 'message.received') process.stdout.write(`seen ${event.payload.message.wamid} ${epochMs()}\n`);
		},
	});
	await subscriber.start();
	process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
