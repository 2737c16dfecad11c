/**
 * A template as the customer would read it with given values: header, body and footer text with
 * the variables filled in, the buttons with their links and codes. Values are keyed as
 * describeTemplateFields keys them ("header.1", "body.first_name", "button.0", "header.media").
 */
import { PolicyError } from '../errors';
import { listInSentence, quoteValue } from '../policy/text';
import type { TemplateDefinition } from './definition';
import type { TemplateVariableValues } from './input-mapping';
import { buttonLabel, buttonsOf, extractPlaceholders, fillPlaceholders, findComponent } from './placeholders';

export interface TemplatePreviewButton {
	/** Meta's button type: QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP… */
	type: string;
	text: string | null;
	/** URL buttons: the link with its variable filled in. */
	url?: string;
	phoneNumber?: string;
	/** Copy-code and one-time-password buttons: the code they carry. */
	code?: string;
}

export interface TemplatePreview {
	name: string;
	language: string;
	category: string;
	status: string;
	header: { format: string; text: string | null; media: string | null } | null;
	body: string;
	footer: string | null;
	buttons: TemplatePreviewButton[];
	/** Header, body and footer as one text, the way the message reads (media shown as [image] etc.). */
	text: string;
}

function valueOf(values: TemplateVariableValues, key: string): string | undefined {
	const value = values[key];
	if (value === undefined || value === null) return undefined;
	const text = String(value);
	return text.trim() === '' ? undefined : text;
}

/** Throws PolicyError TEMPLATE_PARAMETERS_MISMATCH naming every value the text needs and lacks. */
export function renderTemplatePreview(template: TemplateDefinition, values: TemplateVariableValues): TemplatePreview {
	const placeholders = extractPlaceholders(template);
	const missing: string[] = [];
	const fill = (text: string | undefined, component: 'header' | 'body'): string => {
		const result = fillPlaceholders(text ?? '', (name) => valueOf(values, `${component}.${name}`));
		missing.push(...result.missing.map((name) => `${component === 'header' ? 'Header' : 'Body'} {{${name}}}`));
		return result.text;
	};

	const headerComponent = findComponent(template, 'HEADER');
	let header: TemplatePreview['header'] = null;
	if (placeholders.header.format === 'TEXT') {
		header = { format: 'TEXT', text: fill(headerComponent?.text, 'header'), media: null };
	} else if (placeholders.header.format !== null) {
		header = { format: placeholders.header.format, text: null, media: valueOf(values, 'header.media') ?? null };
	}
	const body = fill(findComponent(template, 'BODY')?.text, 'body');
	const footerText = findComponent(template, 'FOOTER')?.text;
	const footer = typeof footerText === 'string' ? footerText : null;

	const dynamic = new Map(placeholders.buttons.map((button) => [button.index, button]));
	const buttons = buttonsOf(template).map((button, index): TemplatePreviewButton => {
		const type = typeof button.type === 'string' ? button.type.toUpperCase() : '';
		const preview: TemplatePreviewButton = { type, text: typeof button.text === 'string' ? button.text : null };
		const placeholder = dynamic.get(index);
		const value = valueOf(values, `button.${index}`);
		if (placeholder !== undefined && value === undefined) missing.push(buttonLabel(placeholder));
		if (type === 'URL' && typeof button.url === 'string') {
			preview.url = placeholder === undefined || value === undefined ? button.url : fillPlaceholders(button.url, () => value).text;
		}
		if (type === 'PHONE_NUMBER' && typeof button.phone_number === 'string') preview.phoneNumber = button.phone_number;
		if ((type === 'COPY_CODE' || type === 'OTP') && value !== undefined) preview.code = value;
		return preview;
	});

	if (missing.length > 0) {
		throw new PolicyError(
			'TEMPLATE_PARAMETERS_MISMATCH',
			`The preview of ${quoteValue(template.name, 80)} needs a value for ${listInSentence(missing)}.`,
			'Fill in every variable of the template (the same fields Send Template asks for).',
			{ name: template.name, language: template.language, missing },
		);
	}

	const headerLine = header === null ? null : header.text ?? `[${header.format.toLowerCase()}${header.media ? `: ${header.media}` : ''}]`;
	const text = [headerLine, body, footer].filter((part): part is string => part !== null && part !== '').join('\n\n');
	return {
		name: template.name,
		language: template.language,
		category: template.category,
		status: template.status,
		header,
		body,
		footer,
		buttons,
		text,
	};
}
