/**
 * The checks before a template send: the template exists in that language and is approved (find.ts),
 * and the request gives exactly the values its placeholders need, as Meta would judge them:
 * text values may not be empty, nor contain line breaks, tabs or more than 4 spaces in a row
 * (Meta error 132018); a header value has at most 60 characters, a body value at most 1024 (32768 when
 * the template has nothing but a body).
 */
import { PolicyError } from '../errors';
import { countCharacters, formatCount, listInSentence, quoteValue } from '../policy/text';
import type { TemplateDefinition } from './definition';
import { describeTemplateFields } from './fields';
import { findApprovedTemplate } from './find';
import {
	buttonLabel,
	extractPlaceholders,
	isMediaHeader,
	isPosition,
	quickReplyIndexes,
	type ButtonPlaceholder,
	type HeaderFormat,
	type ParameterFormat,
} from './placeholders';
import type { TemplateButtonInput, TemplateHeaderInput, TemplateSendRequest } from './request';

export const TEMPLATE_HEADER_PARAMETER_MAX_LENGTH = 60;
export const TEMPLATE_BODY_PARAMETER_MAX_LENGTH = 1024;
/** When the body is the template's only component. */
export const TEMPLATE_BODY_ONLY_PARAMETER_MAX_LENGTH = 32768;

/**
 * Checks a send request against the account's templates and returns the template to send (use its
 * `name` and `language`, which may differ in case or separator from the request's). Throws, in this
 * order: TEMPLATE_NOT_FOUND (with close names), TEMPLATE_LANGUAGE_UNAVAILABLE (with the languages it
 * has), TEMPLATE_NOT_APPROVED (with its status), TEMPLATE_PARAMETERS_MISMATCH (every missing, empty,
 * extra or malformed value named), TEXT_TOO_LONG (a value over Meta's length limit).
 */
export function assertTemplateSendable(
	templates: readonly TemplateDefinition[] | TemplateDefinition | undefined,
	request: TemplateSendRequest,
): TemplateDefinition {
	const template = findApprovedTemplate(templates, request.name, request.languageCode);
	checkParameters(template, request);
	return template;
}

/** Values for a component: a list for {{1}}, {{2}}... or an object by placeholder ("1" or "first_name"). */
type TemplateParameterValues = readonly string[] | Readonly<Record<string, string>>;

type MediaHeaderInput = Extract<TemplateHeaderInput, { type: 'image' | 'video' | 'document' }>;
type LocationHeaderInput = Extract<TemplateHeaderInput, { type: 'location' }>;

/**
 * A text header's value: by its parameter name ({{order_id}}) when it has one, as Meta reads it in a
 * named template; otherwise a list of one ({{1}}), which a named template refuses.
 */
function headerTextValues(header: TemplateHeaderInput | undefined): TemplateParameterValues | undefined {
	if (header?.type !== 'text') return undefined;
	return header.parameterName === undefined ? [header.text] : { [header.parameterName]: header.text };
}

function bodyTextValues(body: TemplateSendRequest['body']): TemplateParameterValues | undefined {
	return Array.isArray(body) ? body.map((value) => (typeof value === 'string' ? value : value.text)) : body;
}

function mediaHeaderOf(header: TemplateHeaderInput | undefined): MediaHeaderInput | undefined {
	return header && (header.type === 'image' || header.type === 'video' || header.type === 'document') ? header : undefined;
}

function locationHeaderOf(header: TemplateHeaderInput | undefined): LocationHeaderInput | undefined {
	return header?.type === 'location' ? header : undefined;
}

/** Each button's value by its position (a later button at the same position wins). */
function buttonValuesByPosition(buttons: readonly TemplateButtonInput[] | undefined): Readonly<Record<string, string>> | undefined {
	if (buttons === undefined) return undefined;
	const values: Record<string, string> = {};
	for (const button of buttons) {
		values[String(button.index)] =
			button.subType === 'quick_reply' ? button.payload : button.subType === 'url' ? button.text : button.couponCode;
	}
	return values;
}

interface Problems {
	messages: string[];
	missing: string[];
	empty: string[];
	extra: string[];
	invalid: string[];
}

