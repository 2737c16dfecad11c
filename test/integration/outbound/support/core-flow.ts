import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CloudApiClient } from '../../../../core/cloud-api/client';
import type { RetryOptions } from '../../../../core/cloud-api/config';
import { ThrottleRegistry } from '../../../../core/cloud-api/throttle';
import type { OutboundContext } from '../../../../core/outbound';
import { TemplateCatalog } from '../../../../core/template';
import { SqliteConversationStore } from '../../../../core/conversation/open';
import { startWebhookServer } from '../../../../core/webhook-server';
import { DEFAULT_APP_SECRET, startMetaSimulator, type MetaSimulator } from '../../../../tools/meta-simulator/meta-simulator';

export const HOUR = 3_600_000;

export interface CoreFlow {
	store: SqliteConversationStore;
	simulator: MetaSimulator;
	ingress: Awaited<ReturnType<typeof startWebhookServer>>;
	context: OutboundContext;
	close(): Promise<void>;
}

/**
 * The core wired as in production, against the Meta simulator: signed webhooks reach an ingress server
 * over HTTP, the store keeps the conversations, and sends go through the client under the test's clock.
 */
export interface CoreFlowOptions {
	clock: () => number;
	retry: RetryOptions;
	/** false: the simulator sends no status webhooks after a send. */
	statuses?: false;
	/** Subscribed before anything arrives, so a test can read every event. */
	subscriberId?: string;
}

async function startCoreFlow(options: CoreFlowOptions): Promise<CoreFlow> {
	const folder = mkdtempSync(join(tmpdir(), 'wa-core-flow-'));
	const store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
	if (options.subscriberId) await store.subscribe(options.subscriberId, 'now');
	const ingress = await startWebhookServer({ store, appSecret: DEFAULT_APP_SECRET, verifyToken: 'verify-me', inactivityTimeoutMs: HOUR, clock: options.clock });
	const simulator = await startMetaSimulator({
		now: options.clock,
		webhook: { url: ingress.url, appSecret: DEFAULT_APP_SECRET, ...(options.statuses === false ? { statuses: false } : {}) },
	});
	// A throttle registry of its own: the pacing follows this test's clock, which tests move by hours.
	const client = new CloudApiClient({ ...simulator.clientConfig(), now: options.clock, retry: options.retry, throttleRegistry: new ThrottleRegistry() });
	return {
		store,
		simulator,
		ingress,
		context: {
			store,
			client,
			phoneNumberId: simulator.phoneNumberId,
			businessAccountId: simulator.businessAccountId,
			tier: 'TIER_250',
			inactivityTimeoutMs: HOUR,
			templates: new TemplateCatalog(client),
			clock: options.clock,
		},
		async close() {
			await simulator.close();
			await ingress.close();
			await store.close();
			rmSync(folder, { recursive: true, force: true });
		},
	};
}

/** A fresh core flow per test, read through getters, under a clock the test moves by assigning `clock`. */
export interface CoreFlowHandle extends Omit<CoreFlow, 'close'> {
	clock: number;
}

/**
 * Starts a core flow before each test of the file (the clock back at `start`) and closes it after.
 * Call at the top of a describe block.
 */
export function useCoreFlow(start: number, options: Omit<CoreFlowOptions, 'clock'>): CoreFlowHandle {
	let flow: CoreFlow | undefined;
	const current = (): CoreFlow => {
		if (!flow) throw new Error('the core flow starts in beforeEach');
		return flow;
	};
	const handle: CoreFlowHandle = {
		clock: start,
		get store() {
			return current().store;
		},
		get simulator() {
			return current().simulator;
		},
		get ingress() {
			return current().ingress;
		},
		get context() {
			return current().context;
		},
	};
	beforeEach(async () => {
		handle.clock = start;
		flow = await startCoreFlow({ ...options, clock: () => handle.clock });
	});
	afterEach(async () => {
		await flow?.close();
		flow = undefined;
	});
	return handle;
}
