/**
 * Checks an outgoing message the way the Cloud API does and throws the Meta error it would answer:
 * structure and limits (100 / 131008 / 131009 / 131051), the template's existence, status and
 * language (132001 / 132015 / 132016), its parameters (132000 / 132012 / 100 for missing names).
 * The window (131047) and reachability (131026) are checked by the route, which knows the mode.
 */
import { isSingleEmoji } from '../../core/policy/content';
import type { TemplateComponent, TemplateDefinition } from '../../core/template/definition';
import { fail } from './meta-errors';
import { isBsuid, type SimulatorState } from './state';

export type JsonRecord = Record<string, unknown>;

export interface ValidatedMessage {
	type: string;
	/** `to`, or `recipient` when the request named a business-scoped user id only. */
	to: string;
	/** Digits of `to`; null for a send to a business-scoped user id. */
	waId: string | null;
	/** The `recipient` BSUID when it was the one used (`to` wins when both are present, as at Meta). */
	userId: string | null;
	template?: TemplateDefinition;
}

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);
const KNOWN_TYPES = new Set(['text', 'template', 'interactive', 'reaction', 'location', 'contacts', ...MEDIA_TYPES]);

export function isRecord(value: unknown): value is JsonRecord {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function requireText(value: unknown, field: string, maxLength?: number): string {
	const found = text(value);
	if (found === undefined || found.trim() === '') fail(131008, `The parameter ${field} is required.`);
	if (maxLength !== undefined && [...found].length > maxLength) {
		fail(100, `Param ${field} must be at most ${maxLength} characters long.`);
	}
	return found;
}

function optionalText(value: unknown, field: string, maxLength: number): void {
	if (value === undefined) return;
	if (typeof value !== 'string') fail(100, `Param ${field} must be a string.`);
	if ([...value].length > maxLength) fail(100, `Param ${field} must be at most ${maxLength} characters long.`);
}

/**
 * The API's recipient check. `to`: digits only, 8 to 15 of them (E.164 without "+"). `recipient`: a
 * business-scoped user id, for users known only by their username; when both are given, `to` wins.
 */
function recipient(body: JsonRecord): { to: string; waId: string | null; userId: string | null } {
	const to = text(body.to);
	if (to === undefined || to.trim() === '') {
		const userId = text(body.recipient);
		if (userId === undefined || userId.trim() === '') fail(100, 'The parameter to (or recipient) is required.');
		if (!isBsuid(userId)) fail(100, `Invalid parameter recipient: "${userId}" is not a valid business-scoped user ID.`);
		return { to: userId, waId: null, userId };
	}
	const compact = to.replace(/[\s().-]/g, '');
	if (!/^\+?\d{8,15}$/.test(compact)) fail(100, `Invalid parameter to: "${to}" is not a valid WhatsApp phone number.`);
	return { to, waId: compact.replace(/^\+/, ''), userId: null };
}

function mediaObject(value: unknown, field: string, kind: string): void {
	if (!isRecord(value)) fail(131008, `The parameter ${field} is required.`);
	const id = text(value.id);
	const link = text(value.link);
	if (Boolean(id) === Boolean(link)) fail(100, `Param ${field} must contain either id or link.`);
	if (link !== undefined && !/^https?:\/\//.test(link)) fail(131009, `Param ${field}['link'] is not a valid URL.`);
	if (value.caption !== undefined) {
		if (kind === 'audio' || kind === 'sticker') fail(100, `Param ${field}['caption'] is not supported for ${kind}.`);
		optionalText(value.caption, `${field}['caption']`, 1024);
	}
	if (value.filename !== undefined && kind !== 'document') fail(100, `Param ${field}['filename'] is only supported for documents.`);
}

function interactiveHeader(header: unknown): void {
	if (header === undefined) return;
	if (!isRecord(header)) fail(100, "Param interactive['header'] must be an object.");
	const type = text(header.type);
	if (type === 'text') requireText(header.text, "interactive['header']['text']", 60);
	else if (type === 'image' || type === 'video' || type === 'document') mediaObject(header[type], `interactive['header']['${type}']`, type);
	else fail(131009, `Param interactive['header']['type'] "${String(header.type)}" is not valid.`);
}

function validateButtons(interactive: JsonRecord): void {
	const action = isRecord(interactive.action) ? interactive.action : fail(131008, "The parameter interactive['action'] is required.");
	const buttons = Array.isArray(action.buttons) ? action.buttons : fail(131008, "The parameter interactive['action']['buttons'] is required.");
	if (buttons.length < 1 || buttons.length > 3) fail(131009, `Number of buttons must be between 1 and 3, got ${buttons.length}.`);
	const ids = new Set<string>();
	const titles = new Set<string>();
	buttons.forEach((button: unknown, index) => {
		const field = `interactive['action']['buttons'][${index}]`;
		if (!isRecord(button) || button.type !== 'reply' || !isRecord(button.reply)) fail(131009, `Param ${field} must be a reply button.`);
		const id = requireText(button.reply.id, `${field}['reply']['id']`, 256);
		const title = requireText(button.reply.title, `${field}['reply']['title']`, 20);
		if (ids.has(id) || titles.has(title)) fail(131009, 'Button ids and titles must be unique.');
		ids.add(id);
		titles.add(title);
	});
}

function validateList(interactive: JsonRecord): void {
	if (interactive.header !== undefined && (!isRecord(interactive.header) || interactive.header.type !== 'text')) {
		fail(131009, 'List messages only support a text header.');
	}
	const action = isRecord(interactive.action) ? interactive.action : fail(131008, "The parameter interactive['action'] is required.");
	requireText(action.button, "interactive['action']['button']", 20);
	const sections = Array.isArray(action.sections) ? action.sections : fail(131008, "The parameter interactive['action']['sections'] is required.");
	if (sections.length < 1 || sections.length > 10) fail(131009, `Number of sections must be between 1 and 10, got ${sections.length}.`);
	let rowCount = 0;
	const rowIds = new Set<string>();
	sections.forEach((section: unknown, sectionIndex) => {
		const field = `interactive['action']['sections'][${sectionIndex}]`;
		if (!isRecord(section) || !Array.isArray(section.rows)) fail(131008, `The parameter ${field}['rows'] is required.`);
		if (sections.length > 1) requireText(section.title, `${field}['title']`, 24);
		else optionalText(section.title, `${field}['title']`, 24);
		section.rows.forEach((row: unknown, rowIndex) => {
			const rowField = `${field}['rows'][${rowIndex}]`;
			if (!isRecord(row)) fail(131009, `Param ${rowField} must be an object.`);
			const id = requireText(row.id, `${rowField}['id']`, 200);
			requireText(row.title, `${rowField}['title']`, 24);
			optionalText(row.description, `${rowField}['description']`, 72);
			if (rowIds.has(id)) fail(131009, 'Row ids must be unique.');
			rowIds.add(id);
			rowCount++;
		});
	});
	if (rowCount < 1 || rowCount > 10) fail(131009, `Total number of rows must be between 1 and 10, got ${rowCount}.`);
}

function validateInteractive(value: unknown): void {
	if (!isRecord(value)) fail(131008, 'The parameter interactive is required.');
	const body = isRecord(value.body) ? value.body : fail(131008, "The parameter interactive['body'] is required.");
	requireText(body.text, "interactive['body']['text']", 1024);
	if (value.footer !== undefined) {
		if (!isRecord(value.footer)) fail(100, "Param interactive['footer'] must be an object.");
		requireText(value.footer.text, "interactive['footer']['text']", 60);
	}
	if (value.type === 'button') {
		interactiveHeader(value.header);
		validateButtons(value);
	} else if (value.type === 'list') {
		validateList(value);
	} else if (value.type === 'cta_url') {
		validateCtaUrl(value);
	} else if (value.type === 'location_request_message') {
		const action = isRecord(value.action) ? value.action : fail(131008, "The parameter interactive['action'] is required.");
		if (action.name !== 'send_location') fail(131009, "Param interactive['action']['name'] must be send_location.");
	} else if (typeof value.type !== 'string') {
		fail(131008, "The parameter interactive['type'] is required.");
	}
	// Other interactive kinds (flow, product...) pass through unchecked.
}

/** messages/interactive-cta-url-messages: a text or media header, a label ≤ 20 and an http(s) URL. */
function validateCtaUrl(interactive: JsonRecord): void {
	interactiveHeader(interactive.header);
	const action = isRecord(interactive.action) ? interactive.action : fail(131008, "The parameter interactive['action'] is required.");
	if (action.name !== 'cta_url') fail(131009, "Param interactive['action']['name'] must be cta_url.");
	const parameters = isRecord(action.parameters) ? action.parameters : fail(131008, "The parameter interactive['action']['parameters'] is required.");
	requireText(parameters.display_text, "interactive['action']['parameters']['display_text']", 20);
	const url = requireText(parameters.url, "interactive['action']['parameters']['url']");
	if (!/^https?:\/\/[^\s/]+/.test(url)) fail(131009, "Param interactive['action']['parameters']['url'] is not a valid URL.");
}

/** messages/reaction-messages: a message id and an emoji ('' removes the reaction). */
function validateReaction(value: unknown): void {
	if (!isRecord(value)) fail(131008, 'The parameter reaction is required.');
	requireText(value.message_id, "reaction['message_id']");
	if (typeof value.emoji !== 'string') fail(131008, "The parameter reaction['emoji'] is required.");
	if (value.emoji !== '' && !isSingleEmoji(value.emoji)) fail(131009, "Param reaction['emoji'] must be a single emoji.");
}

function coordinate(value: unknown, field: string, max: number): void {
	// Meta's page shows the coordinates as strings and its samples as numbers; both are accepted.
	const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (value === undefined) fail(131008, `The parameter location['${field}'] is required.`);
	if (!Number.isFinite(number) || Math.abs(number) > max) fail(131009, `Param location['${field}'] must be between -${max} and ${max}.`);
}

/** messages/location-messages: latitude and longitude in decimal degrees, optional name and address. */
function validateLocation(value: unknown): void {
	if (!isRecord(value)) fail(131008, 'The parameter location is required.');
	coordinate(value.latitude, 'latitude', 90);
	coordinate(value.longitude, 'longitude', 180);
	for (const field of ['name', 'address']) {
		if (value[field] !== undefined && typeof value[field] !== 'string') fail(100, `Param location['${field}'] must be a string.`);
	}
}

/** messages/contacts-messages: 1 to 257 cards, each with name.formatted_name. */
function validateContacts(value: unknown): void {
	if (!Array.isArray(value) || value.length === 0) fail(131008, 'The parameter contacts is required.');
	if (value.length > 257) fail(131009, `Number of contacts must be at most 257, got ${value.length}.`);
	value.forEach((card: unknown, index) => {
		const field = `contacts[${index}]`;
		if (!isRecord(card) || !isRecord(card.name)) fail(131008, `The parameter ${field}['name'] is required.`);
		requireText(card.name.formatted_name, `${field}['name']['formatted_name']`);
		for (const list of ['phones', 'emails', 'urls', 'addresses']) {
			if (card[list] !== undefined && !Array.isArray(card[list])) fail(100, `Param ${field}['${list}'] must be an array.`);
		}
	});
}

// ---- templates ----

interface ExpectedParameters {
	named: boolean;
	/** Positional: how many distinct {{n}}; named: the names in order of appearance. */
	count: number;
	names: string[];
}

function placeholders(textValue: string | undefined, named: boolean): ExpectedParameters {
	const pattern = named ? /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g : /\{\{\s*(\d+)\s*\}\}/g;
	const found = new Set<string>();
	for (const match of (textValue ?? '').matchAll(pattern)) found.add(match[1]);
	return { named, count: found.size, names: [...found] };
}

function component(template: TemplateDefinition, type: string): TemplateComponent | undefined {
	return template.components.find((candidate) => candidate.type.toUpperCase() === type);
}

function sentComponents(body: JsonRecord): JsonRecord[] {
	const template = body.template as JsonRecord;
	if (template.components === undefined) return [];
	if (!Array.isArray(template.components)) fail(100, "Param template['components'] must be an array.");
	return template.components.map((entry: unknown, index) =>
		isRecord(entry) ? entry : fail(100, `Param template['components'][${index}] must be an object.`),
	);
}

function parametersOf(entry: JsonRecord | undefined, where: string): JsonRecord[] {
	if (entry === undefined || entry.parameters === undefined) return [];
	if (!Array.isArray(entry.parameters)) fail(100, `Param ${where}['parameters'] must be an array.`);
	return entry.parameters.map((parameter: unknown, index) =>
		isRecord(parameter) ? parameter : fail(100, `Param ${where}['parameters'][${index}] must be an object.`),
	);
}

function checkTextParameters(where: 'header' | 'body', expected: ExpectedParameters, sent: JsonRecord[]): void {
	if (sent.length !== expected.count) {
		fail(132000, `${where}: number of localizable_params (${sent.length}) does not match the expected number of params (${expected.count})`);
	}
	for (const parameter of sent) {
		if (parameter.type !== 'text') fail(132012, `${where}: Format mismatch, expected TEXT, received ${String(parameter.type).toUpperCase()}`);
		if (typeof parameter.text !== 'string' || parameter.text === '') fail(131008, `${where}: Parameter 'text' is required.`);
	}
	if (!expected.named) return;
	const names = sent.map((parameter) => text(parameter.parameter_name));
	if (names.some((name) => name === undefined || name === '')) fail(100, `${where}: Parameter name is missing or empty`);
	const unknown = names.filter((name) => !expected.names.includes(name as string));
	if (unknown.length > 0 || new Set(names).size !== names.length) {
		fail(132000, `${where}: parameter names (${names.join(', ')}) do not match the expected names (${expected.names.join(', ')})`);
	}
}

function checkHeader(template: TemplateDefinition, sent: JsonRecord | undefined, named: boolean): void {
	const header = component(template, 'HEADER');
	const format = header?.format?.toUpperCase() ?? 'TEXT';
	const parameters = parametersOf(sent, 'header');
	if (header === undefined || format === 'TEXT') {
		checkTextParameters('header', placeholders(header?.text, named), parameters);
		return;
	}
	const expectedType = format.toLowerCase();
	if (parameters.length !== 1) {
		fail(132012, `header: Format mismatch, expected ${format}, received ${parameters.length === 0 ? 'no parameter' : `${parameters.length} parameters`}`);
	}
	const [parameter] = parameters;
	if (parameter.type !== expectedType) fail(132012, `header: Format mismatch, expected ${format}, received ${String(parameter.type).toUpperCase()}`);
	if (expectedType === 'location') {
		const location = parameter.location;
		if (!isRecord(location) || location.latitude === undefined || location.longitude === undefined) {
			fail(131008, 'header: location requires latitude and longitude.');
		}
	} else {
		mediaObject(parameter[expectedType], `header['${expectedType}']`, expectedType);
	}
}

function checkButtons(template: TemplateDefinition, sent: JsonRecord[]): void {
	const buttons = component(template, 'BUTTONS')?.buttons ?? [];
	const byIndex = new Map<number, JsonRecord>();
	for (const entry of sent) {
		const index = Number(entry.index);
		const button = buttons[index];
		if (!Number.isInteger(index) || button === undefined) fail(131009, `buttons: no button at index ${String(entry.index)}`);
		const subType = text(entry.sub_type)?.toUpperCase();
		if (subType !== button.type.toUpperCase()) fail(131009, `buttons: button at index ${index} is ${button.type}, not ${String(entry.sub_type)}`);
		byIndex.set(index, entry);
	}
	buttons.forEach((button, index) => {
		const type = button.type.toUpperCase();
		const entry = byIndex.get(index);
		const parameters = parametersOf(entry, `buttons[${index}]`);
		if (type === 'URL' && /\{\{\s*1\s*\}\}/.test(button.url ?? '')) {
			if (parameters.length !== 1 || typeof parameters[0].text !== 'string' || parameters[0].text === '') {
				fail(131008, `buttons: Button at index ${index} of type Url requires a parameter`);
			}
		} else if (type === 'QUICK_REPLY' && entry !== undefined) {
			if (parameters.length !== 1 || parameters[0].type !== 'payload' || typeof parameters[0].payload !== 'string') {
				fail(131009, `buttons: Button at index ${index} of type QuickReply takes one payload parameter`);
			}
		} else if (type === 'COPY_CODE' && (parameters.length !== 1 || typeof parameters[0].coupon_code !== 'string')) {
			fail(131008, `buttons: Button at index ${index} of type CopyCode requires a coupon_code parameter`);
		}
	});
}

function validateTemplate(body: JsonRecord, state: SimulatorState): TemplateDefinition {
	if (!isRecord(body.template)) fail(131008, 'The parameter template is required.');
	const name = requireText(body.template.name, "template['name']");
	const language = isRecord(body.template.language) ? text(body.template.language.code) : undefined;
	if (language === undefined || language === '') fail(131008, "The parameter template['language']['code'] is required.");

	const template = state.findTemplates(name).find((candidate) => candidate.language === language);
	if (template === undefined || !['APPROVED', 'PAUSED', 'DISABLED'].includes(template.status)) {
		fail(132001, `template name (${name}) does not exist in ${language}`);
	}
	if (template.status === 'PAUSED') fail(132015);
	if (template.status === 'DISABLED') fail(132016);

	const named = (template.parameter_format ?? 'POSITIONAL').toUpperCase() === 'NAMED';
	const components = sentComponents(body);
	const ofType = (type: string): JsonRecord[] => components.filter((entry) => text(entry.type)?.toLowerCase() === type);
	for (const type of ['header', 'body']) {
		if (ofType(type).length > 1) fail(100, `Param template['components'] has more than one ${type}.`);
	}
	checkHeader(template, ofType('header')[0], named);
	checkTextParameters('body', placeholders(component(template, 'BODY')?.text, named), parametersOf(ofType('body')[0], 'body'));
	checkButtons(template, ofType('button'));
	return template;
}

/** Validates a send request body; throws the MetaErrorSignal Meta would answer with. */
export function validateMessage(body: unknown, state: SimulatorState): ValidatedMessage {
	if (!isRecord(body)) fail(100, 'The request body must be a JSON object.');
	if (body.messaging_product !== 'whatsapp') fail(100, 'The parameter messaging_product is required and must be "whatsapp".');
	if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
		fail(100, 'Param recipient_type must be "individual".');
	}
	const { to, waId, userId } = recipient(body);
	const type = text(body.type) ?? 'text';
	if (!KNOWN_TYPES.has(type)) fail(131051, `Message type ${type} is not supported.`);
	if (body.context !== undefined && (!isRecord(body.context) || typeof body.context.message_id !== 'string')) {
		fail(100, "Param context['message_id'] must be a string.");
	}

	if (type === 'text') {
		if (!isRecord(body.text)) fail(131008, 'The parameter text is required.');
		requireText(body.text.body, "text['body']", 4096);
		if (body.text.preview_url !== undefined && typeof body.text.preview_url !== 'boolean') {
			fail(100, "Param text['preview_url'] must be a boolean.");
		}
	} else if (MEDIA_TYPES.has(type)) {
		mediaObject(body[type], type, type);
	} else if (type === 'interactive') {
		validateInteractive(body.interactive);
	} else if (type === 'reaction') {
		// A reaction goes on a message; it cannot quote one.
		if (body.context !== undefined) fail(131009, 'Param context is not supported for reaction messages.');
		validateReaction(body.reaction);
	} else if (type === 'location') {
		validateLocation(body.location);
	} else if (type === 'contacts') {
		validateContacts(body.contacts);
	} else if (type === 'template') {
		const template = validateTemplate(body, state);
		// Meta: one-tap, zero-tap and copy-code authentication templates still need a phone number.
		if (userId !== null && template.category.toUpperCase() === 'AUTHENTICATION') fail(131062);
		return { type, to, waId, userId, template };
	}
	return { type, to, waId, userId };
}
