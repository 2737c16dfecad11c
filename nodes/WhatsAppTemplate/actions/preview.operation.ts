import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { parseTemplateReference, renderTemplatePreview, resolveTemplate, type TemplateDefinition } from '../../../core';
import { templateCatalog } from '../../shared/core-access';
import { templateVariablesProperty, templateVariableValues } from '../../shared/template-variables';
import { languageProperty, templatePickOf, templateProperty, templatesOfPick, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	{ ...templateProperty, description: 'The template to render; any status, so a pending one can be checked before approval' },
	languageProperty,
	// The same mapper Send Template shows, so a preview takes exactly a send's values.
	{ ...templateVariablesProperty, description: 'The values to fill in, as Send Template takes them' },
];

export const description = updateDisplayOptions({ show: { operation: ['preview'] } }, properties);

export const execute: OperationExecute = async function (itemIndex, client, credential) {
	const pick = templatePickOf(this, itemIndex);
	let template: TemplateDefinition;
	if (pick.kind === 'id') {
		[template] = await templatesOfPick(this, itemIndex, client, pick);
	} else {
		// The catalog the mapper's fields came from, resolved the way a send resolves it.
		const resolved = resolveTemplate(await templateCatalog(this, credential).all(), parseTemplateReference(pick.name, pick.language));
		template = resolved.template ?? (await templatesOfPick(this, itemIndex, client, pick))[0];
	}
	return [{ ...renderTemplatePreview(template, templateVariableValues(this, itemIndex)) }];
};
