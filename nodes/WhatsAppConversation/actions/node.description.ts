import type { INodeProperties } from 'n8n-workflow';

import * as checkBusinessHours from './checkBusinessHours.operation';
import * as close from './close.operation';
import * as get from './get.operation';
import * as getAgentHistory from './getAgentHistory.operation';
import * as getChatLink from './getChatLink.operation';
import * as getUsage from './getUsage.operation';
import * as getNumberHealth from './getNumberHealth.operation';
import * as list from './list.operation';
import * as optIn from './optIn.operation';
import * as optOut from './optOut.operation';
import * as setAi from './setAi.operation';
import * as setVariables from './setVariables.operation';

/** The operation picker and every operation's parameters, each shown for its own operation. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Check Business Hours',
				value: 'checkBusinessHours',
				description: "Whether a moment is within the credential's business hours, and when the business opens next",
				action: 'Check business hours',
			},
			{
				name: 'Close',
				value: 'close',
				description: 'End a conversation now (fires Conversation Ended)',
				action: 'Close a conversation',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a conversation with its transcript',
				action: 'Get a conversation',
			},
			{
				name: 'Get Chat Link',
				value: 'getChatLink',
				description: 'A wa.me link and QR code that open a WhatsApp chat with the business, the first message already typed in',
				action: 'Get a chat link and QR code',
			},
			{
				name: 'Get History for AI Agent',
				value: 'getAgentHistory',
				description: "This customer's earlier messages as chat messages and text for an AI Agent's prompt, as AI Reply would send them",
				action: 'Get the history for an AI agent',
			},
			{
				name: 'Get Number Health',
				value: 'getNumberHealth',
				description: "The number's quality rating, status, name status and throughput, Meta's messaging limit, and the daily limit's use",
				action: 'Get the number health',
			},
			{
				name: 'Get Usage',
				value: 'getUsage',
				description: "Billable messages per number, category, day and conversation from Meta's pricing, an estimated cost, and the daily limit's use",
				action: 'Get messaging usage and cost',
			},
			{
				name: 'List',
				value: 'list',
				description: 'List conversations by status, customer and time',
				action: 'List conversations',
			},
			{
				name: 'Opt In',
				value: 'optIn',
				description: 'Allow marketing templates to a customer again',
				action: 'Opt a customer in to marketing',
			},
			{
				name: 'Opt Out',
				value: 'optOut',
				description: 'Stop marketing templates to a customer',
				action: 'Opt a customer out of marketing',
			},
			{
				name: 'Set AI Replies',
				value: 'setAi',
				description: 'Turn AI replies off (human takeover) or back on for a conversation',
				action: 'Turn AI replies on or off',
			},
			{
				name: 'Set Variables',
				value: 'setVariables',
				description: 'Keep flags or facts on a conversation (e.g. that the away message was sent)',
				action: 'Set conversation variables',
			},
		],
		default: 'get',
	},
	...get.description,
	...list.description,
	...close.description,
	...setAi.description,
	...optOut.description,
	...optIn.description,
	...checkBusinessHours.description,
	...setVariables.description,
	...getChatLink.description,
	...getAgentHistory.description,
	...getUsage.description,
	...getNumberHealth.description,
];
