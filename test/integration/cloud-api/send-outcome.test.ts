/**
 * A send whose outcome is unknown is reported, never repeated: the simulator accepts the message and
 * then answers with a fault, and the client must surface `mayHaveBeenSent` after exactly one request.
 * Authenticated calls never follow a redirect, so the token cannot reach another host.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CloudApiError } from '../../../core/cloud-api';
import type { FaultSpec } from '../../../tools/meta-simulator/meta-simulator';
import { CUSTOMER, makeClient, rejectionOf, useSimulator } from './helpers';

// Long enough that a loaded CI machine answers the non-timeout cases in time.
const TIMEOUT_MS = 1000;

describe('sends whose outcome is unknown', () => {
	const sim = useSimulator({ openWindowFor: CUSTOMER });

	const hidden: Array<[string, FaultSpec, RegExp]> = [
		['code 1 (HTTP 500)', { code: 1, afterAccept: true }, /API error 1:/],
		['code 2 (HTTP 503)', { code: 2, afterAccept: true }, /API error 2:/],
		['code 131000 (HTTP 500)', { code: 131000, afterAccept: true }, /API error 131000:/],
		['an empty HTTP 502', { emptyBody: true, httpStatus: 502, afterAccept: true }, /HTTP 502/],
		['a connection dropped after the request', { dropConnection: true, afterAccept: true }, /connection failed/],
		['an answer slower than the timeout', { delayMs: TIMEOUT_MS * 1.5, afterAccept: true }, /timed out/],
	];

	it.each(hidden)('%s: accepted once, reported with mayHaveBeenSent, not repeated', async (_name, fault, message) => {
		const { client, time } = makeClient(sim, { timeoutMs: TIMEOUT_MS, retry: { maxAttempts: 5 } });
		sim.failNext(1, fault);
		const error = await rejectionOf(() => client.sendText({ to: CUSTOMER, body: 'Your order shipped.' }));
		expect(error).toBeInstanceOf(CloudApiError);
		expect(error).toMatchObject({ retryable: false, mayHaveBeenSent: true });
		expect((error as CloudApiError).message).toMatch(message);
		expect((error as CloudApiError).hint).toMatch(/^The message may have been sent, so it was not sent again automatically: check the chat/);
		expect(sim.requestsTo('POST', '/messages')).toHaveLength(1);
		expect(sim.sentTo(CUSTOMER)).toHaveLength(1);
		expect(time.sleeps).toEqual([]);
	});

	it('the same faults on a read are retried (nothing is sent by repeating it)', async () => {
		const { client } = makeClient(sim, { timeoutMs: TIMEOUT_MS, retry: { maxAttempts: 7 } });
		for (const [, fault] of hidden) sim.failNext(1, fault);
		const page = await client.listTemplates();
		expect(page.templates.length).toBeGreaterThan(0);
		expect(sim.requestsTo('GET', '/message_templates')).toHaveLength(hidden.length + 1);
	});

	it('a throttled send is not accepted by Meta, so it is repeated until it is, once', async () => {
		const { client } = makeClient(sim, { retry: { maxAttempts: 3 } });
		sim.failNext(1, { emptyBody: true, httpStatus: 429 });
		sim.failNext(1, { code: 130429 });
		await client.sendText({ to: CUSTOMER, body: 'Your order shipped.' });
		expect(sim.requestsTo('POST', '/messages').map((request) => request.status)).toEqual([429, 400, 200]);
		expect(sim.sentTo(CUSTOMER)).toHaveLength(1);
	});

	it('a success answer the client cannot read still means the message may have gone out', async () => {
		const { client } = makeClient(sim, { transport: { request: async () => ({ status: 200, headers: {}, body: '<html>OK</html>' }) } });
		const error = await rejectionOf(() => client.sendText({ to: CUSTOMER, body: 'hi' }));
		expect(error).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false, mayHaveBeenSent: true });
		const read = await rejectionOf(() => client.listTemplates());
		expect(read).toMatchObject({ code: 'INVALID_RESPONSE', mayHaveBeenSent: false });
	});
});

/** A server that answers every request with a redirect to `target`, recording what it received. */
async function startRedirector(status: number, target: string): Promise<{ url: string; server: Server }> {
	const server = createServer((request, response) => {
		request.resume();
		request.on('end', () => response.writeHead(status, { location: `${target}${request.url ?? '/'}` }).end());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('redirects (fetch transport)', () => {
	const sim = useSimulator({ openWindowFor: CUSTOMER });
	let redirector: { url: string; server: Server } | undefined;

	afterEach(async () => {
		redirector?.server.closeAllConnections();
		await new Promise((resolve) => redirector?.server.close(resolve));
	});

	/** The simulator answers on "localhost": another host than the redirector's 127.0.0.1. */
	const otherHost = (): string => `http://localhost:${sim.port}`;
	const headersSeenBySimulator = (): IncomingHttpHeaders[] => sim.requests.map((request) => request.headers);

	it.each([301, 302, 303, 307, 308])('HTTP %i on a send: not followed, a clear error, the token stays home', async (status) => {
		redirector = await startRedirector(status, otherHost());
		const { client } = makeClient(sim, { baseUrl: redirector.url, retry: { maxAttempts: 3 } });
		const error = await rejectionOf(() => client.sendText({ to: CUSTOMER, body: 'hi' }));
		expect(error).toMatchObject({ code: `HTTP_${status}`, httpStatus: status, retryable: false, mayHaveBeenSent: true });
		expect((error as CloudApiError).message).toContain(`a redirect to localhost:${sim.port}`);
		expect((error as CloudApiError).hint).toMatch(/API base URL/);
		expect(headersSeenBySimulator()).toEqual([]);
	});

	it('360dialog: the D360-API-KEY header never follows a redirect either (reads included)', async () => {
		redirector = await startRedirector(307, otherHost());
		const { client } = makeClient(sim, { provider: '360dialog', baseUrl: redirector.url, phoneNumberId: undefined });
		const error = await rejectionOf(() => client.listTemplates());
		expect(error).toMatchObject({ code: 'HTTP_307', retryable: false, mayHaveBeenSent: false });
		expect(headersSeenBySimulator()).toEqual([]);
	});
});
