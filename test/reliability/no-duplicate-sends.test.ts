/**
 * Our own retries never send a message twice. 1,000 sends (session messages and templates to many
 * customers, the TIER_250 daily limit in a real store) go through the core to the Meta simulator, which
 * injects faults per send: throttling answers before accepting the message (429, 130429, 131056, 80007,
 * 4), and answers that hide an accepted message (500/503 with codes 1, 2, 131000, an empty 502, a
 * dropped connection, an answer slower than the client's timeout). The simulator's accepted log then
 * holds every send at most once, every throttled send exactly once, every ambiguous failure carries
 * mayHaveBeenSent, and the daily-limit count is exactly the customers Meta may have reached.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CloudApiClient, CloudApiError, ThrottleRegistry } from '../../core/cloud-api';
import { PolicyError } from '../../core/errors';
import { sendSessionMessage, sendTemplateMessage, type OutboundContext } from '../../core/outbound';
import { TemplateCatalog } from '../../core/template';
import { tierLimit } from '../../core/policy/limits';
import { SqliteConversationStore } from '../../core/conversation/open';
import { startMetaSimulator, type FaultSpec, type FaultTarget, type MetaSimulator } from '../../tools/meta-simulator/meta-simulator';
import { inbound, webhookOf } from '../../tools/traffic/builders';
import { seededRandom } from '../../tools/traffic/random';

const SENDS = 1000;
const SESSION_CUSTOMERS = 200;
/** More than the tier allows, so the limit is reached and refusals mix in. */
const TEMPLATE_CUSTOMERS = 400;
const TIER = 'TIER_250' as const;
const WORKERS = 16;
const HOUR = 3_600_000;
/** Long enough that no answer but the injected slow ones misses it on a busy machine. */
const CLIENT_TIMEOUT_MS = 1500;

type Plan = 'plain' | 'throttled' | 'ambiguous' | 'throttled+ambiguous' | 'refused';

interface LogicalSend {
	ref: string;
	kind: 'session' | 'template';
	customer: string;
	plan: Plan;
	throttles: number;
}

interface Outcome {
	send: LogicalSend;
	result: 'sent' | 'failed' | 'limit';
	error?: unknown;
}

const THROTTLING: FaultSpec[] = [{ emptyBody: true, httpStatus: 429 }, { code: 130429 }, { code: 131056 }, { code: 80007 }, { code: 4 }];
/** Each of these answers only after the simulator accepted the message. */
const AMBIGUOUS: FaultSpec[] = [
	{ code: 1, afterAccept: true },
	{ code: 2, afterAccept: true },
	{ code: 131000, afterAccept: true },
	{ emptyBody: true, httpStatus: 502, afterAccept: true },
	{ dropConnection: true, afterAccept: true },
	{ delayMs: CLIENT_TIMEOUT_MS + 300, afterAccept: true },
];

const phone = (prefix: string, index: number): string => `+1${prefix}${String(index).padStart(4, '0')}`;

/** The send's reference, found wherever the request carries it (text body or template parameter). */
const refCache = new WeakMap<object, string | null>();
function refOf(body: unknown): string | null {
	if (typeof body !== 'object' || body === null) return null;
	let ref = refCache.get(body);
	if (ref === undefined) {
		ref = /ref-\d{4}/.exec(JSON.stringify(body))?.[0] ?? null;
		refCache.set(body, ref);
	}
	return ref;
}

function planSends(): LogicalSend[] {
	const random = seededRandom(20260310);
	const sends: LogicalSend[] = [];
	for (let index = 0; index < SENDS; index++) {
		const kind = index % 2 === 0 ? 'session' : 'template';
		const customer = kind === 'session' ? phone('650555', Math.floor(random() * SESSION_CUSTOMERS)) : phone('650666', Math.floor(random() * TEMPLATE_CUSTOMERS));
		const roll = random();
		const plan: Plan = roll < 0.06 ? 'ambiguous' : roll < 0.08 ? 'throttled+ambiguous' : roll < 0.2 ? 'throttled' : roll < 0.23 ? 'refused' : 'plain';
		const throttles = plan.startsWith('throttled') ? 1 + Math.floor(random() * 2) : 0;
		sends.push({ ref: `ref-${String(index).padStart(4, '0')}`, kind, customer, plan, throttles });
	}
	return sends;
}

