import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import {
	describeTemplateFields,
	extractPlaceholders,
	languageKey,
	parseTemplateReference,
	type CloudApiClient,
	type TemplateDefinition,
} from '../../../core';
import type { WhatsAppCredential } from '../../shared/credentials';

/** What every operation implements: one input item in, its output items' JSON out. */
export type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	client: CloudApiClient,
	credential: WhatsAppCredential,
) => Promise<IDataObject[]>;

/** The template picker of Get, Delete and Preview: any status, so pending and paused ones can be read too. */
export const templateProperty: INodeProperties = {
	displayName: 'Template',
	name: 'template',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'A message template of the WhatsApp Business Account, in one of its languages',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchAllTemplates', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'order_update',
			hint: 'The template name; add the language with "|" (order_update|en_US) or in the Language field',
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: '1387372356726668',
			validation: [{ type: 'regex', properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'A template ID is a number' } }],
		},
	],
};

export const languageProperty: INodeProperties = {
	displayName: 'Language',
	name: 'language',
	type: 'string',
	default: '',
	placeholder: 'en_US',
	description: 'The language code of the template version (en_US, es, pt_BR...); empty means every language of the name',
	displayOptions: { show: { '/template.mode': ['name'] } },
};

export type TemplatePick = { kind: 'id'; id: string } | { kind: 'name'; name: string; language: string };

export function templatePickOf(context: IExecuteFunctions, itemIndex: number): TemplatePick {
	const locator = context.getNodeParameter('template', itemIndex) as { mode?: string; value?: unknown };
	const value = String(locator?.value ?? '').trim();
	if (value === '') {
		throw new NodeOperationError(context.getNode(), 'No template was chosen', {
			itemIndex,
			description: 'Pick the template from the list, or give its name (order_update|en_US) or its ID',
		});
	}
	if (locator.mode === 'id') return { kind: 'id', id: value };
	const reference = parseTemplateReference(value, context.getNodeParameter('language', itemIndex, ''));
	return { kind: 'name', name: reference.name, language: reference.language };
}

/**
 * The versions of a template the pick means: by id one, by name every language unless a language is
 * given. Names and languages compare as the send check compares them (case and separator aside).
 */
export async function templatesOfPick(context: IExecuteFunctions, itemIndex: number, client: CloudApiClient, pick: TemplatePick): Promise<TemplateDefinition[]> {
	if (pick.kind === 'id') return [await client.getTemplate(pick.id)];
	const wanted = pick.name.toLowerCase();
	const found = (await client.listAllTemplates({ name: pick.name })).filter(
		(template) => template.name.toLowerCase() === wanted && (pick.language === '' || languageKey(template.language) === languageKey(pick.language)),
	);
	if (found.length === 0) {
		const which = pick.language === '' ? `"${pick.name}"` : `"${pick.name}" in ${pick.language}`;
		throw new NodeOperationError(context.getNode(), `No template ${which} exists in this WhatsApp Business Account`, {
			itemIndex,
			description: 'Pick the template from the list, or check its name and language in WhatsApp Manager > Message templates',
		});
	}
	return found;
}

/** A template as the node outputs it: Meta's fields in camelCase, its variables as Send Template keys them, its components as Meta gives them. */
export function templateItem(template: TemplateDefinition): IDataObject {
	return {
		id: template.id ?? null,
		name: template.name,
		language: template.language,
		status: template.status,
		category: template.category,
		previousCategory: template.previous_category ?? null,
		parameterFormat: extractPlaceholders(template).format,
		variables: describeTemplateFields(template).map((field) => field.key),
		components: template.components as unknown as IDataObject[],
	};
}
