import { homedir } from 'node:os';
import { delimiter, isAbsolute, resolve } from 'node:path';

import { defaultSqlitePath, n8nDataFolder, pathInsideFolders, StoreError } from '../../core';

/** Further folders (absolute, separated like PATH) where a credential's Store File Path may lead. */
export const STORE_DIRS_ENV = 'WHATSAPP_CONVERSATIONS_STORE_DIRS';

/**
 * The SQLite file a credential's Store File Path names. Whoever may edit a credential must not make
 * n8n write files anywhere (or open another program's database), so the file must lie, links and
 * `..` resolved, in the n8n user folder or in a folder the instance's operator listed in
 * WHATSAPP_CONVERSATIONS_STORE_DIRS. A relative path is taken inside the n8n user folder.
 * The core's openConversationStore stays unconfined: plain Node programs choose their own files.
 */
export function storeFilePath(configured: string, env: NodeJS.ProcessEnv = process.env): string {
	if (configured === '') return defaultSqlitePath(env);
	const n8nFolder = n8nDataFolder(env);
	const expanded = configured.replace(/^~(?=\/|$)/, env.HOME ?? homedir());
	const extra = (env[STORE_DIRS_ENV] ?? '').split(delimiter).map((folder) => folder.trim()).filter((folder) => isAbsolute(folder));
	const folders = [n8nFolder, ...extra];
	const allowed = pathInsideFolders(resolve(n8nFolder, expanded), folders);
	if (allowed !== null) return allowed;
	throw new StoreError(
		'STORE_PATH_NOT_ALLOWED',
		`The credential's Store File Path "${configured}" leads outside the folders the conversation store may use (${folders.join(', ')})`,
		`Leave Store File Path empty for the default file, choose a file inside ${n8nFolder}, or add its folder to n8n's ${STORE_DIRS_ENV} environment variable (absolute folders separated by "${delimiter}").`,
	);
}
