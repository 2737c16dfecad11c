/**
 * From the Send Template node's parameters to a TemplateSendRequest: which template the user means,
 * and the values of its resource mapper (one field per placeholder, keyed as describeTemplateFields
 * keys them). Pure: no n8n, no I/O.
 */
import type { TemplateDefinition } from './definition';
import { languageKey, statusOf } from './find';
import { buttonsOf, extractPlaceholders, isMediaHeader, isPosition, type MediaHeaderType } from './placeholders';
import type { TemplateButtonInput, TemplateHeaderInput, TemplateSendRequest } from './request';

/** The mapper field of a media header: an https link, or the id of media uploaded to Meta. */
export const HEADER_MEDIA_KEY = 'header.media';
/** Document headers only, optional: the file name the customer sees. */
export const HEADER_FILENAME_KEY = 'header.filename';
/** A location header is asked for in four fields rather than describeTemplateFields' single `header.location`. */
export const HEADER_LOCATION_KEYS = {
	latitude: 'header.location.latitude',
	longitude: 'header.location.longitude',
	name: 'header.location.name',
	address: 'header.location.address',
} as const;

/** What n8n's resource mapper hands over: field id → value (expressions already resolved). */
export type TemplateVariableValues = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface TemplateReference {
	name: string;
	/** Empty when the user gave none; see resolveTemplate. */
	language: string;
}

/**
 * Reads the template picker's value: "order_update|en_US" (what the list gives), or a bare
 * "order_update" whose language comes from the separate Language field. A language inside the value
 * wins, because the list always puts one there.
 */
export function parseTemplateReference(value: unknown, language?: unknown): TemplateReference {
	const raw = typeof value === 'string' ? value.trim() : '';
	const separator = raw.lastIndexOf('|');
	const name = separator === -1 ? raw : raw.slice(0, separator).trim();
	const fromValue = separator === -1 ? '' : raw.slice(separator + 1).trim();
	const given = typeof language === 'string' ? language.trim() : '';
	return { name, language: fromValue || given };
}

function isApproved(template: TemplateDefinition): boolean {
	return statusOf(template) === 'APPROVED';
}

/**
 * Finds the template a reference means, the way the send check does (name and language compared
 * case-insensitively, an approved version first). Without a language, a template that exists in one
 * language only (approved versions counted first) is taken in that language; otherwise the language
 * stays empty and the send check names the languages there are.
 */
export function resolveTemplate(
	templates: readonly TemplateDefinition[],
	reference: TemplateReference,
): { template: TemplateDefinition | undefined; language: string } {
	const wanted = reference.name.trim().toLowerCase();
	const sameName = templates.filter((t) => typeof t?.name === 'string' && t.name.trim().toLowerCase() === wanted);
	let language = reference.language.trim();
	if (language === '' && sameName.length > 0) {
		const approved = sameName.filter(isApproved);
		const languages = new Set((approved.length > 0 ? approved : sameName).map((t) => t.language));
		if (languages.size === 1) language = [...languages][0];
	}
	const sameLanguage = sameName.filter((t) => languageKey(t.language) === languageKey(language));
	return { template: sameLanguage.find(isApproved) ?? sameLanguage[0], language };
}

function textOf(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	return typeof value === 'string' ? value : String(value);
}

function numberOf(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value.trim());
	return undefined;
}

/** Values of one component's placeholders ("body.first_name" → first_name), in the order given. */
function componentValues(values: TemplateVariableValues, component: 'header' | 'body'): Array<[string, string]> {
	const result: Array<[string, string]> = [];
	for (const [key, value] of Object.entries(values)) {
		if (!key.startsWith(`${component}.`)) continue;
		const name = key.slice(component.length + 1);
		if (component === 'header' && (key === HEADER_MEDIA_KEY || key === HEADER_FILENAME_KEY || name.startsWith('location.'))) continue;
		const text = textOf(value);
		if (text !== undefined) result.push([name, text]);
	}
	return result;
}

/**
 * Positional templates get a list ordered by placeholder number ({{2}} after {{1}} whatever order the
 * fields come in; a gap becomes an empty value the send check then names); named templates get an object.
 * Keys that do not fit the template's format are passed on as an object, so the send check reports
 * them by name instead of this code dropping them.
 */
function bodyValues(entries: Array<[string, string]>, named: boolean): TemplateSendRequest['body'] {
	if (entries.length === 0) return undefined;
	if (named || !entries.every(([name]) => isPosition(name))) return Object.fromEntries(entries);
	const byPosition = new Map(entries.map(([name, text]) => [Number(name), text]));
	const last = Math.max(...byPosition.keys());
	return Array.from({ length: last }, (_, index) => byPosition.get(index + 1) ?? '');
}

