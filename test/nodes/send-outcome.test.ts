// A send that may have gone out, and a redirect, through n8n's own execution engine and its real HTTP
// helper (this.helpers.httpRequest), against the Meta simulator.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { credentialTypes, useWhatsAppFixture, whatsAppCredentialRef } from './support/whatsapp-fixture';
import { runWorkflow, type WorkflowNode } from './support/workflow-runner';

const TYPE = 'whatsAppSendMessage';
const nodeTypes = { [TYPE]: new WhatsAppSendMessage() };
const CUSTOMER = '+16505551234';
const CUSTOMER_WA_ID = '16505551234';
const HOUR = 3_600_000;

const wa = useWhatsAppFixture({ webhook: { statuses: false } });
beforeEach(async () => {
	await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: CUSTOMER_WA_ID, timestamp: Date.now() - 60_000 })] }), {
		now: Date.now(),
		inactivityTimeoutMs: HOUR,
	});
	wa.simulator.openWindow(CUSTOMER_WA_ID);
	wa.simulator.clearFaults();
	wa.simulator.requests.length = 0;
});

function sendNode(settings: Partial<WorkflowNode> = {}, parameters: INodeParameters = {}): WorkflowNode {
	return { name: 'Send', type: TYPE, parameters: { to: CUSTOMER, text: 'Your order shipped.', ...parameters }, credentials: whatsAppCredentialRef, ...settings };
}

async function run(node: WorkflowNode, credentialOverrides: IDataObject = {}) {
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: wa.credentials(credentialOverrides),
		workflow: { nodes: [node], connections: {} },
		inputItems: [{ json: {} }],
	});
}

describe('a send that may have been sent', () => {
	it('is not repeated; the item says mayHaveBeenSent and not retryable', async () => {
		wa.simulator.failNext(1, { code: 131000, afterAccept: true });
		const result = await run(sendNode({ continueOnFail: true }));
		expect(result.error).toBeUndefined();
		const [item] = result.itemsOf('Send', 0);
		expect(item.json).toMatchObject({ code: 'META_131000', retryable: false, mayHaveBeenSent: true, hint: expect.stringMatching(/may have been sent/) });
		expect(wa.simulator.requestsTo('POST', '/messages')).toHaveLength(1);
		expect(wa.simulator.sentTo(CUSTOMER)).toHaveLength(1);
	});

	it('fails the node with a description that says it may have been sent', async () => {
		wa.simulator.failNext(1, { dropConnection: true, afterAccept: true });
		const result = await run(sendNode());
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.description).toMatch(/^The message may have been sent, so it was not sent again automatically: check the chat.*\(code NETWORK_ERROR\)$/);
		expect(wa.simulator.requestsTo('POST', '/messages')).toHaveLength(1);
	});
});

describe('redirects through n8n\'s HTTP helper', () => {
	let redirector: Server;
	let redirectorUrl: string;

	beforeAll(async () => {
		// Redirects every request to the simulator under another host name ("localhost", not 127.0.0.1).
		redirector = createServer((request, response) => {
			request.resume();
			request.on('end', () => response.writeHead(307, { location: `http://localhost:${wa.simulator.port}${request.url ?? '/'}` }).end());
		});
		await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', () => resolve()));
		redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		redirector.closeAllConnections();
		await new Promise((resolve) => redirector.close(resolve));
	});

	it('are not followed: the access token never reaches the other host', async () => {
		const result = await run(sendNode(), { baseUrl: redirectorUrl });
		expect(result.error?.message).toBe(
			`The WhatsApp API answered HTTP 307, a redirect to localhost:${wa.simulator.port}. Redirects are not followed, so the credentials never go to another host.`,
		);
		expect(result.error?.description).toMatch(/API base URL/);
		expect(wa.simulator.requests).toEqual([]);
	});
});
