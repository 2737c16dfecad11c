/**
 * The fields a form asks for to send a template (the Send Template node's resource mapper): one per
 * placeholder, media or location header, dynamic button and optional quick-reply payload, with the
 * example Meta stored with the template.
 */
import type { TemplateButton, TemplateDefinition } from './definition';
import {
	buttonLabel,
	buttonsOf,
	extractPlaceholders,
	findComponent,
	isPosition,
	quickReplyIndexes,
	type ButtonPlaceholder,
	type MediaHeaderType,
	type ParameterFormat,
	type TemplatePlaceholders,
} from './placeholders';

export type TemplateFieldType =
	| 'text'
	| 'image'
	| 'video'
	| 'document'
	| 'location'
	| 'url_suffix'
	| 'coupon_code'
	| 'otp_code'
	| 'quick_reply_payload';

/** One value a form must ask for to send a template. */
export interface TemplateField {
	/** Stable key: "header.1", "header.first_name", "header.media", "header.location", "body.1", "body.first_name", "button.0". */
	key: string;
	component: 'header' | 'body' | 'button';
	/** "1" or "first_name"; null for media, location and button values. */
	placeholder: string | null;
	type: TemplateFieldType;
	/** Human label, e.g. 'Body {{first_name}}' or 'Button 1 "See deals": link suffix'. */
	label: string;
	/** False only for quick-reply payloads: without one, WhatsApp sends back the button's text. */
	required: boolean;
	/** The example Meta stored with the template, when there is one. */
	example: string | null;
	/** Buttons only: the button's position (0-based). */
	buttonIndex?: number;
}

/** The fields a form should ask for, in the order they appear in the message. */
export function describeTemplateFields(template: TemplateDefinition): TemplateField[] {
	const placeholders = extractPlaceholders(template);
	return [...headerFields(template, placeholders), ...bodyFields(template, placeholders), ...buttonFields(template, placeholders)];
}

function headerFields(template: TemplateDefinition, placeholders: TemplatePlaceholders): TemplateField[] {
	const header = findComponent(template, 'HEADER');
	const headerFormat = placeholders.header.format;
	if (headerFormat === 'TEXT') {
		return textFields('header', placeholders.header.placeholders, textExamples(header?.example, 'header'), placeholders.format);
	}
	if (headerFormat === 'LOCATION') {
		return [{ key: 'header.location', component: 'header', placeholder: null, type: 'location', label: 'Header location', required: true, example: null }];
	}
	if (headerFormat === null) return [];
	const type = headerFormat.toLowerCase() as MediaHeaderType;
	return [
		{
			key: 'header.media',
			component: 'header',
			placeholder: null,
			type,
			label: `Header ${type}`,
			required: true,
			example: firstString(header?.example?.['header_handle']),
		},
	];
}

function bodyFields(template: TemplateDefinition, placeholders: TemplatePlaceholders): TemplateField[] {
	return textFields('body', placeholders.body, textExamples(findComponent(template, 'BODY')?.example, 'body'), placeholders.format);
}

function textFields(component: 'header' | 'body', names: readonly string[], examples: Examples, format: ParameterFormat): TemplateField[] {
	const label = component === 'header' ? 'Header' : 'Body';
	return names.map((name, position) => ({
		key: `${component}.${name}`,
		component,
		placeholder: name,
		type: 'text',
		label: `${label} {{${name}}}`,
		required: true,
		example: exampleFor(examples, name, position, format),
	}));
}

/** The dynamic buttons' values first, then the optional quick-reply payloads. */
function buttonFields(template: TemplateDefinition, placeholders: TemplatePlaceholders): TemplateField[] {
	const buttons = buttonsOf(template);
	const dynamic = placeholders.buttons.map((placeholder): TemplateField => {
		const button = buttons[placeholder.index];
		return {
			key: `button.${placeholder.index}`,
			component: 'button',
			placeholder: null,
			type: placeholder.kind,
			label: buttonLabel(placeholder),
			required: true,
			example: button === undefined ? null : buttonExample(button, placeholder.kind),
			buttonIndex: placeholder.index,
		};
	});
	const quickReplies = quickReplyIndexes(template).map((index): TemplateField => {
		const text = buttons[index]?.text;
		return {
			key: `button.${index}`,
			component: 'button',
			placeholder: null,
			type: 'quick_reply_payload',
			label: `Button ${index + 1}${text ? ` "${text}"` : ''}: payload sent back when tapped (optional)`,
			required: false,
			example: null,
			buttonIndex: index,
		};
	});
	return [...dynamic, ...quickReplies];
}

// Examples stored with the template

type Examples = { byName: Map<string, string>; byPosition: (string | null)[] };

function textExamples(example: Record<string, unknown> | undefined, component: 'header' | 'body'): Examples {
	const byName = new Map<string, string>();
	let byPosition: (string | null)[] = [];
	if (example === undefined || example === null || typeof example !== 'object') return { byName, byPosition };
	const named = example[`${component}_text_named_params`];
	if (Array.isArray(named)) {
		for (const entry of named) {
			if (isRecord(entry) && typeof entry['param_name'] === 'string' && typeof entry['example'] === 'string') {
				byName.set(entry['param_name'], entry['example']);
			}
		}
	}
	const positional = example[`${component}_text`];
	// Meta nests body examples one level deeper than header examples: [["a", "b"]] vs ["a"].
	const list = component === 'body' && Array.isArray(positional) && Array.isArray(positional[0]) ? positional[0] : positional;
	if (Array.isArray(list)) byPosition = list.map((value: unknown) => (typeof value === 'string' ? value : null));
	return { byName, byPosition };
}

function exampleFor(examples: Examples, name: string, position: number, format: ParameterFormat): string | null {
	if (format === 'NAMED') return examples.byName.get(name) ?? examples.byPosition[position] ?? null;
	const index = isPosition(name) ? Number(name) - 1 : position;
	return examples.byPosition[index] ?? null;
}

function buttonExample(button: TemplateButton, kind: ButtonPlaceholder['kind']): string | null {
	const example = firstString(button.example);
	if (example === null || kind !== 'url_suffix' || typeof button.url !== 'string') return example;
	// Meta stores the whole example URL; the form asks only for the part replacing {{1}}.
	const prefix = button.url.split('{{')[0];
	return prefix !== '' && example.startsWith(prefix) ? example.slice(prefix.length) : example;
}

function firstString(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
	return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
