/**
 * Bounded retries on retryable errors only, verified through the simulator's request log. A message
 * send is retried only when it certainly did not go out (throttled, or never connected).
 */
import { backoffDelay, CloudApiError, withRetry } from '../../../core/cloud-api';
import { CUSTOMER, makeClient, rejectionOf, useSimulator } from './helpers';

describe('retries', () => {
	const sim = useSimulator({ openWindowFor: CUSTOMER });
	const messagesPath = (): string => `/${sim.phoneNumberId}/messages`;

	it('130429 twice, then success: three requests, exponential back-off between them', async () => {
		const { client, time } = makeClient(sim, { retry: { baseDelayMs: 100 } });
		sim.failNext(2, { code: 130429 });
		const result = await client.sendText({ to: CUSTOMER, body: 'hi' });
		expect(result.wamid).toMatch(/^wamid\./);
		const attempts = sim.requestsTo('POST', messagesPath());
		expect(attempts.map((request) => request.status)).toEqual([400, 400, 200]);
		expect((attempts[0].responseBody as { error: { code: number } }).error.code).toBe(130429);
		// random() is 0.5: half the delay fixed plus half of the random upper half → 75 % of 100, then of 200.
		expect(time.sleeps).toEqual([75, 150]);
		expect(sim.state.sentMessages).toHaveLength(1);
	});

	it('gives up after maxAttempts and throws the last typed error', async () => {
		const { client, time } = makeClient(sim, { retry: { maxAttempts: 3 } });
		sim.failNext(5, { code: 131056 });
		const error = await rejectionOf(() => client.sendText({ to: CUSTOMER, body: 'hi' }));
		expect(error).toBeInstanceOf(CloudApiError);
		expect(error).toMatchObject({ code: 'META_131056', retryable: true });
		expect(sim.requestsTo('POST', messagesPath())).toHaveLength(3);
		expect(time.sleeps).toHaveLength(2);
	});

	it('does not retry non-retryable errors', async () => {
		const { client, time } = makeClient(sim);
		sim.failNext(1, { code: 131047 });
		await expect(client.sendText({ to: CUSTOMER, body: 'hi' })).rejects.toMatchObject({ code: 'META_131047' });
		expect(sim.requestsTo('POST', messagesPath())).toHaveLength(1);
		expect(time.sleeps).toEqual([]);
	});

	it('retries every throttling answer of a send: 130429, 131056, 4, 80007 and HTTP 429', async () => {
		const { client } = makeClient(sim, { retry: { maxAttempts: 6 } });
		for (const code of [130429, 131056, 4, 80007]) sim.failNext(1, { code });
		sim.failNext(1, { emptyBody: true, httpStatus: 429 });
		await client.sendText({ to: CUSTOMER, body: 'hi' });
		expect(sim.requestsTo('POST', messagesPath()).map((request) => request.status)).toEqual([400, 400, 400, 400, 429, 200]);
		expect(sim.state.sentMessages).toHaveLength(1);
	});

	it('retries 131000, 1, 2 and a 5xx on a read, but not on a send (it may have gone out)', async () => {
		const { client } = makeClient(sim, { retry: { maxAttempts: 6 } });
		for (const code of [131000, 1, 2]) sim.failNext(1, { code });
		sim.failNext(1, { emptyBody: true, httpStatus: 502 });
		await client.listTemplates();
		expect(sim.requestsTo('GET', '/message_templates').map((request) => request.status)).toEqual([500, 500, 503, 502, 200]);

		for (const fault of [{ code: 131000 }, { code: 1 }, { code: 2 }, { emptyBody: true, httpStatus: 502 }]) {
			sim.failNext(1, fault);
			const before = sim.requestsTo('POST', messagesPath()).length;
			const error = await rejectionOf(() => client.sendText({ to: CUSTOMER, body: 'hi' }));
			expect(error).toMatchObject({ retryable: false, mayHaveBeenSent: true });
			expect(sim.requestsTo('POST', messagesPath())).toHaveLength(before + 1);
		}
	});

	it('honours Retry-After (capped at maxDelayMs)', async () => {
		const { client, time } = makeClient(sim, { retry: { maxDelayMs: 5000 } });
		sim.failNext(1, { code: 130429, retryAfterSeconds: 2 });
		sim.failNext(1, { code: 130429, retryAfterSeconds: 60 });
		await client.sendText({ to: CUSTOMER, body: 'hi' });
		expect(time.sleeps).toEqual([2000, 5000]);
	});

	it('retries a 5xx without a body', async () => {
		const { client } = makeClient(sim);
		sim.failNext(1, { emptyBody: true, httpStatus: 502 });
		await client.listTemplates();
		expect(sim.requestsTo('GET', '/message_templates').map((request) => request.status)).toEqual([502, 200]);
	});

	it('retries a dropped connection on a read, but not on a send (it may have been delivered)', async () => {
		const { client } = makeClient(sim);
		sim.failNext(1, { dropConnection: true });
		await client.listTemplates();
		expect(sim.requestsTo('GET', '/message_templates')).toHaveLength(2);

		sim.failNext(1, { dropConnection: true });
		const error = await rejectionOf(() => client.sendText({ to: CUSTOMER, body: 'hi' }));
		expect(error).toMatchObject({ code: 'NETWORK_ERROR', retryable: false, mayHaveBeenSent: true });
		expect((error as CloudApiError).hint).toMatch(/may have been sent/);
		expect(sim.requestsTo('POST', messagesPath())).toHaveLength(1);
	});

	it('retries a send whose connection was refused (it never left)', async () => {
		const port = sim.port;
		await sim.close(); // closing it again after the test is harmless
		const { client, time } = makeClient(sim, { baseUrl: `http://127.0.0.1:${port}` });
		const error = await rejectionOf(() => client.sendText({ to: CUSTOMER, body: 'hi' }));
		expect(error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true, mayHaveBeenSent: false });
		expect((error as CloudApiError).message).toContain('ECONNREFUSED');
		expect(time.sleeps).toEqual([375, 750]);
	});
});

describe('withRetry and backoffDelay', () => {
	const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 - Number.EPSILON, sleep: async () => undefined };

	it('doubles the delay and caps it', () => {
		expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, { ...policy, random: () => 0 }))).toEqual([50, 100, 200, 400, 500]);
		expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy))).toEqual([100, 200, 400, 800, 1000]);
	});

	it('rethrows plain errors without retrying', async () => {
		let calls = 0;
		await expect(
			withRetry(async () => {
				calls++;
				throw new Error('boom');
			}, policy),
		).rejects.toThrow('boom');
		expect(calls).toBe(1);
	});
});
