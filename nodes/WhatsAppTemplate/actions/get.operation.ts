import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { languageProperty, templateItem, templatePickOf, templateProperty, templatesOfPick, type OperationExecute } from './common';

const properties: INodeProperties[] = [templateProperty, languageProperty];

export const description = updateDisplayOptions({ show: { operation: ['get'] } }, properties);

/** One item per version: by ID or name and language one, by name alone every language of it. */
export const execute: OperationExecute = async function (itemIndex, client) {
	const templates = await templatesOfPick(this, itemIndex, client, templatePickOf(this, itemIndex));
	return templates.map(templateItem);
};
