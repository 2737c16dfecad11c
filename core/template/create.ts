/**
 * Creating a message template: the input a form gives, Meta's creation rules checked before the call,
 * and the body of POST /{waba-id}/message_templates. The rules are Meta's (template components,
 * template management and template fundamentals pages): name ^[a-z0-9_]+$ up to 512; one header (text up
 * to 60 characters with at most one variable, media with an uploaded example handle, location for
 * UTILITY and MARKETING only); body up to 1,024; footer up to 60; up to 10 buttons (10 quick replies
 * grouped together, 2 URL, 1 phone number, 1 copy code; labels up to 25); every variable with an
 * example; positional variables {{1}}…{{n}}, named ones lowercase; no variable opening or closing the
 * body (Meta's 2388299). Pure: no I/O.
 */
import { TemplateDefinitionError, type TemplateDefinitionErrorCode } from '../errors';
import { listInSentence, quoteValue } from '../policy/text';
import type { TemplateButton, TemplateComponent } from './definition';
import { bracedTokens, isPosition } from './placeholders';

export const TEMPLATE_NAME_MAX_LENGTH = 512;
export const TEMPLATE_HEADER_TEXT_MAX_LENGTH = 60;
export const TEMPLATE_BODY_TEXT_MAX_LENGTH = 1024;
export const TEMPLATE_FOOTER_TEXT_MAX_LENGTH = 60;
export const TEMPLATE_BUTTON_TEXT_MAX_LENGTH = 25;
export const TEMPLATE_MAX_BUTTONS = 10;
export const TEMPLATE_MAX_QUICK_REPLY_BUTTONS = 10;
export const TEMPLATE_MAX_URL_BUTTONS = 2;
export const TEMPLATE_MAX_PHONE_BUTTONS = 1;
export const TEMPLATE_MAX_COPY_CODE_BUTTONS = 1;
export const TEMPLATE_BUTTON_URL_MAX_LENGTH = 2000;
export const TEMPLATE_BUTTON_PHONE_MAX_LENGTH = 20;
export const TEMPLATE_COPY_CODE_MAX_LENGTH = 20;
/** Authentication templates: how long the code is valid, shown in Meta's preset footer. */
export const TEMPLATE_CODE_EXPIRATION_MAX_MINUTES = 90;

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;

export type TemplateHeaderDefinition =
	| { type: 'text'; text: string; /** The value of its one variable, if it has one. */ example?: string }
	/** `example`: a handle from Meta's Resumable Upload API ("4::aW..."). */
	| { type: 'image' | 'video' | 'document'; example: string }
	| { type: 'location' };

export type TemplateButtonDefinition =
	| { type: 'quick_reply'; text: string }
	/** A variable in `url` ({{1}} or {{name}}) must end it; `example` is the value that replaces it. */
	| { type: 'url'; text: string; url: string; example?: string }
	| { type: 'phone_number'; text: string; phoneNumber: string }
	| { type: 'copy_code'; example: string };

/** Authentication templates have Meta's preset text: "<code> is your verification code." */
export interface AuthenticationTemplateOptions {
	/** Adds "For your security, do not share this code." */
	addSecurityRecommendation?: boolean;
	/** Adds the footer "This code expires in N minutes." (1–90). */
	codeExpirationMinutes?: number;
	/** The copy-code button's label; Meta's default when empty. */
	buttonText?: string;
}

export interface TemplateCreateInput {
	name: string;
	language: string;
	category: string;
	/** POSITIONAL ({{1}}, {{2}}) by default, or NAMED ({{first_name}}). */
	parameterFormat?: 'POSITIONAL' | 'NAMED';
	header?: TemplateHeaderDefinition;
	/** Required for MARKETING and UTILITY; ignored for AUTHENTICATION, whose text is Meta's. */
	body?: string;
	/** One example per body variable, by its name: { "1": "Pablo" } or { first_name: "Pablo" }. */
	bodyExamples?: Readonly<Record<string, string>>;
	footer?: string;
	buttons?: readonly TemplateButtonDefinition[];
	authentication?: AuthenticationTemplateOptions;
}

/** Meta's creation body; extra component keys are the authentication template's. */
export interface TemplateCreateRequest {
	name: string;
	language: string;
	category: string;
	parameter_format: 'POSITIONAL' | 'NAMED';
	components: Array<TemplateComponent & Record<string, unknown>>;
}

interface Problem {
	code: TemplateDefinitionErrorCode;
	field: string;
	message: string;
	hint: string;
}

