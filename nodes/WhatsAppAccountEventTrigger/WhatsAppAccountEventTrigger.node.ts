import { ApplicationError, NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import type { AccountEventKind } from '../../core';
import { acceptUnsignedProperties, callbackNotice } from '../shared/trigger/descriptions';
import { accountEventItem } from '../shared/trigger/items';
import type { EventTriggerOptions, ParameterSource } from '../shared/trigger/options';
import { WhatsAppEventTriggerNode } from '../shared/trigger/trigger-node';
import { metaWebhooks } from '../shared/trigger/webhook-endpoint';

const KIND_OPTIONS: Array<{ name: string; value: AccountEventKind; description: string }> = [
	{ name: 'Template Status', value: 'template_status', description: 'Approved, rejected, paused, disabled… (message_template_status_update)' },
	{ name: 'Template Quality', value: 'template_quality', description: "A template's quality score changed (message_template_quality_update)" },
	{ name: 'Template Category', value: 'template_category', description: "Meta changed or will change a template's category (template_category_update)" },
	{ name: 'Phone Number Quality and Limit', value: 'phone_number_quality', description: 'Quality flagged, messaging limit or throughput changed (phone_number_quality_update)' },
	{ name: 'Display Name Review', value: 'phone_number_name', description: "The number's display name was approved or rejected (phone_number_name_update)" },
	{ name: 'Account Update', value: 'account', description: 'Account restrictions, bans, verification… (account_update)' },
	{ name: 'Account Review', value: 'account_review', description: "Meta's review decision on the account (account_review_update)" },
	{ name: 'Business Capability', value: 'business_capability', description: 'Limits of the business changed (business_capability_update)' },
	{ name: 'Marketing Preference', value: 'user_preference', description: 'A customer stopped or resumed marketing messages (user_preferences); applied to the contact at once' },
	{ name: 'Other', value: 'other', description: 'Any other field Meta sends, kept as it came' },
];

export class WhatsAppAccountEventTrigger extends WhatsAppEventTriggerNode {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Account Event Trigger',
		name: 'whatsAppAccountEventTrigger',
		icon: 'file:whatsapp.svg',
		group: ['trigger'],
		version: 1,
		description:
			"Starts the workflow on Meta's account events: template reviews and quality, the number's quality and messaging limit, account decisions, customers' marketing preferences",
		defaults: { name: 'WhatsApp Account Event' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppConversationsApi', required: true, testedBy: 'whatsAppConversationsApiTest' }],
		webhooks: metaWebhooks,
		properties: [
			callbackNotice,
			{
				displayName:
					'Subscribe the app to each field you want in Meta\'s dashboard (WhatsApp > Configuration > Webhook fields): message_template_status_update, phone_number_quality_update, user_preferences...',
				name: 'fieldsNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'kinds',
				type: 'multiOptions',
				options: KIND_OPTIONS,
				default: [
					'template_status',
					'template_quality',
					'template_category',
					'phone_number_quality',
					'phone_number_name',
					'account',
					'account_review',
					'business_capability',
					'user_preference',
					'other',
				],
				description: 'The kinds of account events that start the workflow',
			},
			{
				displayName: 'Business Accounts',
				name: 'accountScope',
				type: 'options',
				options: [
					{ name: "The Credential's Business Account", value: 'credential' },
					{ name: 'Every Business Account', value: 'all', description: 'All accounts whose webhooks reach this n8n' },
				],
				default: 'credential',
			},
			...acceptUnsignedProperties,
		],
	};

	constructor() {
		super(listenFor);
	}
}

function listenFor(context: ParameterSource): EventTriggerOptions {
	const kinds = new Set(context.getNodeParameter('kinds', []) as string[]);
	const allAccounts = context.getNodeParameter('accountScope', 'credential') === 'all';
	return {
		types: ['account.event'],
		// Account events mostly name no number: the filter is on the business account instead.
		phoneNumberScope: 'all',
		accepts: (event, credential) =>
			event.type === 'account.event' &&
			kinds.has(event.payload.event.kind) &&
			(allAccounts || event.payload.event.businessAccountId === credential.businessAccountId),
		plainItem: (event) => {
			if (event.type !== 'account.event') throw new ApplicationError(`Unexpected event type ${event.type}`);
			return accountEventItem(event.payload, event.createdAt);
		},
	};
}
