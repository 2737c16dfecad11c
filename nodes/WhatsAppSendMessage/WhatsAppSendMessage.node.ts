import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { PolicyError, sendSessionMessage } from '../../core';
import { sentMessageItem } from '../shared/conversation-item';
import { failedItem } from '../shared/errors';
import { credentialTest } from '../shared/methods/credential-test';
import { searchSenders } from '../shared/methods/list-search';
import { forEachItemBySender, inInputOrder } from '../shared/core-access';
import { buildSessionMessage } from './build-message';
import { sendMessageProperties } from './description';
import { isSendAndWait, operationProperty, resumeWebhook, resumeWebhooks, sendAndWait, sendAndWaitProperties } from '../shared/send-and-wait';

export class WhatsAppSendMessage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Send Message',
		name: 'whatsAppSendMessage',
		icon: 'file:whatsapp.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{"Send " + $parameter["messageType"]}}',
		description: 'Send a free-form WhatsApp message inside the 24-hour window; a closed window goes to its own output',
		defaults: { name: 'WhatsApp Send Message' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Sent', 'Window Closed'],
		credentials: [{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' }],
		properties: [operationProperty('message'), ...sendMessageProperties, ...sendAndWaitProperties],
		webhooks: resumeWebhooks,
	};

	webhook = resumeWebhook;

	methods = {
		listSearch: { searchSenders },
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const sent: INodeExecutionData[] = [];
		const windowClosed: INodeExecutionData[] = [];
		const waiting = isSendAndWait(this);
		await forEachItemBySender(this, async (outbound, itemIndex) => {
			const to = this.getNodeParameter('to', itemIndex) as string;
			try {
				// Send and Wait asks one question per execution, from the first item, like n8n's own.
				if (waiting && itemIndex > 0) return;
				const message = await buildSessionMessage(this, itemIndex, to, outbound.client);
				if (waiting) {
					const asked = await sendAndWait(this, outbound, (hooks) => sendSessionMessage(outbound, message, hooks));
					sent.push({ json: sentMessageItem(asked), pairedItem: { item: 0 } });
					return;
				}
				const result = await sendSessionMessage(outbound, message);
				sent.push({
					json: {
						...sentMessageItem(result),
						windowExpiresAt: result.window.expiresAt === null ? null : new Date(result.window.expiresAt).toISOString(),
					},
					pairedItem: { item: itemIndex },
				});
			} catch (error) {
				const options = this.getNodeParameter('options', itemIndex, {}) as { windowClosed?: string };
				if (error instanceof PolicyError && error.code === 'WINDOW_CLOSED' && options.windowClosed !== 'error') {
					const expiresAt = error.details.expiresAt as number | null;
					windowClosed.push({
						json: {
							to,
							windowClosed: true,
							windowClosedAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
							reason: error.message,
							hint: error.hint,
						},
						pairedItem: { item: itemIndex },
					});
				} else {
					sent.push(failedItem(this, error, itemIndex));
				}
			}
		});
		return [inInputOrder(sent), inInputOrder(windowClosed)];
	}
}