function checkParameters(template: TemplateDefinition, request: TemplateSendRequest): void {
	const placeholders = extractPlaceholders(template);
	const problems: Problems = { messages: [], missing: [], empty: [], extra: [], invalid: [] };
	const tooLong: { key: string; length: number; max: number }[] = [];
	const components = Array.isArray(template.components) ? template.components : [];
	const bodyOnly = components.length === 1;

	// Header
	const headerFormat = placeholders.header.format;
	const headerText = headerTextValues(request.header);
	if (headerFormat === 'TEXT' || headerFormat === null) {
		checkTextValues('header', placeholders.header.placeholders, headerText, placeholders.format, problems, tooLong, TEMPLATE_HEADER_PARAMETER_MAX_LENGTH);
	} else if (headerText !== undefined) {
		problems.extra.push('header');
		problems.messages.push(`The template has a ${headerFormat.toLowerCase()} header, which takes no text values, but header text values were given.`);
	}
	checkHeaderMedia(headerFormat, mediaHeaderOf(request.header), problems);
	checkHeaderLocation(headerFormat, locationHeaderOf(request.header), problems);

	// Body
	const bodyMax = bodyOnly ? TEMPLATE_BODY_ONLY_PARAMETER_MAX_LENGTH : TEMPLATE_BODY_PARAMETER_MAX_LENGTH;
	checkTextValues('body', placeholders.body, bodyTextValues(request.body), placeholders.format, problems, tooLong, bodyMax);

	// Buttons
	checkButtonValues(placeholders.buttons, new Set(quickReplyIndexes(template)), buttonValuesByPosition(request.buttons), problems);

	if (problems.messages.length > 0) {
		const shown = problems.messages.slice(0, 3).join(' ');
		const more = problems.messages.length > 3 ? ` …and ${problems.messages.length - 3} more.` : '';
		const expected = describeTemplateFields(template).filter((f) => f.required).map((f) => f.label);
		throw new PolicyError(
			'TEMPLATE_PARAMETERS_MISMATCH',
			`The values do not match the template ${quoteValue(template.name, 80)}: ${shown}${more}`,
			expected.length === 0
				? 'This template takes no values; remove the ones given.'
				: `Give exactly one non-empty value for each of: ${listInSentence(expected)}.`,
			{
				name: template.name,
				language: template.language,
				parameterFormat: placeholders.format,
				missing: problems.missing,
				empty: problems.empty,
				extra: problems.extra,
				invalid: problems.invalid,
				problems: problems.messages,
			},
		);
	}
	if (tooLong.length > 0) {
		const first = tooLong[0];
		throw new PolicyError(
			'TEXT_TOO_LONG',
			`The value for ${placeholderLabel(first.key)} is ${formatCount(first.length)} characters long; WhatsApp allows at most ${formatCount(first.max)}.`,
			'Shorten the value; long content fits better in a free-form message once the customer replies.',
			{ field: first.key, length: first.length, max: first.max, all: tooLong },
		);
	}
}