/** Checks every rule and returns Meta's request body; throws TemplateDefinitionError naming the first problem (all of them in `details.problems`). */
export function buildTemplateCreateRequest(input: TemplateCreateInput): TemplateCreateRequest {
	const problems: Problem[] = [];
	const format = input.parameterFormat === 'NAMED' ? 'NAMED' : 'POSITIONAL';
	const name = checkName(String(input.name ?? '').trim(), problems);
	const language = String(input.language ?? '').trim();
	if (language === '') {
		problems.push({
			code: 'TEMPLATE_LANGUAGE_INVALID',
			field: 'language',
			message: 'No language was given for the template.',
			hint: "Give the language code of the text, as Meta lists it in its supported languages (en_US, es, pt_BR…).",
		});
	}
	const category = String(input.category ?? '').trim().toUpperCase();
	if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(category)) {
		problems.push({
			code: 'TEMPLATE_CATEGORY_INVALID',
			field: 'category',
			message: `${quoteValue(String(input.category ?? ''), 40)} is not a template category.`,
			hint: 'Choose MARKETING, UTILITY or AUTHENTICATION.',
		});
	}
	const components =
		category === 'AUTHENTICATION' ? authenticationComponents(input, problems) : standardComponents(input, category, format, problems);

	if (problems.length > 0) {
		const [first] = problems;
		const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
		throw new TemplateDefinitionError(first.code, first.field, `${first.message}${more}`, first.hint, {
			problems: problems.map((problem) => ({ code: problem.code, field: problem.field, message: problem.message })),
		});
	}
	return { name, language, category, parameter_format: format, components };
}

function checkName(name: string, problems: Problem[]): string {
	const suggestion = name.toLowerCase().replace(/[\s-]+/g, '_').replace(/[^a-z0-9_]/g, '').slice(0, TEMPLATE_NAME_MAX_LENGTH);
	const hint = `Use lowercase letters, digits and underscores only${suggestion !== '' && suggestion !== name ? `, e.g. ${quoteValue(suggestion, 60)}` : ''}.`;
	if (name === '') {
		problems.push({ code: 'TEMPLATE_NAME_INVALID', field: 'name', message: 'The template has no name.', hint: 'Give it a name such as order_update (lowercase letters, digits and underscores).' });
	} else if (name.length > TEMPLATE_NAME_MAX_LENGTH) {
		problems.push({ code: 'TEMPLATE_NAME_INVALID', field: 'name', message: `The template name is ${name.length} characters long; Meta allows at most ${TEMPLATE_NAME_MAX_LENGTH}.`, hint });
	} else if (!/^[a-z0-9_]+$/.test(name)) {
		problems.push({ code: 'TEMPLATE_NAME_INVALID', field: 'name', message: `The template name ${quoteValue(name, 60)} may only contain lowercase letters, digits and underscores.`, hint });
	}
	return name;
}

function length(text: string): number {
	return Array.from(text).length;
}

// ---- marketing and utility templates ----

function standardComponents(input: TemplateCreateInput, category: string, format: 'POSITIONAL' | 'NAMED', problems: Problem[]): TemplateCreateRequest['components'] {
	const components: TemplateCreateRequest['components'] = [];
	if (input.header !== undefined) {
		const header = headerComponent(input.header, category, format, problems);
		if (header !== null) components.push(header);
	}
	components.push(bodyComponent(input.body ?? '', input.bodyExamples ?? {}, format, problems));
	const footer = typeof input.footer === 'string' ? input.footer.trim() : '';
	if (footer !== '') components.push(footerComponent(footer, problems));
	const buttons = input.buttons ?? [];
	if (buttons.length > 0) components.push({ type: 'BUTTONS', buttons: buttonList(buttons, format, problems) });
	return components;
}

