import { NodeOperationError, updateDisplayOptions, type IDataObject, type INodeProperties } from 'n8n-workflow';

import { PolicyError, toRecipient, type ConversationFilter, type ConversationStatus } from '../../../core';
import { conversationItem } from '../../shared/conversation-item';
import { CUSTOMER_ID_DESCRIPTION, returnAllProperties } from '../../shared/descriptions';
import { businessNumberOf, businessNumberProperty, type OperationExecute } from './common';

const PAGE_SIZE = 100;

const properties: INodeProperties[] = [
	businessNumberProperty,
	...returnAllProperties,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Customer',
				name: 'customer',
				type: 'string',
				default: '',
				placeholder: '+16505551234 or US.13491208655302741918',
				description: CUSTOMER_ID_DESCRIPTION,
			},
			{
				displayName: 'Since',
				name: 'since',
				type: 'dateTime',
				default: '',
				description: 'Only conversations with a message at or after this time',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'All', value: 'all' },
					{ name: 'Closed', value: 'closed' },
					{ name: 'Open', value: 'open' },
				],
				default: 'all',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['list'] } }, properties);

/**
 * A phone number becomes the wa_id the store keys customers by ("+1 650-555-1234" → 16505551234), a
 * business-scoped user id stays as it is; anything else (an email AI Reply keyed) is looked up as given.
 */
export function customerIdOf(input: string): string {
	const value = input.trim();
	try {
		return toRecipient(value).customerId;
	} catch (error) {
		if (!(error instanceof PolicyError)) throw error;
		const digits = value.replace(/[\s().-]/g, '').replace(/^\+/, '');
		return /^\d+$/.test(digits) ? digits : value;
	}
}

export const execute: OperationExecute = async function (itemIndex, store, credential) {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const filter: ConversationFilter = { phoneNumberId: businessNumberOf(this, itemIndex, credential) };
	const status = (filters.status as string | undefined) ?? 'all';
	if (status !== 'all') filter.status = status as ConversationStatus;
	const customer = typeof filters.customer === 'string' ? filters.customer.trim() : '';
	if (customer !== '') filter.customerId = customerIdOf(customer);
	if (filters.since !== undefined && filters.since !== '') {
		const since = Date.parse(String(filters.since));
		if (Number.isNaN(since)) {
			throw new NodeOperationError(this.getNode(), `"${String(filters.since)}" is not a date and time`, {
				itemIndex,
				description: 'Give the Since filter as an ISO date, e.g. 2025-05-01T00:00:00Z',
			});
		}
		filter.since = since;
	}

	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const wanted = returnAll ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(this.getNodeParameter('limit', itemIndex, 50) as number));
	const results: IDataObject[] = [];
	for (let offset = 0; results.length < wanted; ) {
		const limit = Math.min(PAGE_SIZE, wanted - results.length);
		const page = await store.listConversations({ ...filter, limit, offset });
		results.push(...page.map(conversationItem));
		offset += page.length;
		if (page.length < limit) break;
	}
	return results;
};
