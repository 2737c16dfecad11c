import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteOperation from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as preview from './preview.operation';

/** The operation picker and every operation's parameters, each shown for its own operation. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Create',
				value: 'create',
				description: "Submit a new template for Meta's review, checked against Meta's rules first",
				action: 'Create a template',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a template in one language or in all of them',
				action: 'Delete a template',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a template by name and language, or by ID',
				action: 'Get a template',
			},
			{
				name: 'List',
				value: 'list',
				description: 'List the templates by status, category, language and name',
				action: 'List templates',
			},
			{
				name: 'Preview',
				value: 'preview',
				description: 'Render a template with values, as the customer would read it',
				action: 'Preview a template',
			},
		],
		default: 'list',
	},
	...list.description,
	...get.description,
	...create.description,
	...deleteOperation.description,
	...preview.description,
];
