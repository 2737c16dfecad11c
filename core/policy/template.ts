/**
 * Message templates: which values a template needs (its placeholders), whether a send request gives
 * exactly those, and the list of fields a form should ask for.
 *
 * Meta's rules this follows (templates overview and Messages API reference):
 * - placeholders are {{1}}, {{2}}... (POSITIONAL, the default) or {{first_name}} (NAMED,
 *   `parameter_format: "NAMED"`, lowercase letters, digits and underscores);
 * - a text HEADER has at most one placeholder; an IMAGE/VIDEO/DOCUMENT header needs a media parameter
 *   at send time, a LOCATION header a location;
 * - a URL button whose link ends in {{1}} needs the suffix, a COPY_CODE button the coupon code and an
 *   authentication OTP button the code, each addressed by the button's position (`index`, from 0);
 * - text values may not be empty, nor contain line breaks, tabs or more than 4 spaces in a row
 *   (Meta error 132018); a header value has at most 60 characters, a body value at most 1024 (32768 when
 *   the template has nothing but a body).
 */
import { PolicyError } from '../errors';
import type { TemplateButton, TemplateComponent, TemplateDefinition } from '../template/definition';
import { countCharacters, formatCount, listInSentence, quoteValue } from './text';

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

/** Values for a component: a list for {{1}}, {{2}}... or an object by placeholder ("1" or "first_name"). */
export type TemplateParameterValues = readonly string[] | Readonly<Record<string, string>>;

export interface TemplateHeaderMedia {
	type: MediaHeaderType;
	/** An uploaded media id, or... */
	id?: string;
	/** ...an https link. */
	link?: string;
}

export interface TemplateHeaderLocation {
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
}

export interface TemplateSendRequest {
	name: string;
	language: string;
	bodyParameters?: TemplateParameterValues;
	/** Value for a text header's placeholder. */
	headerParameters?: TemplateParameterValues;
	headerMedia?: TemplateHeaderMedia;
	headerLocation?: TemplateHeaderLocation;
	/** Values of dynamic buttons by position in the template (0-based): ['order/123'] or { '1': 'CODE15' }. */
	buttonParameters?: readonly (string | null | undefined)[] | Readonly<Record<string, string>>;
}

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

export const TEMPLATE_HEADER_PARAMETER_MAX_LENGTH = 60;
export const TEMPLATE_BODY_PARAMETER_MAX_LENGTH = 1024;
/** When the body is the template's only component. */
export const TEMPLATE_BODY_ONLY_PARAMETER_MAX_LENGTH = 32768;

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

/** The fields a form should ask for, in the order they appear in the message. */
export function describeTemplateFields(template: TemplateDefinition): TemplateField[] {
	const placeholders = extractPlaceholders(template);
	const header = findComponent(template, 'HEADER');
	const body = findComponent(template, 'BODY');
	const fields: TemplateField[] = [];
	const headerFormat = placeholders.header.format;

	if (headerFormat === 'TEXT') {
		const examples = textExamples(header?.example, 'header');
		placeholders.header.placeholders.forEach((name, position) => {
			fields.push({
				key: `header.${name}`,
				component: 'header',
				placeholder: name,
				type: 'text',
				label: `Header {{${name}}}`,
				required: true,
				example: exampleFor(examples, name, position, placeholders.format),
			});
		});
	} else if (headerFormat === 'LOCATION') {
		fields.push({
			key: 'header.location',
			component: 'header',
			placeholder: null,
			type: 'location',
			label: 'Header location',
			required: true,
			example: null,
		});
	} else if (headerFormat !== null) {
		const type = headerFormat.toLowerCase() as MediaHeaderType;
		fields.push({
			key: 'header.media',
			component: 'header',
			placeholder: null,
			type,
			label: `Header ${type}`,
			required: true,
			example: firstString(header?.example?.['header_handle']),
		});
	}

	const bodyExamples = textExamples(body?.example, 'body');
	placeholders.body.forEach((name, position) => {
		fields.push({
			key: `body.${name}`,
			component: 'body',
			placeholder: name,
			type: 'text',
			label: `Body {{${name}}}`,
			required: true,
			example: exampleFor(bodyExamples, name, position, placeholders.format),
		});
	});

	const buttons = buttonsOf(template);
	for (const placeholder of placeholders.buttons) {
		const button = buttons[placeholder.index];
		fields.push({
			key: `button.${placeholder.index}`,
			component: 'button',
			placeholder: null,
			type: placeholder.kind,
			label: buttonLabel(placeholder),
			required: true,
			example: button === undefined ? null : buttonExample(button, placeholder.kind),
			buttonIndex: placeholder.index,
		});
	}
	for (const index of quickReplyIndexes(template)) {
		const text = buttons[index]?.text;
		fields.push({
			key: `button.${index}`,
			component: 'button',
			placeholder: null,
			type: 'quick_reply_payload',
			label: `Button ${index + 1}${text ? ` "${text}"` : ''}: payload sent back when tapped (optional)`,
			required: false,
			example: null,
			buttonIndex: index,
		});
	}
	return fields;
}