function headerComponent(header: TemplateHeaderDefinition, category: string, format: 'POSITIONAL' | 'NAMED', problems: Problem[]): TemplateCreateRequest['components'][number] | null {
	switch (header.type) {
		case 'text': {
			const text = String(header.text ?? '').trim();
			if (text === '') {
				problems.push({ code: 'TEMPLATE_HEADER_INVALID', field: 'header', message: 'The text header is empty.', hint: 'Write the header text, or choose no header.' });
				return null;
			}
			if (length(text) > TEMPLATE_HEADER_TEXT_MAX_LENGTH) {
				problems.push({ code: 'TEMPLATE_HEADER_INVALID', field: 'header', message: `The header is ${length(text)} characters long; Meta allows at most ${TEMPLATE_HEADER_TEXT_MAX_LENGTH}.`, hint: 'Shorten the header; longer text belongs in the body.' });
			}
			const names = variablesOf(text, 'header', format, problems);
			if (names.length > 1) {
				problems.push({ code: 'TEMPLATE_VARIABLES_INVALID', field: 'header', message: `The header has ${names.length} variables (${braces(names)}); Meta allows one.`, hint: 'Keep one variable in the header and move the others to the body.' });
			}
			if (format === 'POSITIONAL' && names.length === 1 && names[0] !== '1') {
				problems.push({ code: 'TEMPLATE_VARIABLES_INVALID', field: 'header', message: `The header's variable is {{${names[0]}}}; a positional header variable is {{1}}.`, hint: 'Write the header variable as {{1}}.' });
			}
			if (names.length === 0) return { type: 'HEADER', format: 'TEXT', text };
			const example = String(header.example ?? '').trim();
			if (example === '') {
				problems.push({ code: 'TEMPLATE_EXAMPLE_MISSING', field: 'header', message: `The header variable {{${names[0]}}} has no example value.`, hint: 'Give an example of what the variable will hold; Meta reviews the template with it.' });
			}
			return {
				type: 'HEADER',
				format: 'TEXT',
				text,
				example: format === 'NAMED' ? { header_text_named_params: [{ param_name: names[0], example }] } : { header_text: [example] },
			};
		}
		case 'image':
		case 'video':
		case 'document': {
			const handle = String(header.example ?? '').trim();
			if (handle === '') {
				problems.push({
					code: 'TEMPLATE_EXAMPLE_MISSING',
					field: 'header',
					message: `The ${header.type} header has no example media.`,
					hint: `Give the handle of an example ${header.type} uploaded with Meta's Resumable Upload API (it starts with "4::").`,
				});
			}
			return { type: 'HEADER', format: header.type.toUpperCase(), example: { header_handle: [handle] } };
		}
		case 'location':
			if (category !== 'UTILITY' && category !== 'MARKETING') {
				problems.push({ code: 'TEMPLATE_HEADER_INVALID', field: 'header', message: 'A location header is only allowed in UTILITY and MARKETING templates.', hint: 'Choose another header, or the UTILITY or MARKETING category.' });
			}
			return { type: 'HEADER', format: 'LOCATION' };
		default:
			problems.push({ code: 'TEMPLATE_HEADER_INVALID', field: 'header', message: `${quoteValue(String((header as { type?: unknown }).type), 20)} is not a header type.`, hint: 'Choose a text, image, video, document or location header, or none.' });
			return null;
	}
}

function bodyComponent(raw: string, examples: Readonly<Record<string, string>>, format: 'POSITIONAL' | 'NAMED', problems: Problem[]): TemplateCreateRequest['components'][number] {
	const text = String(raw ?? '').trim();
	if (text === '') {
		problems.push({ code: 'TEMPLATE_BODY_INVALID', field: 'body', message: 'The template has no body text.', hint: 'Write the message text; the body is the one component every template has.' });
		return { type: 'BODY', text };
	}
	if (length(text) > TEMPLATE_BODY_TEXT_MAX_LENGTH) {
		problems.push({ code: 'TEMPLATE_BODY_INVALID', field: 'body', message: `The body is ${length(text)} characters long; Meta allows at most ${TEMPLATE_BODY_TEXT_MAX_LENGTH}.`, hint: 'Shorten the text.' });
	}
	const names = variablesOf(text, 'body', format, problems);
	if (names.length === 0) return { type: 'BODY', text };
	if (text.startsWith('{{') || text.endsWith('}}')) {
		problems.push({
			code: 'TEMPLATE_VARIABLES_INVALID',
			field: 'body',
			message: `The body ${text.startsWith('{{') ? 'starts' : 'ends'} with a variable, which Meta refuses.`,
			hint: 'Put some fixed text before the first variable and after the last one.',
		});
	}
	if (format === 'POSITIONAL') checkSequence(names, problems);
	const ordered = format === 'POSITIONAL' ? [...names].sort((a, b) => Number(a) - Number(b)) : names;
	const exampleOf = (name: string): string => String(examples[name] ?? examples[`{{${name}}}`] ?? '').trim();
	const missing = ordered.filter((name) => exampleOf(name) === '');
	if (missing.length > 0) {
		problems.push({
			code: 'TEMPLATE_EXAMPLE_MISSING',
			field: 'body',
			message: `The body variable${missing.length > 1 ? 's' : ''} ${braces(missing)} ${missing.length > 1 ? 'have' : 'has'} no example value.`,
			hint: 'Give one example per body variable; Meta reviews the template with them.',
		});
	}
	return {
		type: 'BODY',
		text,
		example:
			format === 'NAMED'
				? { body_text_named_params: ordered.map((name) => ({ param_name: name, example: exampleOf(name) })) }
				: { body_text: [ordered.map(exampleOf)] },
	};
}

