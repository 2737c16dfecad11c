/**
 * Which values a template needs: its placeholders, per component, as Meta defines them (templates
 * overview and Messages API reference):
 * - placeholders are {{1}}, {{2}}... (POSITIONAL, the default) or {{first_name}} (NAMED,
 *   `parameter_format: "NAMED"`, lowercase letters, digits and underscores);
 * - a text HEADER has at most one placeholder; an IMAGE/VIDEO/DOCUMENT header needs a media parameter
 *   at send time, a LOCATION header a location;
 * - a URL button whose link ends in {{1}} needs the suffix, a COPY_CODE button the coupon code and an
 *   authentication OTP button the code, each addressed by the button's position (`index`, from 0).
 */
import { quoteValue } from '../policy/text';
import type { TemplateButton, TemplateComponent, TemplateDefinition } from './definition';

export type ParameterFormat = 'POSITIONAL' | 'NAMED';
export type HeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
export type MediaHeaderType = 'image' | 'video' | 'document';

export interface ButtonPlaceholder {
	/** Position of the button in the template (0-based), Meta's `index` when sending. */
	index: number;
	/** Meta's button type, upper case: URL, COPY_CODE or OTP. */
	type: string;
	/** The button's label, when it has one. */
	text: string | null;
	kind: 'url_suffix' | 'coupon_code' | 'otp_code';
}

export interface TemplatePlaceholders {
	format: ParameterFormat;
	/** `format` is null when the template has no header. */
	header: { format: HeaderFormat | null; placeholders: string[] };
	/** "1", "2"... (sorted) for POSITIONAL; names in order of appearance for NAMED. */
	body: string[];
	buttons: ButtonPlaceholder[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const MEDIA_FORMATS: readonly string[] = ['IMAGE', 'VIDEO', 'DOCUMENT'];

/** The placeholders of a template, per component, with its parameter format (declared or detected). */
export function extractPlaceholders(template: TemplateDefinition): TemplatePlaceholders {
	const header = findComponent(template, 'HEADER');
	const body = findComponent(template, 'BODY');
	const headerFormat = header === undefined ? null : headerFormatOf(header);
	const headerNames = headerFormat === 'TEXT' ? placeholdersIn(header?.text) : [];
	const bodyNames = placeholdersIn(body?.text);
	const format = parameterFormatOf(template, [...headerNames, ...bodyNames]);
	return {
		format,
		header: { format: headerFormat, placeholders: ordered(headerNames, format) },
		body: ordered(bodyNames, format),
		buttons: dynamicButtons(template),
	};
}

/** Positions of the quick-reply buttons, which may carry a payload of the sender's choosing. */
export function quickReplyIndexes(template: TemplateDefinition): number[] {
	return buttonsOf(template).flatMap((button, index) =>
		typeof button?.type === 'string' && button.type.toUpperCase() === 'QUICK_REPLY' ? [index] : [],
	);
}


/** "1", "2"...: a positional placeholder's name, or a button's position. */
export function isPosition(name: string): boolean {
	return /^\d+$/.test(name);
}

export function isMediaHeader(format: string | null): format is 'IMAGE' | 'VIDEO' | 'DOCUMENT' {
	return format !== null && MEDIA_FORMATS.includes(format);
}

export function findComponent(template: TemplateDefinition, type: string): TemplateComponent | undefined {
	const components = Array.isArray(template.components) ? template.components : [];
	return components.find((c) => typeof c?.type === 'string' && c.type.toUpperCase() === type);
}

export function buttonsOf(template: TemplateDefinition): TemplateButton[] {
	const component = findComponent(template, 'BUTTONS');
	return Array.isArray(component?.buttons) ? component.buttons : [];
}

function headerFormatOf(header: TemplateComponent): HeaderFormat | null {
	const format = typeof header.format === 'string' ? header.format.toUpperCase() : '';
	if (format === 'TEXT' || format === 'LOCATION' || isMediaHeader(format)) return format as HeaderFormat;
	// Meta always sends `format`; a header with text and no format is a text header.
	return typeof header.text === 'string' ? 'TEXT' : null;
}

function placeholdersIn(text: string | undefined): string[] {
	if (typeof text !== 'string') return [];
	const names: string[] = [];
	for (const match of text.matchAll(PLACEHOLDER)) {
		if (!names.includes(match[1])) names.push(match[1]);
	}
	return names;
}

function parameterFormatOf(template: TemplateDefinition, names: readonly string[]): ParameterFormat {
	const declared = typeof template.parameter_format === 'string' ? template.parameter_format.toUpperCase() : '';
	if (declared === 'NAMED' || declared === 'POSITIONAL') return declared;
	// Not declared (older API versions, hand-written definitions): names that are not numbers mean NAMED.
	return names.some((name) => !isPosition(name)) ? 'NAMED' : 'POSITIONAL';
}

/** Positional placeholders sorted by number ({{2}} may come before {{1}} in the text); names as they appear. */
function ordered(names: string[], format: ParameterFormat): string[] {
	if (format === 'NAMED') return names;
	return [...names].sort((a, b) => positionalNumber(a) - positionalNumber(b));
}

function positionalNumber(name: string): number {
	return isPosition(name) ? Number(name) : Number.MAX_SAFE_INTEGER;
}

function dynamicButtons(template: TemplateDefinition): ButtonPlaceholder[] {
	const result: ButtonPlaceholder[] = [];
	buttonsOf(template).forEach((button, index) => {
		const type = typeof button?.type === 'string' ? button.type.toUpperCase() : '';
		const text = typeof button?.text === 'string' ? button.text : null;
		if (type === 'URL' && placeholdersIn(button.url).length > 0) {
			result.push({ index, type, text, kind: 'url_suffix' });
		} else if (type === 'COPY_CODE') {
			result.push({ index, type, text, kind: 'coupon_code' });
		} else if (type === 'OTP') {
			result.push({ index, type, text, kind: 'otp_code' });
		}
	});
	return result;
}

/**
 * The text with each {{name}} replaced by its value; placeholders without a value are left as they
 * are and returned in `missing` (in order of appearance, once each).
 */
export function fillPlaceholders(text: string, valueOf: (name: string) => string | undefined): { text: string; missing: string[] } {
	const missing: string[] = [];
	const filled = text.replace(PLACEHOLDER, (whole: string, name: string) => {
		const value = valueOf(name);
		if (value !== undefined) return value;
		if (!missing.includes(name)) missing.push(name);
		return whole;
	});
	return { text: filled, missing };
}

/** Every {{...}} in a text as written, well-formed or not: what a template author typed. */
export function bracedTokens(text: string): string[] {
	return [...text.matchAll(/\{\{([^{}]*)\}\}/g)].map((match) => match[1]);
}

/** 'Button 1 "Track order": link suffix': how fields and errors name a dynamic button. */
export function buttonLabel(placeholder: ButtonPlaceholder): string {
	const name = placeholder.text === null ? `Button ${placeholder.index + 1}` : `Button ${placeholder.index + 1} ${quoteValue(placeholder.text)}`;
	const what = { url_suffix: 'link suffix', coupon_code: 'coupon code', otp_code: 'one-time code' }[placeholder.kind];
	return `${name}: ${what}`;
}
