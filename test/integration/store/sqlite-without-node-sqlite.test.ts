/**
 * n8n 1.x also runs on Node 20, which has no node:sqlite: the package must load there (node:sqlite is
 * loaded only when a SQLite store opens), and opening the embedded store must say what to do instead.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openSqliteDatabase } from '../../../core/store/sqlite/connection';

describe('the SQLite store on a Node without node:sqlite', () => {
	let dir: string;
	beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'no-node-sqlite-'))));
	afterEach(() => {
		jest.restoreAllMocks();
		rmSync(dir, { recursive: true, force: true });
	});

	it('refuses to open with STORE_CONFIG_INVALID naming Node 22.22 and PostgreSQL, and creates nothing', () => {
		// What process.getBuiltinModule answers on Node 20 for a module it does not have.
		jest.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
		const folder = join(dir, 'store');
		expect(() => openSqliteDatabase({ path: join(folder, 'conversations.sqlite') })).toThrow(
			expect.objectContaining({
				code: 'STORE_CONFIG_INVALID',
				retryable: false,
				message: expect.stringContaining('needs Node.js 22.22 or newer'),
				hint: expect.stringContaining('PostgreSQL'),
			}),
		);
		expect(existsSync(folder)).toBe(false);
	});
});