function footerComponent(text: string, problems: Problem[]): TemplateCreateRequest['components'][number] {
	if (length(text) > TEMPLATE_FOOTER_TEXT_MAX_LENGTH) {
		problems.push({ code: 'TEMPLATE_FOOTER_INVALID', field: 'footer', message: `The footer is ${length(text)} characters long; Meta allows at most ${TEMPLATE_FOOTER_TEXT_MAX_LENGTH}.`, hint: 'Shorten the footer.' });
	}
	if (bracedTokens(text).length > 0) {
		// The send request has no footer parameters, so a footer variable could never be filled.
		problems.push({ code: 'TEMPLATE_FOOTER_INVALID', field: 'footer', message: 'The footer contains a variable; a footer is fixed text.', hint: 'Move the variable to the body or the header.' });
	}
	return { type: 'FOOTER', text };
}

/** The distinct variables of a text in order of appearance, each checked against the parameter format. */
function variablesOf(text: string, field: string, format: 'POSITIONAL' | 'NAMED', problems: Problem[]): string[] {
	const tokens = bracedTokens(text);
	const where = field === 'body' ? 'The body' : field === 'header' ? 'The header' : `The ${field}`;
	if (text.split('{{').length - 1 !== tokens.length || text.split('}}').length - 1 !== tokens.length) {
		problems.push({ code: 'TEMPLATE_VARIABLES_INVALID', field, message: `${where} has an unclosed or nested {{ }}.`, hint: 'Write each variable as {{1}} or {{name}}, with two braces on each side.' });
	}
	const names: string[] = [];
	for (const token of tokens) {
		if (format === 'POSITIONAL' && !isPosition(token)) {
			problems.push({
				code: 'TEMPLATE_VARIABLES_INVALID',
				field,
				message: `${where} has {{${token}}}, but the parameter format is positional ({{1}}, {{2}}…).`,
				hint: /^[a-z0-9_]+$/.test(token) ? 'Number the variables {{1}}, {{2}}…, or choose the named parameter format.' : 'Number the variables {{1}}, {{2}}… without spaces.',
			});
			continue;
		}
		if (format === 'NAMED' && !/^[a-z0-9_]+$/.test(token)) {
			problems.push({ code: 'TEMPLATE_VARIABLES_INVALID', field, message: `${where} has {{${token}}}, which is not a named variable.`, hint: 'Named variables use lowercase letters, digits and underscores, e.g. {{first_name}}.' });
			continue;
		}
		if (format === 'NAMED' && isPosition(token)) {
			problems.push({ code: 'TEMPLATE_VARIABLES_INVALID', field, message: `${where} has {{${token}}}, but the parameter format is named.`, hint: 'Name the variable (e.g. {{first_name}}), or choose the positional parameter format.' });
			continue;
		}
		if (!names.includes(token)) names.push(token);
	}
	return names;
}

function checkSequence(names: readonly string[], problems: Problem[]): void {
	const numbers = new Set(names.map(Number));
	const highest = Math.max(...numbers);
	const gaps = Array.from({ length: highest }, (_, i) => i + 1).filter((n) => !numbers.has(n));
	if (gaps.length > 0 || numbers.has(0)) {
		problems.push({
			code: 'TEMPLATE_VARIABLES_INVALID',
			field: 'body',
			message: numbers.has(0)
				? 'The body has {{0}}; positional variables start at {{1}}.'
				: `The body's variables skip ${braces(gaps.map(String))}; they must run {{1}} to {{${highest}}} without gaps.`,
			hint: 'Renumber the variables {{1}}, {{2}}, {{3}}… in sequence.',
		});
	}
}

