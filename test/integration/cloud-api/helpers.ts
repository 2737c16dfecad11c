/** Shared set-up for the Cloud API integration tests: simulator, client with fake time, webhook sink. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudApiClient, ThrottleRegistry, type CloudApiConfig } from '../../../core/cloud-api';
import { startMetaSimulator, type MetaSimulator, type MetaSimulatorOptions } from '../../../tools/meta-simulator/meta-simulator';

export const CUSTOMER = '16505551234';

/** A clock that only moves when something sleeps: retries and pacing run instantly but are recorded. */
export class FakeTime {
	current = 1_750_000_000_000;
	readonly sleeps: number[] = [];
	/** The clock time each sleep ends at. */
	readonly wakeTimes: number[] = [];

	readonly now = (): number => this.current;

	/** Sequential callers: sleeping moves the clock forward. */
	readonly sleep = async (ms: number): Promise<void> => {
		this.sleeps.push(ms);
		this.current += ms;
		this.wakeTimes.push(this.current);
	};

	/** Concurrent callers: each sleep is recorded against the current time, the clock stays put. */
	readonly recordingSleep = async (ms: number): Promise<void> => {
		this.sleeps.push(ms);
		this.wakeTimes.push(this.current + ms);
	};
}

export interface TestClientOptions extends Partial<CloudApiConfig> {
	time?: FakeTime;
}

export function makeClient(sim: MetaSimulator, options: TestClientOptions = {}): { client: CloudApiClient; time: FakeTime } {
	const time = options.time ?? new FakeTime();
	const client = new CloudApiClient({
		...sim.clientConfig(),
		now: time.now,
		sleep: time.sleep,
		random: () => 0.5,
		throttleRegistry: new ThrottleRegistry(),
		...options,
	});
	return { client, time };
}

export async function withSimulator(options: MetaSimulatorOptions = {}): Promise<MetaSimulator> {
	return startMetaSimulator({ webhook: { statuses: false }, ...options });
}

/**
 * A fresh simulator for each test of the describe block it is called in, closed after the test, with
 * `openWindowFor`'s service window open. The object returned stands for the running test's simulator.
 */
export function useSimulator(options: MetaSimulatorOptions & { openWindowFor?: string } = {}): MetaSimulator {
	const { openWindowFor, ...simulatorOptions } = options;
	let current: MetaSimulator | undefined;
	beforeEach(async () => {
		current = await withSimulator(simulatorOptions);
		if (openWindowFor !== undefined) current.openWindow(openWindowFor);
	});
	afterEach(async () => {
		await current?.close();
		current = undefined;
	});
	return runningTestObject(() => current, 'the simulator');
}

/**
 * A fresh webhook sink and a simulator delivering to it for each test of the describe block it is
 * called in, both closed after the test; the objects returned stand for the running test's.
 */
export function useSimulatorWithSink(): { sim: MetaSimulator; sink: WebhookSink } {
	let current: { sim: MetaSimulator; sink: WebhookSink } | undefined;
	beforeEach(async () => {
		const sink = await startWebhookSink();
		current = { sink, sim: await withSimulator({ webhook: { url: sink.url } }) };
	});
	afterEach(async () => {
		await current?.sim.close();
		await current?.sink.close();
		current = undefined;
	});
	return { sim: runningTestObject(() => current?.sim, 'the simulator'), sink: runningTestObject(() => current?.sink, 'the webhook sink') };
}

/** Stands for the object `current` returns while a test runs (set up in beforeEach, gone after it). */
function runningTestObject<T extends object>(current: () => T | undefined, what: string): T {
	const running = (): T => {
		const object = current();
		if (!object) throw new Error(`${what} starts in beforeEach`);
		return object;
	};
	return new Proxy({} as T, {
		get: (_target, property) => Reflect.get(running(), property),
		set: (_target, property, value) => Reflect.set(running(), property, value),
	});
}

export interface ReceivedWebhook {
	headers: Record<string, string | string[] | undefined>;
	raw: Buffer;
	json: unknown;
}

export interface WebhookSink {
	url: string;
	received: ReceivedWebhook[];
	/** Status the sink answers with (default 200). */
	answer: number;
	close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
	const received: ReceivedWebhook[] = [];
	const sink = { answer: 200 } as WebhookSink;
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const raw = Buffer.concat(chunks);
			received.push({ headers: request.headers, raw, json: JSON.parse(raw.toString('utf8')) as unknown });
			response.writeHead(sink.answer).end('EVENT_RECEIVED');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	sink.url = `http://127.0.0.1:${port}/webhook`;
	sink.received = received;
	sink.close = async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return sink;
}

/** Runs `action`, expecting it to reject; returns the rejection for detailed assertions. */
export async function rejectionOf(action: () => Promise<unknown>): Promise<unknown> {
	try {
		await action();
	} catch (error) {
		return error;
	}
	throw new Error('Expected the call to fail, but it succeeded.');
}
