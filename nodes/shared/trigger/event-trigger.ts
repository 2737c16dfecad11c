import { randomUUID } from 'node:crypto';

import { NodeOperationError, type INodeExecutionData, type IRun, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import {
	acquireStore,
	BurstEmitter,
	EventSubscriber,
	releaseStore,
	WhatsAppConversationsError,
	type EventAttempt,
	type StoreEvent,
} from '../../../core';
import { whatsAppCredential } from '../core-access';
import { burstItem } from './items';
import { maintainTriggerStore } from './maintenance';
import { takeManualStart } from './manual-listen';
import { phoneNumberFilter, type EventTriggerOptions } from './options';
import { runOutcome } from './run-outcome';
import { triggerSubscriberId } from './subscriber-id';
import { guardTrigger } from './webhook-auth';

/**
 * Emits this node's events from the store's event log. Active workflows read through a durable
 * cursor named after the workflow and node, so nothing is lost across restarts and every workflow gets
 * its own copy (fan-out). A manual test run emits one event: the one its test listener woke it for,
 * or else the next matching one.
 */
export async function startEventTrigger(this: ITriggerFunctions, options: EventTriggerOptions): Promise<ITriggerResponse> {
	const credential = await whatsAppCredential(this);
	// Refuses to activate when this trigger's URL could not authenticate deliveries.
	options = guardTrigger(this, credential, options);
	const store = acquireStore(credential.store);
	const manual = this.getMode() === 'manual';
	const node = this.getNode();
	const workflowId = this.getWorkflow().id ?? '';
	const subscriberId = manual ? `manual:${randomUUID()}` : triggerSubscriberId(workflowId, node.id);
	const manualStart = manual ? takeManualStart(workflowId, node.id) : undefined;
	const background = options.onStart?.(store, credential);
	const stopMaintenance = manual ? undefined : maintainTriggerStore(this, store, credential);
	// In a manual run n8n replaces `emit` after trigger() returns: the first emit ends the test.
	let manualDone = false;
	const context = { store, credential, trigger: this };

	/**
	 * The event's item. A failure that may pass (network, busy store) is tried again; a lasting one
	 * (an expired media id) or the last try gives the plain item with `error`, so the event still runs.
	 */
	const itemOf = async (event: StoreEvent, attempt: EventAttempt): Promise<INodeExecutionData> => {
		if (!options.toItem) return { json: options.plainItem(event, credential) };
		try {
			return await options.toItem(event, context);
		} catch (error) {
			if (!attempt.last && isTransient(error)) throw error;
			this.logger.warn(`WhatsApp trigger emits event ${event.id} (${event.type}) without its extras: ${describe(error)}`);
			return { json: { ...options.plainItem(event, credential), error: { code: codeOf(error), message: describe(error), hint: hintOf(error, EXTRAS_FAILED) } } };
		}
	};

	const startOnEmit = (event: StoreEvent) => {
		try {
			options.onEmit?.(event, context);
		} catch (error) {
			this.logger.warn(`WhatsApp trigger emits event ${event.id} (${event.type}) without its side effect: ${describe(error)}`);
		}
	};

	/**
	 * Starts the run of one item. The key lets n8n drop a second emit of the same event, e.g. after a
	 * crash before the ack; the redelivery of a lost run has a key of its own, so n8n also lets through
	 * at most one of those.
	 */
	const startRun = (item: INodeExecutionData, key: string, redelivery: boolean, what: string) => {
		if (redelivery) this.logger.warn(`WhatsApp trigger emits ${what} again: n8n lost its execution`);
		// n8n resolves `done` with the execution's end, in queue mode too (main hears of the job's end).
		const done = this.helpers.createDeferredPromise<IRun>();
		this.emit([[item]], undefined, done, `${key}${redelivery ? ':redelivery' : ''}`);
		return { outcome: done.promise.then(runOutcome) };
	};

	// A customer's quick messages as one run (Message Received's option); a test run takes the first alone.
	const bursts =
		manual || !options.combineWithinMs
			? undefined
			: new BurstEmitter({
					store,
					subscriberId,
					quietMs: options.combineWithinMs,
					emit: async (events, { redelivery }) => {
						// The burst is out of the store already: an item that cannot be completed goes with its error.
						const items: INodeExecutionData[] = [];
						for (const event of events) items.push(await itemOf(event, { number: 1, last: true, redelivery }));
						const last = events[events.length - 1];
						startOnEmit(last);
						return startRun(burstItem(items), `${subscriberId}:burst:${last.id}`, redelivery, `the burst up to event ${last.id}`);
					},
					onError: (error) => this.logger.warn(`WhatsApp trigger could not emit a burst of messages: ${describe(error)}`),
				});

	const subscriber = new EventSubscriber({
		store,
		subscriberId,
		types: options.types,
		phoneNumberId: phoneNumberFilter(options, credential),
		from: manualStart === undefined ? 'now' : { after: manualStart },
		handle: async (event, attempt) => {
			if (manualDone || !options.accepts(event, credential)) return;
			if (bursts && event.type === 'message.received') return bursts.hold(event);
			const item = await itemOf(event, attempt);
			startOnEmit(event);
			if (manual) {
				this.emit([[item]]);
				manualDone = true;
				return;
			}
			return startRun(item, `${subscriberId}:${event.id}`, attempt.redelivery, `event ${event.id} (${event.type})`);
		},
		onError: (error, event) => {
			if (event === undefined) this.logger.error(`WhatsApp trigger could not read its events: ${describe(error)}`);
			else this.logger.warn(`WhatsApp trigger could not emit event ${event.id} (${event.type}), trying again: ${describe(error)}`);
		},
		onSkip: (event, error, attempts) => {
			const message = `WhatsApp trigger skipped event ${event.id} (${event.type}) after ${attempts} failed attempts: ${describe(error)}`;
			this.logger.warn(message);
			// A failed execution in n8n's list keeps a record the log rotation does not take away.
			const description = hintOf(error, 'The event was not emitted; the events after it were. See the n8n log for the cause.');
			if (!manual) this.saveFailedExecution(new NodeOperationError(node, message, { description }));
		},
	});
	await subscriber.start();
	bursts?.start();

	return {
		closeFunction: async () => {
			await subscriber.stop();
			await bursts?.stop();
			await background?.stop();
			await stopMaintenance?.();
			if (manual) await store.unsubscribe(subscriberId);
			await releaseStore(store);
		},
	};
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): string {
	return error instanceof WhatsAppConversationsError ? error.code : 'TRIGGER_ITEM_FAILED';
}

const EXTRAS_FAILED = 'The event ran without its media, transcript or AI results; see the n8n log for the cause.';

function hintOf(error: unknown, fallback: string): string {
	return error instanceof WhatsAppConversationsError ? error.hint : fallback;
}

/** Core errors say whether trying again can help; anything else is given the benefit of the doubt. */
function isTransient(error: unknown): boolean {
	return error instanceof WhatsAppConversationsError ? error.retryable : true;
}
