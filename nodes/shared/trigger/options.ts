import type { IDataObject, INodeExecutionData, ITriggerFunctions } from 'n8n-workflow';

import type { ConversationStore, EventType, StoreEvent } from '../../../core';
import type { WhatsAppCredential } from '../credentials';

export interface TriggerItemContext {
	store: ConversationStore;
	credential: WhatsAppCredential;
	trigger: ITriggerFunctions;
}

/** What a trigger node listens for; built from its parameters, for its trigger() and its test listener. */
export interface EventTriggerOptions {
	types: readonly EventType[];
	/** Only the credential's business number, or every number of the store. */
	phoneNumberScope: 'credential' | 'all';
	/** The node's filters beyond type and number. */
	accepts: (event: StoreEvent, credential: WhatsAppCredential) => boolean;
	/** The event's item from its payload and the credential alone; cannot fail, so a failing event still runs with it. */
	plainItem: (event: StoreEvent, credential: WhatsAppCredential) => IDataObject;
	/** The full item when it needs I/O (media, transcript, AI), which can fail; else the plain item is used. */
	toItem?: (event: StoreEvent, context: TriggerItemContext) => Promise<INodeExecutionData>;
	/** Started as the event is emitted and never awaited, so it cannot delay or fail the run (the read receipt). */
	onEmit?: (event: StoreEvent, context: TriggerItemContext) => void;
	/**
	 * A customer's received messages arriving within this many ms of each other start one run together
	 * (burstItem); absent or 0: each message runs alone. Test runs always take one message.
	 */
	combineWithinMs?: number;
	/** Work that lives as long as the trigger (the inactivity sweep). */
	onStart?: (store: ConversationStore, credential: WhatsAppCredential) => { stop(): Promise<void> };
}

/** Any n8n context that reads node parameters: trigger, hook and webhook functions alike. */
export interface ParameterSource {
	getNodeParameter(name: string, fallback?: unknown): unknown;
}

export function phoneNumberFilter(options: EventTriggerOptions, credential: WhatsAppCredential): string | undefined {
	return options.phoneNumberScope === 'credential' ? credential.phoneNumberId : undefined;
}

