// The credential's Store File Path may only lead into the n8n user folder or a folder the operator
// allowed; `..` and links are resolved before the check. Through the nodes, a path pointing at n8n's
// own database is refused by the store and the database is left unchanged.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import type { ICredentialTestFunctions } from 'n8n-workflow';

import { StoreError } from '../../core/errors';
import { signPayload } from '../../core/webhook/signature';
import { readWhatsAppCredential } from '../../nodes/shared/credentials';
import { whatsAppConversationsApiTest } from '../../nodes/shared/methods/credential-test';
import { STORE_DIRS_ENV, storeFilePath } from '../../nodes/shared/store-path';
import { WhatsAppMessageReceivedTrigger } from '../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { waitFor } from '../store-conformance/conformance';
import { createTriggerHarness } from './support/trigger-runner';
import { credentialTypes, useWhatsAppFixture } from './support/whatsapp-fixture';

let root: string;
let n8nFolder: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
	root = realpathSync(mkdtempSync(join(tmpdir(), 'wa-store-path-')));
	n8nFolder = join(root, 'user', '.n8n');
	mkdirSync(n8nFolder, { recursive: true });
	mkdirSync(join(root, 'elsewhere'));
	env = { N8N_USER_FOLDER: join(root, 'user'), HOME: join(root, 'home') };
});
afterEach(() => {
	rmSync(root, { recursive: true, force: true });
});

function refused(path: string, environment = env): StoreError {
	try {
		storeFilePath(path, environment);
	} catch (error) {
		if (error instanceof StoreError) return error;
		throw error;
	}
	throw new Error(`"${path}" was allowed`);
}

describe("the credential's Store File Path", () => {
	it('defaults to the n8n user folder and accepts files inside it, a relative path included', () => {
		expect(storeFilePath('', env)).toBe(join(n8nFolder, 'whatsapp-conversations.sqlite'));
		expect(storeFilePath(join(n8nFolder, 'sub', 'store.sqlite'), env)).toBe(join(n8nFolder, 'sub', 'store.sqlite'));
		expect(storeFilePath('conversations.sqlite', env)).toBe(join(n8nFolder, 'conversations.sqlite'));
		expect(storeFilePath('~/.n8n/store.sqlite', { ...env, HOME: join(root, 'user') })).toBe(join(n8nFolder, 'store.sqlite'));
	});

	it('refuses a path leading outside, with `..` resolved, naming the field and the fix', () => {
		const error = refused(join(root, 'elsewhere', 'store.sqlite'));
		expect(error.code).toBe('STORE_PATH_NOT_ALLOWED');
		expect(error.message).toContain('Store File Path');
		expect(error.message).toContain(join(root, 'elsewhere', 'store.sqlite'));
		expect(error.hint).toContain(n8nFolder);
		expect(error.hint).toContain(STORE_DIRS_ENV);
		expect(refused(`${n8nFolder}/../../elsewhere/store.sqlite`).code).toBe('STORE_PATH_NOT_ALLOWED');
		expect(refused('../../elsewhere/store.sqlite').code).toBe('STORE_PATH_NOT_ALLOWED');
		expect(refused('/etc/passwd').code).toBe('STORE_PATH_NOT_ALLOWED');
		// The folder itself is no file in it.
		expect(refused(n8nFolder).code).toBe('STORE_PATH_NOT_ALLOWED');
	});

	it('follows links before deciding: a folder or file link leading outside is refused, as is a dangling one', () => {
		symlinkSync(join(root, 'elsewhere'), join(n8nFolder, 'linked-folder'));
		expect(refused(join(n8nFolder, 'linked-folder', 'store.sqlite')).code).toBe('STORE_PATH_NOT_ALLOWED');
		writeFileSync(join(root, 'elsewhere', 'target.sqlite'), '');
		symlinkSync(join(root, 'elsewhere', 'target.sqlite'), join(n8nFolder, 'linked.sqlite'));
		expect(refused(join(n8nFolder, 'linked.sqlite')).code).toBe('STORE_PATH_NOT_ALLOWED');
		symlinkSync(join(root, 'elsewhere', 'not-yet.sqlite'), join(n8nFolder, 'dangling.sqlite'));
		expect(refused(join(n8nFolder, 'dangling.sqlite')).code).toBe('STORE_PATH_NOT_ALLOWED');
		// A link that stays inside is fine, and the real file is what the store opens.
		writeFileSync(join(n8nFolder, 'real.sqlite'), '');
		symlinkSync(join(n8nFolder, 'real.sqlite'), join(n8nFolder, 'alias.sqlite'));
		expect(storeFilePath(join(n8nFolder, 'alias.sqlite'), env)).toBe(join(n8nFolder, 'real.sqlite'));
	});

	it(`allows the folders listed in ${STORE_DIRS_ENV}, and only those`, () => {
		const allowed = join(root, 'allowed');
		const lookalike = join(root, 'allowed-not');
		const withList = { ...env, [STORE_DIRS_ENV]: `${join(root, 'other')}:${allowed}:relative/folder` };
		expect(storeFilePath(join(allowed, 'sub', 'store.sqlite'), withList)).toBe(join(allowed, 'sub', 'store.sqlite'));
		expect(refused(join(lookalike, 'store.sqlite'), withList).code).toBe('STORE_PATH_NOT_ALLOWED');
		expect(refused(join(allowed, '..', 'elsewhere', 'store.sqlite'), withList).code).toBe('STORE_PATH_NOT_ALLOWED');
		// Relative entries would depend on n8n's working folder: ignored.
		expect(refused(join(process.cwd(), 'relative', 'folder', 'store.sqlite'), withList).code).toBe('STORE_PATH_NOT_ALLOWED');
	});

	it('is checked wherever the nodes read the credential, and the credential test reports it', async () => {
		const data = { accessToken: 'token', phoneNumberId: '1', storeEngine: 'sqlite', sqlitePath: join(root, 'elsewhere', 'store.sqlite') };
		expect(() => readWhatsAppCredential(data)).toThrow(expect.objectContaining({ code: 'STORE_PATH_NOT_ALLOWED' }));
		const result = await whatsAppConversationsApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'WhatsApp', type: 'whatsAppConversationsApi', data });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Store File Path .* leads outside .* Leave Store File Path empty/);
	});
});

