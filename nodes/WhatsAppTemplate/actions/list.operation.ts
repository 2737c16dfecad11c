import { updateDisplayOptions, type IDataObject, type INodeProperties } from 'n8n-workflow';

import type { ListTemplatesOptions } from '../../../core';
import { returnAllProperties } from '../../shared/descriptions';
import { templateItem, type OperationExecute } from './common';

/** A limited list asks for at most this many per page; Return All takes Meta's page size. */
const PAGE_SIZE = 100;

const properties: INodeProperties[] = [
	...returnAllProperties,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Category',
				name: 'category',
				type: 'options',
				options: [
					{ name: 'Authentication', value: 'AUTHENTICATION' },
					{ name: 'Marketing', value: 'MARKETING' },
					{ name: 'Utility', value: 'UTILITY' },
				],
				default: 'UTILITY',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: '',
				placeholder: 'en_US',
				description: 'Only templates in this language code',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				placeholder: 'order',
				description: "Only templates whose name matches (Meta's name filter)",
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Approved', value: 'APPROVED' },
					{ name: 'Disabled', value: 'DISABLED' },
					{ name: 'In Appeal', value: 'IN_APPEAL' },
					{ name: 'Paused', value: 'PAUSED' },
					{ name: 'Pending', value: 'PENDING' },
					{ name: 'Rejected', value: 'REJECTED' },
				],
				default: 'APPROVED',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['list'] } }, properties);

export const execute: OperationExecute = async function (itemIndex, client) {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const text = (key: string): string | undefined => {
		const value = typeof filters[key] === 'string' ? (filters[key] as string).trim() : '';
		return value === '' ? undefined : value;
	};
	const options: ListTemplatesOptions = { status: text('status'), category: text('category'), language: text('language'), name: text('name') };
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const wanted = returnAll ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(this.getNodeParameter('limit', itemIndex, 50) as number));
	const results: IDataObject[] = [];
	const seen = new Set<string>();
	let after: string | undefined;
	while (results.length < wanted) {
		const limit = returnAll ? undefined : Math.min(PAGE_SIZE, wanted - results.length);
		const page = await client.listTemplates({ ...options, limit, after });
		results.push(...page.templates.slice(0, wanted - results.length).map(templateItem));
		// A cursor seen before would loop forever; Meta's last page has no next link.
		if (page.nextCursor === null || seen.has(page.nextCursor)) break;
		seen.add(page.nextCursor);
		after = page.nextCursor;
	}
	return results;
};