function mediaHeader(values: TemplateVariableValues, type: MediaHeaderType): TemplateHeaderInput | undefined {
	const source = textOf(values[HEADER_MEDIA_KEY]);
	if (source === undefined) return undefined;
	const trimmed = source.trim();
	const filename = type === 'document' ? textOf(values[HEADER_FILENAME_KEY])?.trim() || undefined : undefined;
	// Empty: neither id nor link, which the send check reports as an empty header value.
	if (trimmed === '') return { type, filename };
	return /^https?:\/\//i.test(trimmed) ? { type, link: trimmed, filename } : { type, id: trimmed, filename };
}

function locationHeader(values: TemplateVariableValues): TemplateHeaderInput | undefined {
	const latitude = numberOf(values[HEADER_LOCATION_KEYS.latitude]);
	const longitude = numberOf(values[HEADER_LOCATION_KEYS.longitude]);
	// Neither: no location at all, which the send check reports when the template needs one.
	if (latitude === undefined && longitude === undefined) return undefined;
	const name = textOf(values[HEADER_LOCATION_KEYS.name])?.trim() || undefined;
	const address = textOf(values[HEADER_LOCATION_KEYS.address])?.trim() || undefined;
	// A missing coordinate stays NaN so the send check says which range it needs.
	return { type: 'location', latitude: latitude ?? Number.NaN, longitude: longitude ?? Number.NaN, name, address };
}

function buttonTypes(template: TemplateDefinition | undefined): string[] {
	if (template === undefined) return [];
	return buttonsOf(template).map((b) => (typeof b?.type === 'string' ? b.type.toUpperCase() : ''));
}

/**
 * "button.N" values by the template's button at position N: a URL button takes the link suffix, a
 * copy-code button the coupon code, an authentication OTP button the code (Meta sends those as url
 * buttons), a quick-reply button a payload.
 */
function buttonValues(values: TemplateVariableValues, template: TemplateDefinition | undefined): TemplateButtonInput[] | undefined {
	const types = buttonTypes(template);
	const buttons: TemplateButtonInput[] = [];
	for (const [key, value] of Object.entries(values)) {
		const match = /^button\.(\d+)$/.exec(key);
		const text = textOf(value);
		if (match === null || text === undefined) continue;
		const index = Number(match[1]);
		const type = types[index];
		if (type === 'COPY_CODE') buttons.push({ subType: 'copy_code', index, couponCode: text });
		else if (type === 'QUICK_REPLY') {
			// Optional: without a payload WhatsApp sends back the button's own text.
			if (text.trim() !== '') buttons.push({ subType: 'quick_reply', index, payload: text });
		}
		else buttons.push({ subType: 'url', index, text });
	}
	return buttons.length === 0 ? undefined : buttons.sort((a, b) => a.index - b.index);
}

/**
 * The mapper's values as a template send request. `template` is the catalog's definition (it
 * decides positional or named, the header's kind and each button's type); without it (a name that
 * does not exist) the values are passed on as they are and the send check reports the missing template.
 */
export function buildTemplateInput(
	target: { to: string; name: string; languageCode: string },
	template: TemplateDefinition | undefined,
	values: TemplateVariableValues | null | undefined,
): TemplateSendRequest {
	const given = values ?? {};
	const placeholders = template === undefined ? undefined : extractPlaceholders(template);
	const bodyEntries = componentValues(given, 'body');
	const headerEntries = componentValues(given, 'header');
	const named = placeholders === undefined ? !bodyEntries.every(([name]) => isPosition(name)) : placeholders.format === 'NAMED';

	const headerFormat = placeholders?.header.format ?? null;
	let header: TemplateHeaderInput | undefined;
	if (isMediaHeader(headerFormat)) {
		header = mediaHeader(given, headerFormat.toLowerCase() as MediaHeaderType);
	} else if (headerFormat === 'LOCATION') {
		header = locationHeader(given);
	} else if (headerEntries.length > 0) {
		const [name, text] = headerEntries[0];
		header = named && !isPosition(name) ? { type: 'text', text, parameterName: name } : { type: 'text', text };
	} else {
		// Media or a location for a template without such a header: passed on so the send check names the mismatch.
		header = mediaHeader(given, 'image') ?? locationHeader(given);
	}

	const input: TemplateSendRequest = { to: target.to, name: target.name, languageCode: target.languageCode };
	if (header !== undefined) input.header = header;
	const body = bodyValues(bodyEntries, named);
	if (body !== undefined) input.body = body;
	const buttons = buttonValues(given, template);
	if (buttons !== undefined) input.buttons = buttons;
	return input;
}