describe("a Store File Path pointing at n8n's own database", () => {
	const wa = useWhatsAppFixture();

	it('fails the trigger activation with STORE_FILE_FOREIGN and leaves the database as it was', async () => {
		const database = join(wa.sqlitePath, '..', 'database.sqlite');
		const n8n = new DatabaseSync(database);
		n8n.exec("CREATE TABLE workflow_entity (id TEXT PRIMARY KEY, name TEXT); INSERT INTO workflow_entity VALUES ('1', 'My workflow')");
		n8n.close();
		const digest = () => createHash('sha256').update(readFileSync(database)).digest('hex');
		const before = digest();

		const harness = await createTriggerHarness({
			nodeType: new WhatsAppMessageReceivedTrigger(),
			node: { parameters: {}, webhookId: 'hook-foreign' },
			credentials: wa.credentials({ appSecret: 'secret', verifyToken: 'token', sqlitePath: database }),
			credentialTypes,
			workflowId: 'wf-foreign',
		});
		await expect(harness.activate()).rejects.toThrow(/not a WhatsApp conversation store/);
		expect(digest()).toBe(before);
	});
});

describe('the webhook endpoint after the credential was edited', () => {
	const wa = useWhatsAppFixture();

	it('ingests into the new store and lets the former one close', async () => {
		const [first, second] = ['first.sqlite', 'second.sqlite'].map((name) => join(wa.sqlitePath, '..', name));
		const body = readFileSync(join(__dirname, '../fixtures/meta-samples/meta_docs_text.json'));
		const call = async (sqlitePath: string) => {
			// One credential (one id), its Store File Path edited between the two deliveries.
			const harness = await createTriggerHarness({
				nodeType: new WhatsAppMessageReceivedTrigger(),
				node: { parameters: {}, webhookId: 'hook-edited' },
				credentials: wa.credentials({ appSecret: 'secret', verifyToken: 'token', sqlitePath }),
				credentialTypes,
				workflowId: 'wf-edited',
			});
			const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, 'secret') };
			expect((await harness.webhook({ body, headers })).response.statusCode).toBe(200);
		};
		await call(first);
		// Open in WAL mode: SQLite removes the -wal file when the last connection closes.
		expect(existsSync(`${first}-wal`)).toBe(true);
		await call(second);
		await waitFor(() => !existsSync(`${first}-wal`), 5_000);
		expect(existsSync(`${second}-wal`)).toBe(true);
	});
});
