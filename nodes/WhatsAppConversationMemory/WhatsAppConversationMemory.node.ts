import {
	NodeConnectionTypes,
	NodeOperationError,
	type INode,
	type INodeType,
	type INodeTypeDescription,
	type ISupplyDataFunctions,
	type SupplyData,
} from 'n8n-workflow';

import { DEFAULT_HISTORY_TOKEN_BUDGET } from '../../core';
import { burstMessageIds } from '../shared/burst';
import { whatsAppCredential, withStore } from '../shared/core-access';
import { credentialTest } from '../shared/methods/credential-test';
import { ConversationMemory } from './memory';

/**
 * n8n 2.x ships `@n8n/ai-node-sdk` and resolves it for community packages; n8n 1.x has none. Loaded
 * when the Agent asks for memory, so the package's other nodes load on 1.x too.
 */
async function loadSdk(node: INode): Promise<typeof import('@n8n/ai-node-sdk')> {
	try {
		return await import('@n8n/ai-node-sdk');
	} catch {
		throw new NodeOperationError(node, 'WhatsApp Conversation Memory needs n8n 2.x', {
			description: "This n8n has no '@n8n/ai-node-sdk' (n8n 1.x). Update n8n, or use the WhatsApp Conversation node's 'Get History for AI Agent' operation in the Agent's prompt.",
		});
	}
}

export class WhatsAppConversationMemory implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Conversation Memory',
		name: 'whatsAppConversationMemory',
		icon: 'file:whatsapp.svg',
		group: ['transform'],
		version: 1,
		description: "Give n8n's AI Agent the customer's stored WhatsApp conversation and record its answers there",
		defaults: { name: 'WhatsApp Conversation Memory' },
		inputs: [],
		outputs: [NodeConnectionTypes.AiMemory],
		outputNames: ['Memory'],
		credentials: [{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' }],
		properties: [
			{
				displayName: 'Conversation or Customer',
				name: 'conversation',
				type: 'string',
				default: '={{ $json.conversationId || $json.customerId }}',
				required: true,
				description:
					"A conversation ID, or a customer ID (phone number with country code, or BSUID) whose open conversation with the credential's number is meant. Message Received items carry both.",
			},
			{
				displayName: 'Message ID',
				name: 'messageId',
				type: 'string',
				default: '={{ $json.messageId }}',
				description:
					"The customer's message the Agent answers (its prompt carries it): the history ends before it and leaves out the other messages of its burst. Empty: the whole conversation.",
			},
			{
				displayName: 'History Token Budget',
				name: 'historyTokenBudget',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_HISTORY_TOKEN_BUDGET,
				description: 'How many tokens of earlier messages the Agent gets (estimated, as AI Reply counts them); the oldest are left out first',
			},
		],
	};

	methods = { credentialTest };

	async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
		const sdk = await loadSdk(this.getNode());
		const credential = await whatsAppCredential(this);
		const messageId = String(this.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
		const memory = new ConversationMemory({
			useStore: (work) => withStore(credential, work),
			target: String(this.getNodeParameter('conversation', itemIndex, '') ?? '').trim(),
			phoneNumberId: credential.phoneNumberId,
			messageId,
			burstIds: burstMessageIds(this, itemIndex, messageId),
			historyTokenBudget: Math.max(0, Math.floor(this.getNodeParameter('historyTokenBudget', itemIndex, DEFAULT_HISTORY_TOKEN_BUDGET) as number)),
			inactivityTimeoutMs: credential.inactivityTimeoutMs,
		});
		return sdk.supplyMemory(this, memory);
	}
}
