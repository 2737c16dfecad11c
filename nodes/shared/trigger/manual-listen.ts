import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { acquireStore, EventSubscriber, releaseStore } from '../../../core';
import { whatsAppCredential } from '../core-access';
import type { WhatsAppCredential } from '../credentials';
import { phoneNumberFilter, type EventTriggerOptions } from './options';
import { guardTrigger } from './webhook-auth';

/**
 * "Listen for test event" in the editor: n8n waits for one call of the node's test URL and only then
 * runs trigger() in manual mode. Meta may be calling another workflow's production URL, so while the
 * test URL is registered a listener watches the event log and, on the first matching event, calls the
 * test URL itself with a wake request signed by a key that never leaves this process. The request
 * carries a single-use nonce and an expiry, so a captured one cannot be replayed.
 */
const WAKE_HEADER = 'x-whatsapp-conversations-wake';
const WAKE_TTL_MS = 60_000;
const wakeKey = randomBytes(32);
/** Nonces issued and not yet used, with their expiry. */
const pendingWakes = new Map<string, number>();
const listeners = new Map<string, { stop(): Promise<void> }>();
const manualStarts = new Map<string, number>();

const keyOf = (workflowId: string, nodeId: string) => `${workflowId}:${nodeId}`;

interface WakeBody {
	eventId: number;
	nonce: string;
	expiresAt: number;
}

function wakeSignature(key: string, wake: WakeBody): string {
	return createHmac('sha256', wakeKey).update(`${key}:${wake.eventId}:${wake.nonce}:${wake.expiresAt}`).digest('hex');
}

function forgetExpiredWakes(now: number): void {
	for (const [nonce, expiresAt] of pendingWakes) if (expiresAt <= now) pendingWakes.delete(nonce);
}

/** The wake request for one event of one trigger node: headers and JSON body, valid once, for WAKE_TTL_MS. */
export function createWakeRequest(workflowId: string, nodeId: string, eventId: number, now = Date.now()): { headers: Record<string, string>; body: WakeBody } {
	forgetExpiredWakes(now);
	const body: WakeBody = { eventId, nonce: randomUUID(), expiresAt: now + WAKE_TTL_MS };
	pendingWakes.set(body.nonce, body.expiresAt);
	return {
		headers: { 'content-type': 'application/json', [WAKE_HEADER]: wakeSignature(keyOf(workflowId, nodeId), body) },
		body,
	};
}

/** webhookMethods.create in manual mode: start watching for the event the test waits for. */
export async function startTestListener(this: IHookFunctions, options: EventTriggerOptions, credential: WhatsAppCredential): Promise<void> {
	const workflowId = this.getWorkflow().id ?? '';
	const nodeId = this.getNode().id;
	const key = keyOf(workflowId, nodeId);
	await stopTestListener(key);
	const url = this.getNodeWebhookUrl('default');
	if (!url) return;
	const store = acquireStore(credential.store);
	const logger = this.logger;
	const subscriberId = `test-listener:${randomUUID()}`;
	let woken = false;
	const subscriber = new EventSubscriber({
		store,
		subscriberId,
		types: options.types,
		phoneNumberId: phoneNumberFilter(options, credential),
		from: 'now',
		handle: async (event) => {
			if (woken || !options.accepts(event, credential)) return;
			woken = true;
			const wake = createWakeRequest(workflowId, nodeId, event.id);
			const response = await fetch(url, { method: 'POST', headers: wake.headers, body: JSON.stringify(wake.body) });
			if (!response.ok) logger.warn(`WhatsApp test listener could not reach the test URL (${response.status})`);
		},
	});
	await subscriber.start();
	listeners.set(key, {
		async stop() {
			await subscriber.stop();
			await store.unsubscribe(subscriberId);
			await releaseStore(store);
		},
	});
}

async function stopTestListener(key: string): Promise<void> {
	const listener = listeners.get(key);
	listeners.delete(key);
	await listener?.stop();
}

/** webhookMethods.delete: the test URL is gone (answered, timed out or cancelled). */
export async function endTestListener(this: IHookFunctions): Promise<void> {
	await stopTestListener(keyOf(this.getWorkflow().id ?? '', this.getNode().id));
}

/**
 * In webhook(), test mode: a valid wake request starts the test execution; trigger() then emits the
 * event it names. Returns null for anything else, a replayed or expired wake included: it is then
 * handled as a provider delivery, which it cannot authenticate.
 */
export function acceptWakeRequest(this: IWebhookFunctions): IWebhookResponseData | null {
	const signature = this.getHeaderData()[WAKE_HEADER];
	if (typeof signature !== 'string') return null;
	const key = keyOf(this.getWorkflow().id ?? '', this.getNode().id);
	const body = this.getBodyData() as Partial<Record<keyof WakeBody, unknown>>;
	const wake: WakeBody = { eventId: Number(body.eventId), nonce: String(body.nonce), expiresAt: Number(body.expiresAt) };
	if (!Number.isInteger(wake.eventId) || typeof body.nonce !== 'string' || !Number.isInteger(wake.expiresAt)) return null;
	const expected = Buffer.from(wakeSignature(key, wake));
	const given = Buffer.from(signature);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
	// Signed by this process; it must also be unused (the nonce is spent now) and unexpired.
	const pending = pendingWakes.delete(wake.nonce);
	if (!pending || wake.expiresAt <= Date.now()) return null;
	manualStarts.set(key, wake.eventId - 1);
	return { workflowData: [[{ json: { eventId: wake.eventId } }]], webhookResponse: 'OK' };
}

/** For trigger() in manual mode: where the woken test run starts reading (consumed once). */
export function takeManualStart(workflowId: string, nodeId: string): number | undefined {
	const key = keyOf(workflowId, nodeId);
	const position = manualStarts.get(key);
	manualStarts.delete(key);
	return position;
}

/**
 * The webhookMethods every trigger carries: n8n calls create when the workflow is activated and when
 * "Listen for test event" starts, so a trigger whose URL could not authenticate deliveries fails here
 * with the field to fix. A test URL also gets a listener; nothing is registered with Meta.
 */
export function testListenerMethods(listenFor: (context: IHookFunctions) => EventTriggerOptions) {
	return {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return false;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			const credential = await whatsAppCredential(this);
			const options = guardTrigger(this, credential, listenFor(this));
			if (this.getMode() === 'manual') await startTestListener.call(this, options, credential);
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			await endTestListener.call(this);
			return true;
		},
	};
}
