/**
 * A process that uses a store long enough for its checkpoint thread to start, then ends its work
 * without closing the store: it must still exit (a CLI, a script, n8n's own shutdown do this).
 * argv: <store path>; prints "done" when its work is over.
 */
import { SqliteConversationStore } from '../../../core/conversation/open';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
	const store = new SqliteConversationStore({ path: process.argv[2] });
	// Enough commits for the checkpoint thread to start.
	for (let index = 0; index < 250; index++) await store.setOptOut('106540352242922', `1650555${1000 + index}`, true, 1_767_000_000_000);
	await sleep(200);
	process.stdout.write('done\n');
}

void main();
