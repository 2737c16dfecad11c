import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { SqliteConversationStore } from '../../../core/conversation/open';
import type { ConversationStore } from '../../../core/conversation/store';
import { describeMultiProcess } from '../../store-multiprocess/suite';

// Processes sharing one store file, as n8n's processes on one host do.
describeMultiProcess('sqlite', async () => {
	const folder = mkdtempSync(join(tmpdir(), 'wa-multi-'));
	const path = join(folder, 'conversations.sqlite');
	const opened: ConversationStore[] = [];
	return {
		engine: 'sqlite',
		spec: path,
		async open() {
			const store = new SqliteConversationStore({ path, pollIntervalMs: 20, busyTimeoutMs: 30_000 });
			opened.push(store);
			return store;
		},
		async scalar(sql) {
			const db = new DatabaseSync(path, { readOnly: true });
			try {
				return Number(db.prepare(sql((name) => name)).get()?.value);
			} finally {
				db.close();
			}
		},
		async dispose() {
			await Promise.all(opened.map((store) => store.close()));
			rmSync(folder, { recursive: true, force: true });
		},
	};
});
