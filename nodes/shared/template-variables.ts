import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { TemplateVariableValues } from '../../core';

/**
 * The Template Variables mapper's values, expressions resolved and checked against its schema by n8n.
 * A template without variables stores `value: null`, which n8n's check cannot read, so that case is
 * answered here. Send Template and the Template node's Preview read the same mapper.
 */
export function templateVariableValues(context: IExecuteFunctions, itemIndex: number): TemplateVariableValues {
	const stored = context.getNode().parameters.variables as { value?: unknown } | undefined;
	if (stored?.value === null || typeof stored?.value !== 'object') return {};
	return (context.getNodeParameter('variables.value', itemIndex, {}) as TemplateVariableValues | null) ?? {};
}

/**
 * The Template Variables mapper: one field per placeholder of the template picked in the `template`
 * locator (and `language`), from getTemplateFields.
 */
export const templateVariablesProperty: INodeProperties = {
	displayName: 'Template Variables',
	name: 'variables',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	description: "One value per placeholder of the template, plus its header media and dynamic buttons' values",
	typeOptions: {
		loadOptionsDependsOn: ['template.value', 'language'],
		resourceMapper: {
			resourceMapperMethod: 'getTemplateFields',
			mode: 'add',
			fieldWords: { singular: 'variable', plural: 'variables' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: false,
			noFieldsError: 'This template has no variables: nothing to fill in',
		},
	},
};
