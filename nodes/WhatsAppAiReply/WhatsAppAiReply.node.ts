import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { chatCompleter, replyToCustomer, transcriber } from '../../core';
import { errorItemJson, toNodeError } from '../shared/errors';
import { credentialTest } from '../shared/methods/credential-test';
import { searchSenders } from '../shared/methods/list-search';
import { aiConnection, withOutbound } from '../shared/core-access';
import { aiReplyProperties } from './description';
import { replyItem } from './output';
import { readItemParameters } from './parameters';

export class WhatsAppAiReply implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp AI Reply',
		name: 'whatsAppAiReply',
		icon: 'file:whatsapp.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["model"]}}',
		description: "Answer a customer with an OpenAI-compatible model using the conversation's stored history; sees images, hears voice notes",
		defaults: { name: 'WhatsApp AI Reply' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'openAiCompatibleApi', required: true },
			{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' },
		],
		properties: aiReplyProperties,
	};

	methods = {
		listSearch: { searchSenders },
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		// Items are grouped by business number so each group shares one store and Cloud API client.
		const senders = new Map<string, number[]>();
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const sender = this.getNodeParameter('sender', itemIndex, '', { extractValue: true }) as string;
			senders.set(sender, [...(senders.get(sender) ?? []), itemIndex]);
		}
		for (const [sender, itemIndexes] of senders) {
			await withOutbound(this, sender || undefined, async (outbound, credential) => {
				for (const itemIndex of itemIndexes) {
					try {
						const { request, connection } = readItemParameters(this, itemIndex);
						const ai = await aiConnection(this, connection);
						const result = await replyToCustomer(request, {
							store: outbound.store,
							complete: chatCompleter(ai),
							transcribe: transcriber(ai),
							media: outbound.client,
							outbound,
							phoneNumberId: outbound.phoneNumberId,
							businessAccountId: outbound.businessAccountId,
							inactivityTimeoutMs: credential.inactivityTimeoutMs,
						});
						output.push({ json: replyItem(result), pairedItem: { item: itemIndex } });
					} catch (error) {
						if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, itemIndex);
						output.push({ json: errorItemJson(error), pairedItem: { item: itemIndex } });
					}
				}
			});
		}
		return [output.sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item)];
	}
}
