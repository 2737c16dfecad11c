// The nodes on the PostgreSQL store, chosen in the credential: a trigger fan-out and a send, through
// n8n's engine, against the real PostgreSQL of the test machine (a schema of its own per run).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { readWhatsAppCredential } from '../../nodes/shared/credentials';
import { WhatsAppMessageReceivedTrigger } from '../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { signPayload } from '../../core/webhook/signature';
import { dropSchema, freshSchemaName, PG_TEST_URL } from '../integration/store/postgres-support';
import { createTriggerHarness } from './support/trigger-runner';
import { credentialTypes, useWhatsAppFixture, whatsAppCredentialRef } from './support/whatsapp-fixture';
import { runWorkflow } from './support/workflow-runner';

const APP_SECRET = 'pg-node-secret';
const wa = useWhatsAppFixture();
let schema: string;

beforeEach(() => {
	schema = freshSchemaName('nodes');
});
afterEach(async () => {
	await dropSchema(schema);
});

const credentials = () => wa.credentials({ appSecret: APP_SECRET, storeEngine: 'postgres', postgresConnectionString: PG_TEST_URL, postgresSchema: schema });

it('reads the PostgreSQL fields of the credential, connection string or separate fields', () => {
	expect(readWhatsAppCredential({ storeEngine: 'postgres', postgresConnectionString: PG_TEST_URL, postgresSchema: 's1', postgresSsl: 'require' }).store).toEqual({
		engine: 'postgres',
		connectionString: PG_TEST_URL,
		ssl: { rejectUnauthorized: false },
		schema: 's1',
		poolSize: 5,
	});
	expect(readWhatsAppCredential({ storeEngine: 'postgres', postgresHost: 'db', postgresPort: 6543, postgresDatabase: 'n8n', postgresUser: 'n8n', postgresPassword: 'pw', postgresPoolSize: 3 }).store).toEqual({
		engine: 'postgres',
		host: 'db',
		port: 6543,
		database: 'n8n',
		user: 'n8n',
		password: 'pw',
		ssl: false,
		schema: 'whatsapp_conversations',
		poolSize: 3,
	});
});

it('ingests through a trigger, fans out to two workflows and answers inside the window', async () => {
	const harness = (workflowId: string) =>
		createTriggerHarness({ nodeType: new WhatsAppMessageReceivedTrigger(), node: { parameters: {}, webhookId: `pg-${workflowId}` }, credentials: credentials(), credentialTypes, workflowId });
	const first = await harness('wf-pg-a');
	const second = await harness('wf-pg-b');
	const activeA = await first.activate();
	const activeB = await second.activate();
	// Meta's sample, written just now: the customer's 24-hour window is open.
	const sample = readFileSync(join(resolve(__dirname, '../fixtures/meta-samples'), 'meta_docs_text.json')).toString();
	const body = Buffer.from(sample.replace('"timestamp": "1749416383"', `"timestamp": "${Math.floor(Date.now() / 1000)}"`));
	const call = await first.webhook({ body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, APP_SECRET) } });
	expect(call.response.statusCode).toBe(200);
	const [[itemA]] = await activeA.nextEmit(10_000);
	const [[itemB]] = await activeB.nextEmit(10_000);
	expect(itemA.json).toMatchObject({ type: 'text', customerPhone: '+16505551234' });
	expect(itemB.json.conversationId).toBe(itemA.json.conversationId);
	await activeA.close();
	await activeB.close();

	// Meta's side of the same window (the simulator checks it as Meta does).
	wa.simulator.openWindow('16505551234');
	const result = await runWorkflow({
		nodeTypes: { whatsAppSendMessage: new WhatsAppSendMessage() },
		credentialTypes,
		credentials: credentials(),
		workflow: {
			nodes: [{ name: 'Send', type: 'whatsAppSendMessage', parameters: { to: '+16505551234', text: 'Yes, in blue.' }, credentials: whatsAppCredentialRef }],
			connections: {},
		},
	});
	expect(result.error).toBeUndefined();
	expect(result.itemsOf('Send', 0)[0].json).toMatchObject({ conversationId: itemA.json.conversationId, isNewConversation: false });
});