function queueFaults(simulator: MetaSimulator, sends: LogicalSend[]): void {
	for (const [index, send] of sends.entries()) {
		const match = (request: FaultTarget): boolean => request.method === 'POST' && refOf(request.body) === send.ref;
		for (let throttle = 0; throttle < send.throttles; throttle++) simulator.failNext(1, { ...THROTTLING[(index + throttle) % THROTTLING.length], match });
		if (send.plan === 'ambiguous' || send.plan === 'throttled+ambiguous') simulator.failNext(1, { ...AMBIGUOUS[index % AMBIGUOUS.length], match });
		// Meta says no (undeliverable) before accepting anything.
		if (send.plan === 'refused') simulator.failNext(1, { code: 131026, match });
	}
}

describe('no duplicate sends under injected faults', () => {
	let folder: string;
	let store: SqliteConversationStore;
	let simulator: MetaSimulator;

	beforeEach(async () => {
		folder = mkdtempSync(join(tmpdir(), 'wa-no-dup-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		simulator = await startMetaSimulator({ webhook: { statuses: false } });
	});
	afterEach(async () => {
		// Let the slow answers finish before the server goes away.
		await new Promise((resolve) => setTimeout(resolve, 500));
		await simulator.close();
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	it('1,000 sends: each reaches Meta at most once, throttled ones exactly once, and the limit count is exact', async () => {
		const started = Date.now();
		const client = new CloudApiClient({
			...simulator.clientConfig(),
			timeoutMs: CLIENT_TIMEOUT_MS,
			maxMessagesPerSecond: 1_000_000,
			retry: { maxAttempts: 4, baseDelayMs: 1 },
			// Back-off is not under test: retries go at once.
			sleep: async () => undefined,
			throttleRegistry: new ThrottleRegistry(),
		});
		const context: OutboundContext = {
			store,
			client,
			phoneNumberId: simulator.phoneNumberId,
			businessAccountId: simulator.businessAccountId,
			tier: TIER,
			inactivityTimeoutMs: HOUR,
			templates: new TemplateCatalog(client),
		};
		for (let index = 0; index < SESSION_CUSTOMERS; index++) {
			const customer = phone('650555', index);
			await store.ingest(webhookOf({ messages: [inbound({ customerId: customer.slice(1), timestamp: Date.now() - 60_000 })] }), {
				now: Date.now(),
				inactivityTimeoutMs: HOUR,
			});
			simulator.openWindow(customer);
		}
		await context.templates.all();

		const sends = planSends();
		queueFaults(simulator, sends);
		// Sends to one customer go in order (as a flow sends them); customers are served concurrently.
		const queues: LogicalSend[][] = Array.from({ length: WORKERS }, () => []);
		for (const send of sends) queues[Number(send.customer.slice(-4)) % WORKERS].push(send);
		const outcomes: Outcome[] = [];
		await Promise.all(
			queues.map(async (queue) => {
				for (const send of queue) {
					try {
						if (send.kind === 'session') await sendSessionMessage(context, { kind: 'text', to: send.customer, body: `Your parcel ${send.ref} is on its way.` });
						else await sendTemplateMessage(context, { to: send.customer, name: 'order_confirmation', languageCode: 'en_US', body: { first_name: 'Pat', order_number: send.ref } });
						outcomes.push({ send, result: 'sent' });
					} catch (error) {
						const limit = error instanceof PolicyError && error.code === 'DAILY_LIMIT_REACHED';
						outcomes.push({ send, result: limit ? 'limit' : 'failed', error });
					}
				}
			}),
		);

		const accepted = new Map<string, number>();
		for (const message of simulator.state.sentMessages) {
			const ref = refOf(message.payload);
			if (ref !== null) accepted.set(ref, (accepted.get(ref) ?? 0) + 1);
		}
		const attempts = new Map<string, number>();
		for (const request of simulator.requestsTo('POST', '/messages')) {
			const ref = refOf(request.body);
			if (ref !== null) attempts.set(ref, (attempts.get(ref) ?? 0) + 1);
		}

		expect(outcomes).toHaveLength(SENDS);
		// Zero duplicates: no send was accepted twice.
		expect([...accepted.values()].filter((count) => count > 1)).toEqual([]);
		const summary = { sent: 0, ambiguous: 0, throttledThenSent: 0, refused: 0, limit: 0 };
		for (const { send, result, error } of outcomes) {
			const times = accepted.get(send.ref) ?? 0;
			const code = error instanceof CloudApiError ? error.code : undefined;
			if (result === 'limit') {
				// Refused by the daily limit before anything left.
				expect([send.ref, attempts.get(send.ref) ?? 0]).toEqual([send.ref, 0]);
				summary.limit++;
				continue;
			}
			const requests = attempts.get(send.ref) ?? 0;
			if (send.plan === 'plain') expect([send.ref, result, code, times, requests]).toEqual([send.ref, 'sent', undefined, 1, 1]);
			if (send.plan === 'throttled') {
				// Every throttled send is repeated until Meta accepts it, exactly once.
				expect([send.ref, result, code, times, requests]).toEqual([send.ref, 'sent', undefined, 1, send.throttles + 1]);
				summary.throttledThenSent++;
			}
			if (send.plan === 'ambiguous' || send.plan === 'throttled+ambiguous') {
				// Accepted once at the simulator, reported as possibly sent, never repeated.
				expect([send.ref, result, times, requests]).toEqual([send.ref, 'failed', 1, send.throttles + 1]);
				expect(error).toBeInstanceOf(CloudApiError);
				expect([send.ref, (error as CloudApiError).mayHaveBeenSent, (error as CloudApiError).retryable]).toEqual([send.ref, true, false]);
				expect((error as CloudApiError).hint).toMatch(/may have been sent/);
				summary.ambiguous++;
			}
			if (send.plan === 'refused') {
				expect([send.ref, result, times, requests, (error as CloudApiError).mayHaveBeenSent]).toEqual([send.ref, 'failed', 0, 1, false]);
				summary.refused++;
			}
			if (result === 'sent') summary.sent++;
		}
		// Each kind of fault really happened.
		expect(summary.ambiguous).toBeGreaterThan(50);
		expect(summary.throttledThenSent).toBeGreaterThan(50);
		expect(summary.refused).toBeGreaterThan(10);
		expect(summary.limit).toBeGreaterThan(0);

		// The daily limit counts every customer Meta accepted a template for, plus those whose template
		// may have gone out (the unit is kept); refused and throttled-then-accepted sends add nothing.
		const reached = new Set<string>();
		for (const { send, result, error } of outcomes) {
			if (send.kind !== 'template') continue;
			if (result === 'sent' || (error instanceof CloudApiError && error.mayHaveBeenSent)) reached.add(send.customer);
		}
		const templateCustomersAccepted = new Set(simulator.state.sentMessages.filter((message) => message.type === 'template').map((message) => message.to));
		for (const customer of templateCustomersAccepted) expect(reached.has(customer)).toBe(true);
		const used = await store.dailyLimitUsage(simulator.businessAccountId, Date.now());
		expect(used).toBe(reached.size);
		expect(used).toBeLessThanOrEqual(tierLimit(TIER) ?? Infinity);
		expect(Date.now() - started).toBeLessThan(20_000);
	}, 60_000);
});