/** "body.first_name" → "body placeholder {{first_name}}". */
function placeholderLabel(key: string): string {
	const [component, name] = key.split('.');
	return `${component} placeholder {{${name}}}`;
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function braces(names: readonly string[]): string {
	return listInSentence(names.map((n) => `{{${n}}}`));
}

function checkTextValues(
	component: 'header' | 'body',
	placeholders: readonly string[],
	values: TemplateParameterValues | undefined,
	format: ParameterFormat,
	problems: Problems,
	tooLong: { key: string; length: number; max: number }[],
	maxLength: number,
): void {
	const Component = capitalize(component);
	const given = valuesByPlaceholder(values);
	if (format === 'NAMED' && Array.isArray(values) && values.length > 0 && placeholders.length > 0) {
		problems.invalid.push(component);
		// A text header's one value is never literally a list: what it lacks is its placeholder's name.
		problems.messages.push(
			component === 'header'
				? `The header value was given without its placeholder's name, but this template uses named placeholders; give it as ${braces(placeholders)}.`
				: `The body values were given as a list, but this template uses named placeholders (${braces(placeholders)}); give them by name.`,
		);
		return;
	}

	const missing: string[] = [];
	const empty: string[] = [];
	for (const name of placeholders) {
		const value = given.get(name);
		if (value === undefined) {
			missing.push(name);
		} else if (value.trim() === '') {
			empty.push(name);
		} else {
			if (/[\n\r\t]/.test(value)) {
				problems.invalid.push(`${component}.${name}`);
				problems.messages.push(`${Component} placeholder {{${name}}} contains a line break or tab, which WhatsApp does not allow in template values.`);
			} else if (/ {5,}/.test(value)) {
				problems.invalid.push(`${component}.${name}`);
				problems.messages.push(`${Component} placeholder {{${name}}} contains more than 4 spaces in a row, which WhatsApp does not allow in template values.`);
			}
			const length = countCharacters(value);
			if (length > maxLength) tooLong.push({ key: `${component}.${name}`, length, max: maxLength });
		}
	}
	if (missing.length > 0) {
		problems.missing.push(...missing.map((n) => `${component}.${n}`));
		problems.messages.push(
			missing.length === 1
				? `${Component} placeholder {{${missing[0]}}} has no value.`
				: `${Component} placeholders ${braces(missing)} have no value.`,
		);
	}
	if (empty.length > 0) {
		problems.empty.push(...empty.map((n) => `${component}.${n}`));
		problems.messages.push(
			empty.length === 1
				? `${Component} placeholder {{${empty[0]}}} is empty; WhatsApp rejects empty values.`
				: `${Component} placeholders ${braces(empty)} are empty; WhatsApp rejects empty values.`,
		);
	}

	const extra = [...given.keys()].filter((key) => !placeholders.includes(key));
	if (extra.length > 0) {
		problems.extra.push(...extra.map((n) => `${component}.${n}`));
		if (placeholders.length === 0) {
			problems.messages.push(`The template's ${component} has no placeholders, but ${extra.length === 1 ? '1 value was' : `${extra.length} values were`} given.`);
		} else if (Array.isArray(values)) {
			problems.messages.push(
				`The ${component} got ${formatCount(values.length)} values, but the template has ${placeholders.length === 1 ? '1 placeholder' : `${placeholders.length} placeholders`} (${braces(placeholders)}).`,
			);
		} else {
			problems.messages.push(
				`${Component} ${extra.length === 1 ? 'value' : 'values'} ${listInSentence(extra.map((e) => quoteValue(e)))} ${extra.length === 1 ? 'matches' : 'match'} no placeholder; the template's ${component} placeholders are ${braces(placeholders)}.`,
			);
		}
	}
}

/**
 * Values by placeholder: a list fills {{1}}, {{2}}... in order; an object is read by key, with "{{1}}"
 * accepted for "1". Numbers are taken as text; null and undefined mean "no value".
 */
function valuesByPlaceholder(values: TemplateParameterValues | undefined): Map<string, string> {
	const result = new Map<string, string>();
	if (values === undefined || values === null) return result;
	const entries: [string, unknown][] = Array.isArray(values)
		? values.map((value, index) => [String(index + 1), value])
		: Object.entries(values);
	for (const [key, value] of entries) {
		const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
		if (text === undefined) continue;
		result.set(key.trim().replace(/^\{\{\s*|\s*\}\}$/g, ''), text);
	}
	return result;
}

function checkHeaderMedia(format: HeaderFormat | null, media: MediaHeaderInput | undefined, problems: Problems): void {
	if (!isMediaHeader(format)) {
		if (media !== undefined && media !== null) {
			problems.extra.push('header.media');
			problems.messages.push(`A header ${String(media.type)} was given, but the template has no media header.`);
		}
		return;
	}
	const expected = format.toLowerCase();
	if (media === undefined || media === null) {
		problems.missing.push('header.media');
		problems.messages.push(`The template has a${expected === 'image' ? 'n' : ''} ${expected} header; give the ${expected} (an uploaded media id or an https link).`);
		return;
	}
	if (String(media.type).toLowerCase() !== expected) {
		problems.invalid.push('header.media');
		problems.messages.push(`The template's header is a${expected === 'image' ? 'n' : ''} ${expected}, but a ${String(media.type)} was given.`);
		return;
	}
	const id = typeof media.id === 'string' ? media.id.trim() : '';
	const link = typeof media.link === 'string' ? media.link.trim() : '';
	if (id === '' && link === '') {
		problems.empty.push('header.media');
		problems.messages.push(`The header ${expected} has neither a media id nor a link.`);
	}
}

function checkHeaderLocation(format: HeaderFormat | null, location: LocationHeaderInput | undefined, problems: Problems): void {
	if (format !== 'LOCATION') {
		if (location !== undefined && location !== null) {
			problems.extra.push('header.location');
			problems.messages.push('A header location was given, but the template has no location header.');
		}
		return;
	}
	if (location === undefined || location === null) {
		problems.missing.push('header.location');
		problems.messages.push('The template has a location header; give its latitude and longitude.');
		return;
	}
	const { latitude, longitude } = location;
	const valid =
		typeof latitude === 'number' && Number.isFinite(latitude) && Math.abs(latitude) <= 90 &&
		typeof longitude === 'number' && Number.isFinite(longitude) && Math.abs(longitude) <= 180;
	if (!valid) {
		problems.invalid.push('header.location');
		problems.messages.push('The header location needs a latitude between -90 and 90 and a longitude between -180 and 180.');
	}
}

function checkButtonValues(
	buttons: readonly ButtonPlaceholder[],
	quickReplies: ReadonlySet<number>,
	values: Readonly<Record<string, string>> | undefined,
	problems: Problems,
): void {
	const given = new Map<number, string>();
	const badKeys: string[] = [];
	if (values !== undefined && values !== null) {
		for (const [key, value] of Object.entries(values) as [string, unknown][]) {
			if (value === undefined || value === null) continue;
			const index = isPosition(key.trim()) ? Number(key.trim()) : Number.NaN;
			if (Number.isNaN(index)) {
				badKeys.push(key);
				continue;
			}
			given.set(index, typeof value === 'string' ? value : String(value));
		}
	}
	for (const button of buttons) {
		const value = given.get(button.index);
		const label = buttonLabel(button);
		if (value === undefined) {
			problems.missing.push(`button.${button.index}`);
			problems.messages.push(`${label} has no value.`);
		} else if (value.trim() === '') {
			problems.empty.push(`button.${button.index}`);
			problems.messages.push(`${label} is empty; WhatsApp rejects empty values.`);
		}
	}
	const dynamic = new Set(buttons.map((b) => b.index));
	const extra = [...given.keys()].filter((index) => !dynamic.has(index) && !quickReplies.has(index));
	for (const index of extra) {
		problems.extra.push(`button.${index}`);
		problems.messages.push(`A value was given for button ${index + 1}, but that button takes no value.`);
	}
	if (badKeys.length > 0) {
		problems.extra.push(...badKeys.map((k) => `button.${k}`));
		problems.messages.push(`Button values must be keyed by the button's position (0 for the first button); ${listInSentence(badKeys.map((k) => quoteValue(k)))} is not a position.`);
	}
}