function buttonList(buttons: readonly TemplateButtonDefinition[], format: 'POSITIONAL' | 'NAMED', problems: Problem[]): TemplateButton[] {
	const count = (type: TemplateButtonDefinition['type']) => buttons.filter((button) => button.type === type).length;
	const limits: Array<[TemplateButtonDefinition['type'], number, string]> = [
		['quick_reply', TEMPLATE_MAX_QUICK_REPLY_BUTTONS, 'quick reply'],
		['url', TEMPLATE_MAX_URL_BUTTONS, 'URL'],
		['phone_number', TEMPLATE_MAX_PHONE_BUTTONS, 'phone number'],
		['copy_code', TEMPLATE_MAX_COPY_CODE_BUTTONS, 'copy code'],
	];
	if (buttons.length > TEMPLATE_MAX_BUTTONS) {
		problems.push({ code: 'TEMPLATE_BUTTONS_INVALID', field: 'buttons', message: `The template has ${buttons.length} buttons; Meta allows at most ${TEMPLATE_MAX_BUTTONS}.`, hint: 'Remove buttons.' });
	}
	for (const [type, max, label] of limits) {
		if (count(type) > max) {
			problems.push({ code: 'TEMPLATE_BUTTONS_INVALID', field: 'buttons', message: `The template has ${count(type)} ${label} buttons; Meta allows at most ${max}.`, hint: `Keep at most ${max} ${label} button${max > 1 ? 's' : ''}.` });
		}
	}
	const quickReplies = buttons.flatMap((button, index) => (button.type === 'quick_reply' ? [index] : []));
	if (quickReplies.length > 0 && quickReplies[quickReplies.length - 1] - quickReplies[0] !== quickReplies.length - 1) {
		problems.push({
			code: 'TEMPLATE_BUTTONS_INVALID',
			field: 'buttons',
			message: 'The quick reply buttons are split by other buttons; Meta wants them in one group.',
			hint: 'Put all quick reply buttons together, before or after the other buttons.',
		});
	}
	return buttons.map((button, index) => buttonOf(button, index, format, problems));
}

function buttonOf(button: TemplateButtonDefinition, index: number, format: 'POSITIONAL' | 'NAMED', problems: Problem[]): TemplateButton {
	const field = `buttons[${index}]`;
	const which = `Button ${index + 1}`;
	const fail = (message: string, hint: string) => problems.push({ code: 'TEMPLATE_BUTTONS_INVALID', field, message: `${which}: ${message}`, hint });
	const label = (text: string): string => {
		const trimmed = String(text ?? '').trim();
		if (trimmed === '') fail('its label is empty.', 'Give the button a label.');
		else if (length(trimmed) > TEMPLATE_BUTTON_TEXT_MAX_LENGTH) fail(`its label is ${length(trimmed)} characters long; Meta allows at most ${TEMPLATE_BUTTON_TEXT_MAX_LENGTH}.`, 'Shorten the label.');
		return trimmed;
	};
	switch (button.type) {
		case 'quick_reply':
			return { type: 'QUICK_REPLY', text: label(button.text) };
		case 'phone_number': {
			const text = label(button.text);
			const phone = String(button.phoneNumber ?? '').trim();
			if (phone === '') fail('it has no phone number.', 'Give the business phone number the button calls, e.g. 15550051310.');
			else if (phone.length > TEMPLATE_BUTTON_PHONE_MAX_LENGTH) fail(`its phone number is ${phone.length} characters long; Meta allows at most ${TEMPLATE_BUTTON_PHONE_MAX_LENGTH}.`, 'Give the number with its country code and no extra text.');
			return { type: 'PHONE_NUMBER', text, phone_number: phone };
		}
		case 'copy_code': {
			const example = String(button.example ?? '').trim();
			if (example === '') fail('it has no example code.', 'Give an example of the code it copies, e.g. 25OFF.');
			else if (length(example) > TEMPLATE_COPY_CODE_MAX_LENGTH) fail(`its example code is ${length(example)} characters long; Meta allows at most ${TEMPLATE_COPY_CODE_MAX_LENGTH}.`, 'Use a shorter example code.');
			return { type: 'COPY_CODE', example };
		}
		case 'url': {
			const text = label(button.text);
			const url = String(button.url ?? '').trim();
			if (url === '') {
				fail('it has no URL.', 'Give the web address the button opens, e.g. https://www.example.com/orders/{{1}}.');
				return { type: 'URL', text, url };
			}
			if (length(url) > TEMPLATE_BUTTON_URL_MAX_LENGTH) fail(`its URL is ${length(url)} characters long; Meta allows at most ${TEMPLATE_BUTTON_URL_MAX_LENGTH}.`, 'Shorten the URL.');
			const tokens = bracedTokens(url);
			if (!/^https?:\/\/[^\s/{}]+/i.test(url)) fail(`${quoteValue(url, 60)} is not a web address.`, 'Start the URL with https:// and its domain; a variable may only end it.');
			if (tokens.length === 0) return { type: 'URL', text, url };
			const token = tokens[0];
			if (tokens.length > 1 || !url.endsWith(`{{${token}}}`)) {
				fail('its URL may have one variable, at its end.', 'Keep one variable and put it at the end of the URL, e.g. https://www.example.com/track/{{1}}.');
			} else if (format === 'POSITIONAL' ? token !== '1' : !/^[a-z0-9_]+$/.test(token) || isPosition(token)) {
				fail(`its URL variable {{${token}}} does not match the ${format === 'POSITIONAL' ? 'positional' : 'named'} parameter format.`, format === 'POSITIONAL' ? 'Write the URL variable as {{1}}.' : 'Name the URL variable in lowercase, e.g. {{order_id}}.');
			}
			const example = String(button.example ?? '').trim();
			if (example === '') {
				fail(`its URL variable {{${token}}} has no example value.`, 'Give an example of the end of the URL, e.g. an order number.');
				return { type: 'URL', text, url };
			}
			// Meta's example is the whole URL with the variable filled in.
			return { type: 'URL', text, url, example: [url.slice(0, url.length - `{{${token}}}`.length) + example] };
		}
		default:
			fail(`${quoteValue(String((button as { type?: unknown }).type), 20)} is not a button type.`, 'Choose quick reply, URL, phone number or copy code.');
			return { type: String((button as { type?: unknown }).type) };
	}
}

