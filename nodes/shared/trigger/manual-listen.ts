import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { EventSubscriber } from '../../../core/events/subscriber';
import { acquireStore, releaseStore } from '../../../core/store/open';
import { readWhatsAppCredential, WHATSAPP_CREDENTIAL } from '../credentials';
import { phoneNumberFilter, type EventTriggerOptions } from './options';

/**
 * "Listen for test event" in the editor: n8n waits for one call of the node's test URL and only then
 * runs trigger() in manual mode. Meta may be calling another workflow's production URL, so while the
 * test URL is registered a listener watches the event log and, on the first matching event, calls the
 * test URL itself with a wake request signed by a key that never leaves this process.
 */
const WAKE_HEADER = 'x-whatsapp-conversations-wake';
const wakeKey = randomBytes(32);
const listeners = new Map<string, { stop(): Promise<void> }>();
const manualStarts = new Map<string, number>();

const keyOf = (workflowId: string, nodeId: string) => `${workflowId}:${nodeId}`;

function wakeSignature(key: string, eventId: number): string {
	return createHmac('sha256', wakeKey).update(`${key}:${eventId}`).digest('hex');
}

/** webhookMethods.create in manual mode: start watching for the event the test waits for. */
export async function startTestListener(this: IHookFunctions, options: EventTriggerOptions): Promise<void> {
	const key = keyOf(this.getWorkflow().id ?? '', this.getNode().id);
	await stopTestListener(key);
	const url = this.getNodeWebhookUrl('default');
	if (!url) return;
	const credential = readWhatsAppCredential(await this.getCredentials(WHATSAPP_CREDENTIAL));
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
		handle: async (events) => {
			const event = events.find((candidate) => options.accepts(candidate));
			if (!event || woken) return;
			woken = true;
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', [WAKE_HEADER]: wakeSignature(key, event.id) },
				body: JSON.stringify({ eventId: event.id }),
			});
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
 * event it names. Returns null for anything else (Meta's own deliveries are ingested as usual).
 */
export function acceptWakeRequest(this: IWebhookFunctions): IWebhookResponseData | null {
	const signature = this.getHeaderData()[WAKE_HEADER];
	if (typeof signature !== 'string') return null;
	const key = keyOf(this.getWorkflow().id ?? '', this.getNode().id);
	const eventId = Number((this.getBodyData() as { eventId?: unknown }).eventId);
	const expected = Buffer.from(wakeSignature(key, eventId));
	const given = Buffer.from(signature);
	if (!Number.isInteger(eventId) || given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
	manualStarts.set(key, eventId - 1);
	return { workflowData: [[{ json: { eventId } }]], webhookResponse: 'OK' };
}

/** For trigger() in manual mode: where the woken test run starts reading (consumed once). */
export function takeManualStart(workflowId: string, nodeId: string): number | undefined {
	const key = keyOf(workflowId, nodeId);
	const position = manualStarts.get(key);
	manualStarts.delete(key);
	return position;
}

/** The webhookMethods every trigger carries: a test URL gets a listener, nothing else is registered. */
export function testListenerMethods(listenFor: (context: IHookFunctions) => EventTriggerOptions) {
	return {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return false;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			if (this.getMode() === 'manual') await startTestListener.call(this, listenFor(this));
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			await endTestListener.call(this);
			return true;
		},
	};
}
