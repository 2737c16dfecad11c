import { randomUUID } from 'node:crypto';

import type { INodeExecutionData, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import { EventSubscriber } from '../../../core/events/subscriber';
import type { EventType, StoreEvent } from '../../../core/events/types';
import { acquireStore, releaseStore } from '../../../core/store/open';
import type { ConversationStore } from '../../../core/store/types';
import { readWhatsAppCredential, WHATSAPP_CREDENTIAL, type WhatsAppCredential } from '../credentials';

export interface EventTriggerOptions {
	types: readonly EventType[];
	/** Only the credential's business number, or every number of the store. */
	phoneNumberScope: 'credential' | 'all';
	/** The item for an event, or null when the trigger's filters leave it out. */
	toItem: (event: StoreEvent, store: ConversationStore, credential: WhatsAppCredential) => Promise<INodeExecutionData | null>;
	/** Work that lives as long as the trigger (the inactivity sweep). */
	onStart?: (store: ConversationStore, credential: WhatsAppCredential) => { stop(): Promise<void> };
}

/**
 * Emits this node's events from the store's event log. Active workflows read through a durable
 * cursor named after the workflow and node, so nothing is lost across restarts and every workflow gets
 * its own copy (fan-out). A manual test run reads only what arrives from now on and emits the first
 * matching event.
 */
export async function startEventTrigger(this: ITriggerFunctions, options: EventTriggerOptions): Promise<ITriggerResponse> {
	const credential = readWhatsAppCredential(await this.getCredentials(WHATSAPP_CREDENTIAL));
	const store = acquireStore(credential.store);
	const manual = this.getMode() === 'manual';
	const node = this.getNode();
	const subscriberId = manual ? `manual:${randomUUID()}` : `workflow:${this.getWorkflow().id}:node:${node.id}`;
	const background = options.onStart?.(store, credential);

	// In a manual run n8n replaces `emit` after trigger() returns: the first emit ends the test.
	let manualDone = false;

	const subscriber = new EventSubscriber({
		store,
		subscriberId,
		types: options.types,
		phoneNumberId: options.phoneNumberScope === 'credential' ? credential.phoneNumberId : undefined,
		from: 'now',
		handle: async (events) => {
			for (const event of events) {
				const item = await options.toItem(event, store, credential);
				if (!item || manualDone) continue;
				if (manual) {
					manualDone = true;
					this.emit([[item]]);
					return;
				}
				// The key lets n8n drop a second emit of the same event, e.g. after a crash before the ack.
				this.emit([[item]], undefined, undefined, `${subscriberId}:${event.id}`);
			}
		},
		onError: (error) => this.logger.error(`WhatsApp trigger could not read its events: ${error instanceof Error ? error.message : String(error)}`),
	});
	await subscriber.start();

	return {
		closeFunction: async () => {
			await subscriber.stop();
			await background?.stop();
			if (manual) await store.unsubscribe(subscriberId);
			await releaseStore(store);
		},
	};
}
