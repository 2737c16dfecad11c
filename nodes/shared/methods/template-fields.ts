import type { ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import {
	describeTemplateFields,
	HEADER_FILENAME_KEY,
	HEADER_LOCATION_KEYS,
	HEADER_MEDIA_KEY,
	parseTemplateReference,
	resolveTemplate,
	type TemplateDefinition,
	type TemplateField,
} from '../../../core';
import { templateCatalog, whatsAppCredential } from '../core-access';

function field(id: string, displayName: string, options: { required?: boolean; type?: 'string' | 'number' } = {}): ResourceMapperField {
	return {
		id,
		displayName,
		required: options.required ?? true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: options.type ?? 'string',
	};
}

/**
 * Meta's example is shown in the label, not pre-filled: a pre-filled example would be sent to real
 * customers as soon as someone forgot to map the field.
 */
function withExample(label: string, example: string | null): string {
	if (example === null || example.trim() === '') return label;
	const shown = example.length > 40 ? `${example.slice(0, 39)}…` : example;
	return `${label} (e.g. ${shown})`;
}

function fieldsFor(templateField: TemplateField): ResourceMapperField[] {
	switch (templateField.type) {
		case 'image':
		case 'video':
		case 'document': {
			const media = field(HEADER_MEDIA_KEY, `Header ${templateField.type}: https link or uploaded media ID`);
			if (templateField.type !== 'document') return [media];
			return [media, field(HEADER_FILENAME_KEY, 'Header document: file name shown (optional)', { required: false })];
		}
		case 'location':
			return [
				field(HEADER_LOCATION_KEYS.latitude, 'Header location: latitude', { type: 'number' }),
				field(HEADER_LOCATION_KEYS.longitude, 'Header location: longitude', { type: 'number' }),
				field(HEADER_LOCATION_KEYS.name, 'Header location: name (optional)', { required: false }),
				field(HEADER_LOCATION_KEYS.address, 'Header location: address (optional)', { required: false }),
			];
		default:
			return [field(templateField.key, withExample(templateField.label, templateField.example), { required: templateField.required })];
	}
}

/** One mapper field per value the template needs, in the order they appear in the message. */
export function templateMapperFields(template: TemplateDefinition): ResourceMapperField[] {
	return describeTemplateFields(template).flatMap(fieldsFor);
}

/** The variables of the template picked in the node: `{{1}}`, `{{first_name}}`, header media, dynamic buttons. */
export async function getTemplateFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const picked = this.getNodeParameter('template', '', { extractValue: true });
	const language = this.getNodeParameter('language', '');
	const reference = parseTemplateReference(picked, language);
	if (reference.name === '') return { fields: [], emptyFieldsNotice: 'Choose a template first' };

	const credential = await whatsAppCredential(this);
	const templates = await templateCatalog(this, credential).all();
	// The Template node's picker also takes a template ID; a name made of digits only still wins.
	const byId = /^\d+$/.test(reference.name) && !templates.some((t) => t.name === reference.name) ? templates.find((t) => t.id === reference.name) : undefined;
	const template = byId ?? resolveTemplate(templates, reference).template;
	if (template === undefined) {
		const name = reference.name.toLowerCase();
		const languages = templates.filter((t) => t.name.toLowerCase() === name).map((t) => t.language);
		return {
			fields: [],
			emptyFieldsNotice:
				languages.length === 0
					? `No template named "${reference.name}" was found in this WhatsApp Business Account`
					: `"${reference.name}" exists in ${languages.join(', ')}: choose one of these languages`,
		};
	}
	const fields = templateMapperFields(template);
	return fields.length === 0 ? { fields, emptyFieldsNotice: 'This template has no variables: nothing to fill in' } : { fields };
}
