import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { chatCompleter, replyToCustomer, transcriber } from '../../core';
import { failedItem } from '../shared/errors';
import { credentialTest } from '../shared/methods/credential-test';
import { searchSenders } from '../shared/methods/list-search';
import { sendReadReceipt } from '../shared/read-receipts';
import { aiConnection, forEachItemBySender, inInputOrder } from '../shared/core-access';
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
		const output: INodeExecutionData[] = [];
		await forEachItemBySender(this, async (outbound, itemIndex) => {
			try {
				const { request, connection, typingIndicator } = readItemParameters(this, itemIndex);
				const ai = await aiConnection(this, connection);
				const result = await replyToCustomer(request, {
					store: outbound.store,
					complete: chatCompleter(ai),
					transcribe: transcriber(ai),
					media: outbound.client,
					outbound,
					phoneNumberId: outbound.phoneNumberId,
					businessAccountId: outbound.businessAccountId,
					inactivityTimeoutMs: outbound.inactivityTimeoutMs,
					showTyping: typingIndicator ? (wamid) => sendReadReceipt(outbound.client, wamid, { typingIndicator: true }, this.logger) : undefined,
				});
				output.push({ json: replyItem(result), pairedItem: { item: itemIndex } });
			} catch (error) {
				output.push(failedItem(this, error, itemIndex));
			}
		});
		return [inInputOrder(output)];
	}
}
