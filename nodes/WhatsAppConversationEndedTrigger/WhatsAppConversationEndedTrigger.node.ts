import {
	ApplicationError,
	NodeConnectionTypes,
	type IDataObject,
	type INodeTypeDescription,
	type ITriggerFunctions,
} from 'n8n-workflow';

import { IdleConversationSweeper } from '../../core';
import { formatTranscript, transcriptItems } from '../shared/conversation-item';
import { extractForTrigger, extractionProperties, readVariableDefinitions } from '../shared/trigger/ai';
import { acceptUnsignedProperties, callbackNotice, phoneNumberScopeProperty } from '../shared/trigger/descriptions';
import type { EventTriggerOptions, ParameterSource } from '../shared/trigger/options';
import { conversationEndedItem } from '../shared/trigger/items';
import { WhatsAppEventTriggerNode } from '../shared/trigger/trigger-node';
import { metaWebhooks } from '../shared/trigger/webhook-endpoint';

export class WhatsAppConversationEndedTrigger extends WhatsAppEventTriggerNode {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Conversation Ended Trigger',
		name: 'whatsAppConversationEndedTrigger',
		icon: 'file:whatsapp.svg',
		group: ['trigger'],
		version: 1,
		description:
			'Starts the workflow when a WhatsApp conversation ends (idle past the timeout, or closed), with its transcript',
		defaults: { name: 'WhatsApp Conversation Ended' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' },
			// The model is asked for only when extraction is on.
			{ name: 'openAiCompatibleApi', required: true, displayOptions: { show: { extractVariables: [true] } } },
		],
		webhooks: metaWebhooks,
		properties: [
			callbackNotice,
			{
				displayName:
					"A conversation ends when it has been idle for the credential's inactivity timeout, or when the WhatsApp Conversation node closes it",
				name: 'endNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Check for Idle Conversations Every (Seconds)',
				name: 'sweepIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
			},
			phoneNumberScopeProperty,
			{
				displayName: 'Transcript Labels',
				name: 'labels',
				type: 'collection',
				placeholder: 'Add Label',
				default: {},
				options: [
					{ displayName: 'Customer Label', name: 'customerLabel', type: 'string', default: 'Customer' },
					{ displayName: 'Business Label', name: 'businessLabel', type: 'string', default: 'Business' },
				],
			},
			...extractionProperties,
			...acceptUnsignedProperties,
		],
	};

	constructor() {
		super(listenFor, withIdleSweep);
	}
}

/** While the trigger runs, idle conversations are ended, which is what it listens for. */
function withIdleSweep(trigger: ITriggerFunctions, options: EventTriggerOptions): EventTriggerOptions {
	const logger = trigger.logger;
	const intervalMs = Math.max(1, trigger.getNodeParameter('sweepIntervalSeconds', 60) as number) * 1000;
	return {
		...options,
		onStart: (store, credential) => {
			const sweeper = new IdleConversationSweeper({
				store,
				inactivityTimeoutMs: credential.inactivityTimeoutMs,
				intervalMs,
				phoneNumberId: options.phoneNumberScope === 'credential' ? credential.phoneNumberId : undefined,
				onError: (error) => logger.error(`WhatsApp inactivity sweep failed: ${error instanceof Error ? error.message : String(error)}`),
			});
			sweeper.start();
			void sweeper.sweepNow();
			return sweeper;
		},
	};
}

function listenFor(context: ParameterSource): EventTriggerOptions {
	const labels = context.getNodeParameter('labels', {}) as { customerLabel?: string; businessLabel?: string };
	const extractVariables = context.getNodeParameter('extractVariables', false) as boolean;
	return {
		types: ['conversation.ended'],
		phoneNumberScope: context.getNodeParameter('phoneNumberScope', 'credential') as 'credential' | 'all',
		accepts: (event) => event.type === 'conversation.ended',
		plainItem: (event) => {
			if (event.type !== 'conversation.ended') throw new ApplicationError(`Unexpected event type ${event.type}`);
			return conversationEndedItem(event.payload);
		},
		toItem: async (event, { store, trigger }) => {
			if (event.type !== 'conversation.ended') throw new ApplicationError(`Unexpected event type ${event.type}`);
			const { conversation } = event.payload;
			const messages = await store.getTranscript(conversation.id);
			const json: IDataObject = {
				...conversationEndedItem(event.payload),
				transcript: transcriptItems(messages),
				transcriptText: formatTranscript(messages, {
					customerLabel: labels.customerLabel || 'Customer',
					businessLabel: labels.businessLabel || 'Business',
				}),
			};
			if (extractVariables) {
				// Never throws: a failed extraction is reported in the item and the event still fires.
				const extraction = await extractForTrigger(trigger, store, conversation.id, {
					definitions: readVariableDefinitions(trigger.getNodeParameter('variablesToExtract', {})),
					model: trigger.getNodeParameter('extractionModel', 'gpt-4o-mini') as string,
					summary: trigger.getNodeParameter('includeSummary', true) as boolean,
					instructions: trigger.getNodeParameter('extractionInstructions', '') as string,
				});
				json.extractedVariables = { ...extraction.variables, ...(extraction.summary ? { summary: extraction.summary } : {}) } as IDataObject;
				json.summary = extraction.summary;
				json.extractionError = extraction.error === null ? null : { ...extraction.error };
			}
			return { json };
		},
	};
}
