import { NodeOperationError, updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { templateCatalog } from '../../shared/core-access';
import { languageProperty, templatePickOf, templateProperty, templatesOfPick, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	{ ...templateProperty, description: 'The template to delete; Meta refuses to delete a disabled template' },
	languageProperty,
	{
		displayName: 'All Languages',
		name: 'allLanguages',
		type: 'boolean',
		default: false,
		description:
			'Whether to delete the template in every language (by name); otherwise only the picked language version is deleted (by its ID). A deleted approved name cannot be used again for 30 days.',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['delete'] } }, properties);

export const execute: OperationExecute = async function (itemIndex, client, credential) {
	const pick = templatePickOf(this, itemIndex);
	const allLanguages = this.getNodeParameter('allLanguages', itemIndex, false) as boolean;
	if (allLanguages) {
		// By name Meta deletes every language; an ID pick is read first for its name.
		const name = pick.kind === 'name' ? pick.name : (await templatesOfPick(this, itemIndex, client, pick))[0].name;
		await client.deleteTemplate({ name });
		templateCatalog(this, credential).invalidate();
		return [{ deleted: true, name, allLanguages: true, templateId: null, language: null }];
	}
	if (pick.kind === 'name' && pick.language === '') {
		throw new NodeOperationError(this.getNode(), `Which language of "${pick.name}" should be deleted?`, {
			itemIndex,
			description: 'Give the language (order_update|en_US or the Language field), or turn on All Languages to delete every language of the name',
		});
	}
	const [template] = await templatesOfPick(this, itemIndex, client, pick);
	if (template.id === undefined) {
		// Without the ID Meta would delete every language of the name.
		throw new NodeOperationError(this.getNode(), `Meta did not report the ID of "${template.name}" (${template.language})`, {
			itemIndex,
			description: 'Turn on All Languages to delete the template by name, or delete the version in WhatsApp Manager',
		});
	}
	await client.deleteTemplate({ name: template.name, templateId: template.id });
	// The pickers and sends read the cached list; the deleted version must leave it now.
	templateCatalog(this, credential).invalidate();
	return [{ deleted: true, name: template.name, allLanguages: false, templateId: template.id ?? null, language: template.language }];
};
