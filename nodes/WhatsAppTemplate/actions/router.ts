import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { cloudApiClient, whatsAppCredential } from '../../shared/core-access';
import { failedItem, toNodeError } from '../../shared/errors';
import type { OperationExecute } from './common';
import * as create from './create.operation';
import * as deleteOperation from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as preview from './preview.operation';

export const operations: Record<string, { execute: OperationExecute }> = {
	list,
	get,
	create,
	delete: deleteOperation,
	preview,
};

/** Runs the chosen operation for every item with one client for the whole execution. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as string;
	const chosen = operations[operation];
	if (chosen === undefined) throw toNodeError(this.getNode(), new Error(`The operation "${operation}" is not supported`));
	const credential = await whatsAppCredential(this);
	const client = cloudApiClient(this, credential);
	const results: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const output = await chosen.execute.call(this, itemIndex, client, credential);
			results.push(...output.map((json) => ({ json, pairedItem: { item: itemIndex } })));
		} catch (error) {
			results.push(failedItem(this, error, itemIndex));
		}
	}
	return [results];
}