// ---- authentication templates ----

function authenticationComponents(input: TemplateCreateInput, problems: Problem[]): TemplateCreateRequest['components'] {
	const given = [
		input.header !== undefined && 'a header',
		typeof input.body === 'string' && input.body.trim() !== '' && 'body text',
		typeof input.footer === 'string' && input.footer.trim() !== '' && 'a footer',
		(input.buttons ?? []).length > 0 && 'buttons',
	].filter((part): part is string => typeof part === 'string');
	if (given.length > 0) {
		problems.push({
			code: 'TEMPLATE_CATEGORY_INVALID',
			field: 'category',
			message: `An authentication template has Meta's preset text and one copy-code button, but ${listInSentence(given)} ${given.length > 1 ? 'were' : 'was'} given.`,
			hint: 'Remove them and use the authentication options (security recommendation, code expiration, button label), or choose UTILITY or MARKETING.',
		});
	}
	const options = input.authentication ?? {};
	const components: TemplateCreateRequest['components'] = [{ type: 'BODY', add_security_recommendation: options.addSecurityRecommendation === true }];
	const minutes = options.codeExpirationMinutes;
	if (minutes !== undefined && minutes !== null && minutes !== 0) {
		if (!Number.isInteger(minutes) || minutes < 1 || minutes > TEMPLATE_CODE_EXPIRATION_MAX_MINUTES) {
			problems.push({ code: 'TEMPLATE_FOOTER_INVALID', field: 'codeExpirationMinutes', message: `The code expiration must be a whole number of minutes from 1 to ${TEMPLATE_CODE_EXPIRATION_MAX_MINUTES}; ${String(minutes)} was given.`, hint: 'Give the minutes the code stays valid, or 0 for no expiration footer.' });
		}
		components.push({ type: 'FOOTER', code_expiration_minutes: minutes });
	}
	const button: TemplateButton & Record<string, unknown> = { type: 'OTP', otp_type: 'COPY_CODE' };
	const text = String(options.buttonText ?? '').trim();
	if (length(text) > TEMPLATE_BUTTON_TEXT_MAX_LENGTH) {
		problems.push({ code: 'TEMPLATE_BUTTONS_INVALID', field: 'buttons[0]', message: `The copy-code button's label is ${length(text)} characters long; Meta allows at most ${TEMPLATE_BUTTON_TEXT_MAX_LENGTH}.`, hint: 'Shorten the label, or leave it empty for Meta\'s.' });
	}
	if (text !== '') button.text = text;
	components.push({ type: 'BUTTONS', buttons: [button] });
	return components;
}

function braces(names: readonly string[]): string {
	return listInSentence(names.map((name) => `{{${name}}}`));
}