/** Positions of the quick-reply buttons, which may carry a payload of the sender's choosing. */
function quickReplyIndexes(template: TemplateDefinition): number[] {
	return buttonsOf(template).flatMap((button, index) =>
		typeof button?.type === 'string' && button.type.toUpperCase() === 'QUICK_REPLY' ? [index] : [],
	);
}

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
	const all = (Array.isArray(templates) ? templates : templates === undefined ? [] : [templates]).filter(
		(t): t is TemplateDefinition => typeof t === 'object' && t !== null && typeof t.name === 'string',
	);
	const wantedName = String(request.name ?? '').trim();
	const sameName = all.filter((t) => t.name.trim().toLowerCase() === wantedName.toLowerCase());
	if (wantedName === '' || sameName.length === 0) throw templateNotFound(wantedName, all);

	const wantedLanguage = String(request.language ?? '').trim();
	const sameLanguage = sameName.filter((t) => languageKey(t.language) === languageKey(wantedLanguage));
	if (sameLanguage.length === 0) throw languageUnavailable(sameName[0].name, wantedLanguage, sameName);
	const template = sameLanguage.find((t) => statusOf(t) === 'APPROVED') ?? sameLanguage[0];

	const status = statusOf(template);
	if (status !== 'APPROVED') throw notApproved(template, status);

	checkParameters(template, request);
	return template;
}

// ---------------------------------------------------------------------------------------------------
// Placeholders

function findComponent(template: TemplateDefinition, type: string): TemplateComponent | undefined {
	const components = Array.isArray(template.components) ? template.components : [];
	return components.find((c) => typeof c?.type === 'string' && c.type.toUpperCase() === type);
}

function buttonsOf(template: TemplateDefinition): TemplateButton[] {
	const component = findComponent(template, 'BUTTONS');
	return Array.isArray(component?.buttons) ? component.buttons : [];
}

function headerFormatOf(header: TemplateComponent): HeaderFormat | null {
	const format = typeof header.format === 'string' ? header.format.toUpperCase() : '';
	if (format === 'TEXT' || format === 'LOCATION' || MEDIA_FORMATS.includes(format)) return format as HeaderFormat;
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
	return names.some((name) => !/^\d+$/.test(name)) ? 'NAMED' : 'POSITIONAL';
}

/** Positional placeholders sorted by number ({{2}} may come before {{1}} in the text); names as they appear. */
function ordered(names: string[], format: ParameterFormat): string[] {
	if (format === 'NAMED') return names;
	return [...names].sort((a, b) => positionalNumber(a) - positionalNumber(b));
}

