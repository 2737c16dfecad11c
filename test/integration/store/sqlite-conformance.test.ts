import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SqliteConversationStore } from '../../../core/conversation/open';
import type { ConversationStore } from '../../../core/conversation/store';
import { describeStoreConformance } from '../../store-conformance/conformance';

describeStoreConformance('sqlite', async () => {
	const folder = mkdtempSync(join(tmpdir(), 'wa-store-'));
	const opened: ConversationStore[] = [];
	return {
		async open() {
			const store = new SqliteConversationStore({ path: join(folder, 'conversations.sqlite'), pollIntervalMs: 20 });
			opened.push(store);
			return store;
		},
		async dispose() {
			await Promise.all(opened.map((store) => store.close()));
			rmSync(folder, { recursive: true, force: true });
		},
	};
});
