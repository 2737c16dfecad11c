import { randomUUID } from 'node:crypto';

import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import { EventSubscriber } from '../../../core/events/subscriber';
import { acquireStore, releaseStore } from '../../../core/store/open';
import { readWhatsAppCredential, WHATSAPP_CREDENTIAL } from '../credentials';
import { takeManualStart } from './manual-listen';
import { phoneNumberFilter, type EventTriggerOptions } from './options';

/**
 * Emits this node's events from the store's event log. Active workflows read through a durable
 * cursor named after the workflow and node, so nothing is lost across restarts and every workflow gets
 * its own copy (fan-out). A manual test run emits one event: the one its test listener woke it for,
 * or else the next matching one.
 */
export async function startEventTrigger(this: ITriggerFunctions, options: EventTriggerOptions): Promise<ITriggerResponse> {
	const credential = readWhatsAppCredential(await this.getCredentials(WHATSAPP_CREDENTIAL));
	const store = acquireStore(credential.store);
	const manual = this.getMode() === 'manual';
	const node = this.getNode();
	const workflowId = this.getWorkflow().id ?? '';
	const subscriberId = manual ? `manual:${randomUUID()}` : `workflow:${workflowId}:node:${node.id}`;
	const manualStart = manual ? takeManualStart(workflowId, node.id) : undefined;
	const background = options.onStart?.(store, credential);
	// In a manual run n8n replaces `emit` after trigger() returns: the first emit ends the test.
	let manualDone = false;

	const subscriber = new EventSubscriber({
		store,
		subscriberId,
		types: options.types,
		phoneNumberId: phoneNumberFilter(options, credential),
		from: manualStart === undefined ? 'now' : { after: manualStart },
		handle: async (events) => {
			for (const event of events) {
				if (manualDone || !options.accepts(event)) continue;
				const item = await options.toItem(event, { store, credential, trigger: this });
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
