/**
 * Per-number pacing. No wall-clock assertions: the client's clock and sleep are fake, so the test reads
 * the exact times each send was scheduled for.
 */
import { SendRateLimiter, ThrottleRegistry, processThrottleRegistry } from '../../../core/cloud-api';
import { defaultPhoneNumbers } from '../../../tools/meta-simulator/seed';
import { CUSTOMER, FakeTime, makeClient, useSimulator } from './helpers';

function sortedOffsets(time: FakeTime, start: number): number[] {
	return time.wakeTimes.map((at) => at - start).sort((a, b) => a - b);
}

describe('throughput cap', () => {
	const [first] = defaultPhoneNumbers();
	const sim = useSimulator({ phoneNumbers: [first, { ...first, id: '200000000000002', display_phone_number: '15550000002' }], openWindowFor: CUSTOMER });

	it('spaces 200 concurrent sends 12.5 ms apart at 80/s: the last one starts 2.4875 s after the first', async () => {
		const time = new FakeTime();
		const { client } = makeClient(sim, { time, sleep: time.recordingSleep });
		const start = time.current;
		const results = await Promise.all(Array.from({ length: 200 }, (_, index) => client.sendText({ to: CUSTOMER, body: `#${index}` })));
		expect(new Set(results.map((result) => result.wamid)).size).toBe(200);
		expect(sim.state.sentMessages).toHaveLength(200);

		// The first send goes at once (no sleep); the other 199 wait for slots 12.5 ms apart.
		const offsets = [0, ...sortedOffsets(time, start)];
		expect(offsets).toHaveLength(200);
		offsets.forEach((offset, index) => expect(offset).toBeCloseTo(index * 12.5, 6));
		expect(offsets[199]).toBeCloseTo(2487.5, 6);
	});

	it('honours a configured rate for sequential sends', async () => {
		const { client, time } = makeClient(sim, { maxMessagesPerSecond: 10 });
		const start = time.current;
		for (let i = 0; i < 5; i++) await client.sendText({ to: CUSTOMER, body: `#${i}` });
		expect(time.sleeps).toEqual([100, 100, 100, 100]);
		expect(time.current - start).toBe(400);
	});

	it('shares one limiter between clients of the same number, not across numbers', async () => {
		const time = new FakeTime();
		const registry = new ThrottleRegistry();
		const options = { time, sleep: time.recordingSleep, throttleRegistry: registry, maxMessagesPerSecond: 4 };
		const { client: a } = makeClient(sim, options);
		const { client: b } = makeClient(sim, options);
		const { client: other } = makeClient(sim, { ...options, phoneNumberId: '200000000000002' });
		const start = time.current;
		await Promise.all([a.sendText({ to: CUSTOMER, body: '1' }), b.sendText({ to: CUSTOMER, body: '2' }), a.sendText({ to: CUSTOMER, body: '3' })]);
		expect(sortedOffsets(time, start)).toEqual([250, 500]);
		await other.sendText({ to: CUSTOMER, body: 'other number' });
		expect(time.sleeps).toHaveLength(2); // the other number had a free slot
	});

	it('uses one process-wide registry by default', async () => {
		const time = new FakeTime();
		const make = (): ReturnType<typeof makeClient>['client'] =>
			makeClient(sim, { time, sleep: time.recordingSleep, throttleRegistry: undefined, phoneNumberId: '200000000000002', maxMessagesPerSecond: 2 }).client;
		expect(make().config.throttleRegistry).toBe(processThrottleRegistry);
		await Promise.all([make().sendText({ to: CUSTOMER, body: '1' }), make().sendText({ to: CUSTOMER, body: '2' })]);
		expect(time.sleeps).toEqual([500]);
	});

	it('paces retries too (each attempt takes a slot)', async () => {
		const { client, time } = makeClient(sim, { maxMessagesPerSecond: 1, retry: { baseDelayMs: 100 } });
		sim.failNext(1, { code: 130429 });
		await client.sendText({ to: CUSTOMER, body: 'x' });
		// back-off 75 ms, then the rest of the 1 s slot.
		expect(time.sleeps).toEqual([75, 925]);
	});
});

describe('SendRateLimiter', () => {
	it('hands out slots 1/rate apart, immediately when idle', () => {
		const limiter = new SendRateLimiter();
		expect([limiter.reserve(0, 80), limiter.reserve(0, 80), limiter.reserve(0, 80)]).toEqual([0, 12.5, 25]);
		expect(limiter.reserve(10_000, 80)).toBe(0);
		expect(limiter.reserve(10_000, 80)).toBe(12.5);
	});
});
