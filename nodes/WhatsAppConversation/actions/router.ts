import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failedItem, toNodeError } from '../../shared/errors';
import { whatsAppCredential, withStore } from '../../shared/core-access';
import * as checkBusinessHours from './checkBusinessHours.operation';
import type { ItemsExecute, OperationExecute } from './common';
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

export const operations: Record<string, { execute: OperationExecute } | { executeItems: ItemsExecute }> = {
	get,
	list,
	close,
	setAi,
	optOut,
	optIn,
	checkBusinessHours,
	setVariables,
	getChatLink,
	getAgentHistory,
	getUsage,
	getNumberHealth,
};

/** Runs the chosen operation for every item with one store for the whole execution. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as string;
	const chosen = operations[operation];
	if (chosen === undefined) throw toNodeError(this.getNode(), new Error(`The operation "${operation}" is not supported`));
	const credential = await whatsAppCredential(this);
	return await withStore(credential, async (store) => {
		const results: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const output =
					'executeItems' in chosen
						? await chosen.executeItems.call(this, itemIndex, store, credential)
						: (await chosen.execute.call(this, itemIndex, store, credential)).map((json) => ({ json }));
				results.push(...output.map((item) => ({ ...item, pairedItem: { item: itemIndex } })));
			} catch (error) {
				results.push(failedItem(this, error, itemIndex));
			}
		}
		return [results];
	});
}
