import {
	ApplicationError,
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { isRecordedByAiReply, type StoreEvent } from '../../core';
import { businessHoursFields, businessSchedule } from '../shared/business-hours';
import { cloudApiClient } from '../shared/core-access';
import type { WhatsAppCredential } from '../shared/credentials';
import { transcribeForTrigger, voiceTranscriptionProperties } from '../shared/trigger/ai';
import { acceptUnsignedProperties, callbackNotice, phoneNumberScopeProperty } from '../shared/trigger/descriptions';
import type { EventTriggerOptions, ParameterSource } from '../shared/trigger/options';
import { messageReceivedItem, messageStatusItem } from '../shared/trigger/items';
import { withSentMessage } from '../shared/trigger/delivery-failure';
import { readReceiptOnEmit, readReceiptProperties } from '../shared/trigger/read-receipt';
import { withReferencedMessages } from '../shared/trigger/referenced-message';
import { WhatsAppEventTriggerNode } from '../shared/trigger/trigger-node';
import { metaWebhooks } from '../shared/trigger/webhook-endpoint';

const LISTED_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'order', 'system', 'unsupported'];

export class WhatsAppMessageReceivedTrigger extends WhatsAppEventTriggerNode {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Message Received Trigger',
		name: 'whatsAppMessageReceivedTrigger',
		icon: 'file:whatsapp.svg',
		group: ['trigger'],
		// 1.1: Mark as Read is on by default.
		version: [1, 1.1],
		defaultVersion: 1.1,
		description: 'Starts the workflow for each WhatsApp message a customer sends, with its conversation and window',
		defaults: { name: 'WhatsApp Message Received' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' },
			// The model is asked for only when transcription is on.
			{ name: 'openAiCompatibleApi', required: true, displayOptions: { show: { transcribeVoice: [true] } } },
		],
		webhooks: metaWebhooks,
		properties: [
			callbackNotice,
			{
				displayName: 'Message Types',
				name: 'messageTypes',
				type: 'multiOptions',
				options: [
					...LISTED_TYPES.map((type) => ({ name: type === 'button' ? 'Template Button' : type.charAt(0).toUpperCase() + type.slice(1), value: type })),
					{ name: 'Other (Future Types)', value: 'other' },
				],
				default: [],
				description: 'Only these types; none selected means every type',
			},
			phoneNumberScopeProperty,
			{
				displayName: 'Combine Messages Sent Within (Seconds)',
				name: 'combineWithinSeconds',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 300 },
				default: 0,
				description:
					"A customer's messages sent within this many seconds of each other start one execution together: `messages` lists them, `text` joins them line by line, and `messageId` is the last one's (for replies). At most 10 messages or 5 times this wait per execution. 0 starts one execution per message.",
			},
			{
				displayName: 'Include Status Updates',
				name: 'includeStatuses',
				type: 'boolean',
				default: false,
				description: 'Whether to also start the workflow for sent, delivered, read and failed updates of outgoing messages',
			},
			{
				displayName: 'Delivery Failures',
				name: 'includeDeliveryFailures',
				type: 'boolean',
				default: false,
				description:
					"Whether to also start the workflow when a message the business sent did not reach the customer (Meta's failed status, often hours after the send), with what was sent, Meta's error and how to fix it",
			},
			{
				displayName: 'Download Media',
				name: 'downloadMedia',
				type: 'boolean',
				default: false,
				description: 'Whether to download images, audio, video, documents and stickers into binary data',
			},
			{
				displayName: 'Put Media in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				displayOptions: { show: { downloadMedia: [true] } },
			},
			...readReceiptProperties,
			...voiceTranscriptionProperties,
			...acceptUnsignedProperties,
		],
	};

	constructor() {
		super(listenFor);
	}
}

function listenFor(context: ParameterSource): EventTriggerOptions {
	const messageTypes = context.getNodeParameter('messageTypes', []) as string[];
	const includeStatuses = context.getNodeParameter('includeStatuses', false) as boolean;
	const includeFailures = context.getNodeParameter('includeDeliveryFailures', false) as boolean;
	const combineWithinSeconds = context.getNodeParameter('combineWithinSeconds', 0) as number;
	const downloadMedia = context.getNodeParameter('downloadMedia', false) as boolean;
	const binaryPropertyName = context.getNodeParameter('binaryPropertyName', 'data') as string;
	const transcribeVoice = context.getNodeParameter('transcribeVoice', false) as boolean;
	const wanted = (type: string) => messageTypes.length === 0 || messageTypes.includes(LISTED_TYPES.includes(type) ? type : 'other');
	const plainItem = (event: StoreEvent, credential: WhatsAppCredential): IDataObject => {
		if (event.type === 'message.status') return messageStatusItem(event.payload);
		if (event.type !== 'message.received') throw new ApplicationError(`Unexpected event type ${event.type}`);
		return messageReceivedItem(event.payload, hoursAt(credential, event.payload.message.timestamp));
	};
	return {
		types: includeStatuses || includeFailures ? ['message.received', 'message.status'] : ['message.received'],
		combineWithinMs: Math.max(0, combineWithinSeconds) * 1000,
		phoneNumberScope: context.getNodeParameter('phoneNumberScope', 'credential') as 'credential' | 'all',
		// Messages AI Reply recorded from other channels are in the log too; they are not WhatsApp arrivals.
		accepts: (event) =>
			(event.type === 'message.status' && (includeStatuses || event.payload.status.status === 'failed')) ||
			(event.type === 'message.received' && wanted(event.payload.message.type) && !isRecordedByAiReply(event.payload.message)),
		plainItem,
		onEmit: readReceiptOnEmit(context),
		toItem: async (event, { credential, trigger, store }): Promise<INodeExecutionData> => {
			if (event.type === 'message.received') {
				// Unreadable hours fail here, so the item carries the error naming the field to fix.
				businessSchedule(credential);
			}
			const item: INodeExecutionData = { json: plainItem(event, credential) };
			if (event.type === 'message.status' && event.payload.status.status === 'failed') await withSentMessage(store, event.payload, item.json);
			if (event.type !== 'message.received') return item;
			await withReferencedMessages(store, event.payload, item.json);
			const { message } = event.payload;
			const media = message.media;
			if (transcribeVoice && message.type === 'audio' && media) {
				const voice = await transcribeForTrigger(
					trigger,
					cloudApiClient(trigger, credential, message.phoneNumberId),
					{ id: media.id, mimeType: media.mimeType },
					{
						model: trigger.getNodeParameter('transcriptionModel', 'whisper-1') as string,
						language: trigger.getNodeParameter('transcriptionLanguage', '') as string,
					},
				);
				// With the transcript as the text, AI Reply answers it without transcribing again.
				item.json.transcription = voice.text;
				item.json.transcriptionError = voice.error === null ? null : { ...voice.error };
				item.json.text = item.json.text ?? voice.text;
			}
			if (downloadMedia && media) {
				const file = await cloudApiClient(trigger, credential, event.phoneNumberId).downloadMedia(media.id);
				item.binary = {
					[binaryPropertyName]: await trigger.helpers.prepareBinaryData(file.data, media.filename ?? undefined, file.mimeType ?? media.mimeType ?? undefined),
				};
			}
			return item;
		},
	};
}

/** The hours at the message's time; null when the credential's hours cannot be read (toItem reports why). */
function hoursAt(credential: WhatsAppCredential, timestamp: number) {
	try {
		return businessHoursFields(businessSchedule(credential), timestamp);
	} catch {
		return null;
	}
}
