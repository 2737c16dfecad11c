import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	buildTemplateInput,
	nowOf,
	parseTemplateReference,
	remainingCapacity,
	resolveTemplate,
	sendTemplateMessage,
	tierLimit,
	type OutboundContext,
	type SendHooks,
	type TemplateSendResult,
} from '../../core';
import { sentMessageItem } from '../shared/conversation-item';
import { failedItem } from '../shared/errors';
import { limitSourceFields } from '../shared/messaging-limit';
import { credentialTest } from '../shared/methods/credential-test';
import { searchSenders, searchTemplates } from '../shared/methods/list-search';
import { forEachItemBySender, inInputOrder } from '../shared/core-access';
import { isSendAndWait, operationProperty, resumeWebhook, resumeWebhooks, sendAndWait, sendAndWaitProperties } from '../shared/send-and-wait';
import { templateVariableValues } from '../shared/template-variables';
import { sendTemplateProperties } from './description';
import { getTemplateFields } from '../shared/methods/template-fields';

/**
 * Where the daily limit stands after the send. A template inside an open window (or to someone
 * already reached today) does not count, but the user still sees how much of the tier is used.
 */
async function dailyLimitJson(outbound: OutboundContext, result: TemplateSendResult): Promise<IDataObject> {
	const source = limitSourceFields(outbound.limitReading);
	if (result.dailyLimit?.counted) return { ...result.dailyLimit, tier: outbound.tier, ...source };
	const limit = tierLimit(outbound.tier);
	let used: number | null = null;
	try {
		used = await outbound.store.dailyLimitUsage(outbound.businessAccountId, nowOf(outbound));
	} catch {
		// The message is sent; a failed usage read must not turn it into a failed item.
	}
	return {
		counted: false,
		used,
		limit,
		remaining: used === null ? null : remainingCapacity(outbound.tier, used),
		tier: outbound.tier,
		...source,
	};
}

export class WhatsAppSendTemplate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Send Template',
		name: 'whatsAppSendTemplate',
		icon: 'file:whatsapp.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{"Send " + String($parameter["template"].value || "template").split("|")[0]}}',
		description: 'Send an approved WhatsApp message template, with its variables, to any customer (also outside the 24-hour window)',
		defaults: { name: 'WhatsApp Send Template' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' }],
		properties: [operationProperty('template'), ...sendTemplateProperties, ...sendAndWaitProperties],
		webhooks: resumeWebhooks,
	};

	webhook = resumeWebhook;

	methods = {
		listSearch: { searchSenders, searchTemplates },
		resourceMapping: { getTemplateFields },
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const results: INodeExecutionData[] = [];
		const waiting = isSendAndWait(this);
		await forEachItemBySender(this, async (outbound, itemIndex) => {
			// Send and Wait asks one question per execution, from the first item, like n8n's own.
			if (waiting && itemIndex > 0) return;
			try {
				const to = this.getNodeParameter('to', itemIndex) as string;
				const reference = parseTemplateReference(
					this.getNodeParameter('template', itemIndex, '', { extractValue: true }),
					this.getNodeParameter('language', itemIndex, ''),
				);
				const values = templateVariableValues(this, itemIndex);
				const { template, language } = resolveTemplate(await outbound.templates.all(), reference);
				const input = buildTemplateInput({ to, name: reference.name, languageCode: language }, template, values);
				const send = (hooks?: SendHooks) => sendTemplateMessage(outbound, input, hooks);
				const result = waiting ? await sendAndWait(this, outbound, send) : await send();
				results.push({
					json: {
						...sentMessageItem(result),
						template: result.template,
						messageStatus: result.messageStatus,
						windowOpen: result.window.open,
						dailyLimit: await dailyLimitJson(outbound, result),
					},
					pairedItem: { item: itemIndex },
				});
			} catch (error) {
				results.push(failedItem(this, error, itemIndex));
			}
		});
		return [inInputOrder(results)];
	}
}