function positionalNumber(name: string): number {
	return /^\d+$/.test(name) ? Number(name) : Number.MAX_SAFE_INTEGER;
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

function buttonLabel(placeholder: ButtonPlaceholder): string {
	const name = placeholder.text === null ? `Button ${placeholder.index + 1}` : `Button ${placeholder.index + 1} ${quoteValue(placeholder.text)}`;
	const what = { url_suffix: 'link suffix', coupon_code: 'coupon code', otp_code: 'one-time code' }[placeholder.kind];
	return `${name}: ${what}`;
}

// ---------------------------------------------------------------------------------------------------
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
	const index = /^\d+$/.test(name) ? Number(name) - 1 : position;
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

// ---------------------------------------------------------------------------------------------------
// Finding the template

function languageKey(language: unknown): string {
	return typeof language === 'string' ? language.trim().replace(/-/g, '_').toLowerCase() : '';
}

function statusOf(template: TemplateDefinition): string {
	return typeof template.status === 'string' && template.status.trim() !== '' ? template.status.trim().toUpperCase() : 'UNKNOWN';
}

function templateNotFound(name: string, all: readonly TemplateDefinition[]): PolicyError {
	const names = [...new Set(all.map((t) => t.name))];
	const suggestions = closeNames(name, names);
	const asked = name === '' ? 'No template name was given.' : `No message template named ${quoteValue(name, 80)} was found in this WhatsApp Business Account.`;
	const didYouMean = suggestions.length > 0 ? ` Did you mean ${listInSentence(suggestions.map((s) => quoteValue(s, 80)), 'or')}?` : '';
	return new PolicyError(
		'TEMPLATE_NOT_FOUND',
		`${asked}${didYouMean}`,
		'Check the name in WhatsApp Manager > Message templates (names are lowercase with underscores), or create the template there and wait for its approval.',
		{ name, suggestions, templateCount: names.length },
	);
}

/** Up to 3 names within a few edits of `wanted`, or containing it, closest first. */
function closeNames(wanted: string, names: readonly string[]): string[] {
	const target = wanted.toLowerCase();
	if (target === '') return [];
	const scored = names
		.map((name) => {
			const candidate = name.toLowerCase();
			const distance = editDistance(target, candidate);
			const contains = candidate.includes(target) || target.includes(candidate);
			return { name, distance, close: contains || distance <= Math.max(2, Math.floor(target.length / 4)) };
		})
		.filter((s) => s.close)
		.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
	return scored.slice(0, 3).map((s) => s.name);
}

/** Levenshtein distance over code points. */
function editDistance(a: string, b: string): number {
	const left = Array.from(a);
	const right = Array.from(b);
	let previous = Array.from({ length: right.length + 1 }, (_, i) => i);
	for (let i = 1; i <= left.length; i++) {
		const current = [i];
		for (let j = 1; j <= right.length; j++) {
			const cost = left[i - 1] === right[j - 1] ? 0 : 1;
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
		}
		previous = current;
	}
	return previous[right.length];
}

function languageUnavailable(name: string, language: string, versions: readonly TemplateDefinition[]): PolicyError {
	const available = versions.map((t) => t.language).filter((l): l is string => typeof l === 'string');
	const shown = versions.map((t) => `${t.language} (${statusOf(t).toLowerCase()})`);
	return new PolicyError(
		'TEMPLATE_LANGUAGE_UNAVAILABLE',
		`The template ${quoteValue(name, 80)} has no ${quoteValue(language, 20)} version; it exists in ${listInSentence(shown)}.`,
		`Use one of the available languages (${listInSentence(available, 'or')}), or add this language to the template in WhatsApp Manager and wait for its approval.`,
		{ name, language, available },
	);
}

function notApproved(template: TemplateDefinition, status: string): PolicyError {
	const hints: Record<string, string> = {
		PENDING: "Wait for Meta's review to finish (usually minutes, at most 24 hours), then send again.",
		IN_APPEAL: 'Wait for the appeal to be decided in WhatsApp Manager, then send again.',
		REJECTED: 'Edit the template in WhatsApp Manager following the rejection reason and submit it again, or use another approved template.',
		PAUSED: 'Meta paused it after negative customer feedback; improve it or wait until it is active again, or use another approved template.',
		DISABLED: 'Meta disabled it after repeated negative feedback; create a new template or use another approved one.',
	};
	return new PolicyError(
		'TEMPLATE_NOT_APPROVED',
		`The template ${quoteValue(template.name, 80)} (${template.language}) cannot be sent: its status is ${status}, and only APPROVED templates can be sent.`,
		hints[status] ?? 'Check the template in WhatsApp Manager; only APPROVED templates can be sent.',
		{ name: template.name, language: template.language, status },
	);
}

// ---------------------------------------------------------------------------------------------------
// Parameter values

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
	if (headerFormat === 'TEXT' || headerFormat === null) {
		checkTextValues('header', placeholders.header.placeholders, request.headerParameters, placeholders.format, problems, tooLong, TEMPLATE_HEADER_PARAMETER_MAX_LENGTH);
	} else if (hasValues(request.headerParameters)) {
		problems.extra.push('header');
		problems.messages.push(`The template has a ${headerFormat.toLowerCase()} header, which takes no text values, but header text values were given.`);
	}
	checkHeaderMedia(headerFormat, request.headerMedia, problems);
	checkHeaderLocation(headerFormat, request.headerLocation, problems);

	// Body
	const bodyMax = bodyOnly ? TEMPLATE_BODY_ONLY_PARAMETER_MAX_LENGTH : TEMPLATE_BODY_PARAMETER_MAX_LENGTH;
	checkTextValues('body', placeholders.body, request.bodyParameters, placeholders.format, problems, tooLong, bodyMax);

	// Buttons
	checkButtonValues(placeholders.buttons, new Set(quickReplyIndexes(template)), request.buttonParameters, problems);

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

function hasValues(values: TemplateParameterValues | undefined): boolean {
	if (values === undefined || values === null) return false;
	return Array.isArray(values) ? values.length > 0 : Object.keys(values).length > 0;
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
		problems.messages.push(
			`The ${component} values were given as a list, but this template uses named placeholders (${braces(placeholders)}); give them by name.`,
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

function checkHeaderMedia(format: HeaderFormat | null, media: TemplateHeaderMedia | undefined, problems: Problems): void {
	const needsMedia = format !== null && MEDIA_FORMATS.includes(format);
	if (!needsMedia) {
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

function checkHeaderLocation(format: HeaderFormat | null, location: TemplateHeaderLocation | undefined, problems: Problems): void {
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
	values: TemplateSendRequest['buttonParameters'],
	problems: Problems,
): void {
	const given = new Map<number, string>();
	const badKeys: string[] = [];
	if (values !== undefined && values !== null) {
		const entries: [string, unknown][] = Array.isArray(values) ? values.map((v, i) => [String(i), v]) : Object.entries(values);
		for (const [key, value] of entries) {
			if (value === undefined || value === null) continue;
			const index = /^\d+$/.test(key.trim()) ? Number(key.trim()) : Number.NaN;
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
