/**
 * Template management as Meta serves it: POST /{waba-id}/message_templates (Meta's creation checks;
 * a new template starts PENDING until setTemplateStatus decides), DELETE by name (every language) or
 * name + hsm_id, and GET /{template-id}. Checked independently of the package's own pre-checks, so a
 * test sees what Meta would answer to a request the package lets through.
 */
import type { TemplateButton, TemplateComponent, TemplateDefinition } from '../../core/template/definition';
import { fail } from './meta-errors';
import { newGraphId, type SimulatorState } from './state';
import { isRecord, type JsonRecord } from './validate';

const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

/** Template creation errors: code 100 "Invalid parameter" with Meta's user-facing title and message. */
function invalid(userMessage: string, options: { subcode?: number; userTitle?: string } = {}): never {
	fail(100, undefined, {
		message: 'Invalid parameter',
		subcode: options.subcode,
		userTitle: options.userTitle ?? 'Invalid parameter',
		userMessage,
	});
}

function chars(text: string): number {
	return Array.from(text).length;
}

function tokens(text: string): string[] {
	return [...text.matchAll(/\{\{([^{}]*)\}\}/g)].map((match) => match[1]);
}

function upper(value: unknown): string {
	return typeof value === 'string' ? value.toUpperCase() : '';
}

function checkExamples(component: JsonRecord, kind: 'header' | 'body', names: string[], format: string): void {
	if (names.length === 0) return;
	const example = isRecord(component.example) ? component.example : {};
	const named = example[`${kind}_text_named_params`];
	const positional = example[`${kind}_text`];
	const given =
		format === 'NAMED'
			? new Set(Array.isArray(named) ? named.filter((entry) => isRecord(entry) && typeof entry.example === 'string' && entry.example !== '').map((entry) => String((entry as JsonRecord).param_name)) : [])
			: new Set(
					(kind === 'body' && Array.isArray(positional) && Array.isArray(positional[0]) ? positional[0] : Array.isArray(positional) ? positional : [])
						.map((value: unknown, index: number) => (typeof value === 'string' && value !== '' ? String(index + 1) : ''))
						.filter((key: string) => key !== ''),
				);
	const missing = names.filter((name) => !given.has(name));
	if (missing.length > 0) invalid(`The ${kind} has variables without sample values: ${missing.map((name) => `{{${name}}}`).join(', ')}. Add samples for each variable.`);
}

function checkButtons(buttons: unknown[]): void {
	if (buttons.length > 10) invalid('Templates can have at most 10 buttons.');
	const types = buttons.map((button) => (isRecord(button) ? upper(button.type) : ''));
	const count = (type: string) => types.filter((candidate) => candidate === type).length;
	if (count('URL') > 2) invalid('Templates are limited to 2 URL buttons.');
	if (count('PHONE_NUMBER') > 1) invalid('Templates are limited to 1 phone number button.');
	if (count('COPY_CODE') > 1) invalid('Templates are limited to 1 copy code button.');
	const quick = types.flatMap((type, index) => (type === 'QUICK_REPLY' ? [index] : []));
	if (quick.length > 0 && quick[quick.length - 1] - quick[0] !== quick.length - 1) {
		invalid('Invalid combination of buttons: quick reply buttons must be grouped together, before or after the other buttons.');
	}
	for (const button of buttons) {
		if (!isRecord(button)) invalid('Each button must be an object.');
		const type = upper(button.type);
		if (type === 'COPY_CODE' || type === 'OTP') continue;
		const text = typeof button.text === 'string' ? button.text : '';
		if (text.trim() === '' || chars(text) > 25) invalid('Button text is required and may be at most 25 characters.');
		if (type === 'URL') {
			const url = typeof button.url === 'string' ? button.url : '';
			if (url === '' || chars(url) > 2000) invalid('URL buttons need a URL of at most 2000 characters.');
			const variables = tokens(url);
			if (variables.length > 1 || (variables.length === 1 && !url.endsWith(`{{${variables[0]}}}`))) invalid('A URL button supports 1 variable, appended to the end of the URL.');
			if (variables.length === 1 && !(Array.isArray(button.example) && typeof button.example[0] === 'string')) invalid('A URL button with a variable needs an example URL.');
		}
		if (type === 'PHONE_NUMBER') {
			const phone = typeof button.phone_number === 'string' ? button.phone_number : '';
			if (phone === '' || phone.length > 20) invalid('Phone number buttons need a phone number of at most 20 characters.');
		}
	}
}

/** Meta's preset authentication text, as the template list reports it. */
function authenticationComponents(components: JsonRecord[]): TemplateComponent[] {
	const body = components.find((component) => upper(component.type) === 'BODY');
	const footer = components.find((component) => upper(component.type) === 'FOOTER');
	const buttons = components.find((component) => upper(component.type) === 'BUTTONS');
	const security = body?.add_security_recommendation === true ? ' For your security, do not share this code.' : '';
	const result: TemplateComponent[] = [{ type: 'BODY', text: `*{{1}}* is your verification code.${security}`, example: { body_text: [['123456']] } }];
	if (typeof footer?.code_expiration_minutes === 'number') result.push({ type: 'FOOTER', text: `This code expires in ${footer.code_expiration_minutes} minutes.` });
	const otp = Array.isArray(buttons?.buttons) && isRecord(buttons.buttons[0]) ? buttons.buttons[0] : {};
	result.push({ type: 'BUTTONS', buttons: [{ type: 'OTP', text: typeof otp.text === 'string' ? otp.text : 'Copy code' }] });
	return result;
}

/** POST /{waba-id}/message_templates. */
export function createTemplate(state: SimulatorState, body: unknown): JsonRecord {
	if (!isRecord(body)) fail(100, 'The request body is not valid JSON.');
	const name = typeof body.name === 'string' ? body.name : '';
	if (name === '' || name.length > 512 || !/^[a-z0-9_]+$/.test(name)) {
		invalid('Message template names can only contain lowercase alphanumeric characters and underscores (at most 512).', { userTitle: 'Invalid template name' });
	}
	const language = typeof body.language === 'string' ? body.language : '';
	if (language === '') fail(100, 'The parameter language is required.');
	const category = upper(body.category);
	if (!CATEGORIES.includes(category)) invalid(`Param category must be one of {${CATEGORIES.join(', ')}} - got "${String(body.category)}".`);
	const format = upper(body.parameter_format) || 'POSITIONAL';
	if (format !== 'POSITIONAL' && format !== 'NAMED') invalid('Param parameter_format must be one of {POSITIONAL, NAMED}.');
	const components = Array.isArray(body.components) ? body.components.filter(isRecord) : [];
	const existing = state.templates.find((template) => template.name === name && template.language === language);
	if (existing !== undefined) {
		invalid(`There is already ${language} content for this template. You can create a new template and try again.`, {
			subcode: 2388024,
			userTitle: 'Content in This Language Already Exists',
		});
	}

	let stored: TemplateComponent[];
	if (category === 'AUTHENTICATION') {
		stored = authenticationComponents(components);
	} else {
		const body_ = components.find((component) => upper(component.type) === 'BODY');
		if (body_ === undefined || typeof body_.text !== 'string' || body_.text.trim() === '') invalid('Templates need a BODY component with text.');
		if (chars(body_.text) > 1024) invalid('The body text may be at most 1024 characters.');
		const bodyText = body_.text.trim();
		const bodyNames = [...new Set(tokens(bodyText))];
		if (bodyNames.length > 0 && (bodyText.startsWith('{{') || bodyText.endsWith('}}'))) {
			invalid("Variables can't be at the start or end of the template.", { subcode: 2388299, userTitle: 'Variables can\'t be at the start or end of the template' });
		}
		checkExamples(body_, 'body', bodyNames, format);
		const header = components.find((component) => upper(component.type) === 'HEADER');
		if (header !== undefined) {
			const headerFormat = upper(header.format);
			if (headerFormat === 'TEXT') {
				const text = typeof header.text === 'string' ? header.text : '';
				if (text === '' || chars(text) > 60) invalid('The header text is required and may be at most 60 characters.');
				const names = [...new Set(tokens(text))];
				if (names.length > 1) invalid('The header supports 1 variable.');
				checkExamples(header, 'header', names, format);
			} else if (['IMAGE', 'VIDEO', 'DOCUMENT'].includes(headerFormat)) {
				const handle = isRecord(header.example) && Array.isArray(header.example.header_handle) ? header.example.header_handle[0] : undefined;
				if (typeof handle !== 'string' || handle === '') invalid('Media headers need an example header_handle uploaded with the Resumable Upload API.');
			} else if (headerFormat === 'LOCATION') {
				if (category !== 'UTILITY' && category !== 'MARKETING') invalid('Location headers can only be used in UTILITY or MARKETING templates.');
			} else {
				invalid(`Param components[].format must be one of {TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION} - got "${String(header.format)}".`);
			}
		}
		const footer = components.find((component) => upper(component.type) === 'FOOTER');
		if (footer !== undefined && (typeof footer.text !== 'string' || chars(footer.text) > 60)) invalid('The footer text may be at most 60 characters.');
		const buttons = components.find((component) => upper(component.type) === 'BUTTONS');
		if (buttons !== undefined) checkButtons(Array.isArray(buttons.buttons) ? buttons.buttons : []);
		stored = components.map((component) => ({ ...(component as unknown as TemplateComponent), type: upper(component.type) }));
		for (const component of stored) {
			if (component.format !== undefined) component.format = component.format.toUpperCase();
			if (Array.isArray(component.buttons)) component.buttons = component.buttons.map((button: TemplateButton) => ({ ...button, type: upper(button.type) }));
		}
	}

	const template: TemplateDefinition = { id: newGraphId(), name, language, status: 'PENDING', category, parameter_format: format, components: stored };
	state.templates.push(template);
	return { id: template.id, status: template.status, category: template.category };
}

/** DELETE /{waba-id}/message_templates?name=[&hsm_id=]. */
export function deleteTemplates(state: SimulatorState, query: URLSearchParams): JsonRecord {
	const name = query.get('name') ?? '';
	const hsmId = query.get('hsm_id');
	if (name === '') fail(100, 'The parameter name is required.');
	const matching = state.templates.filter((template) => template.name === name && (hsmId === null || template.id === hsmId));
	if (matching.length === 0) invalid(`Message template "${name}"${hsmId === null ? '' : ` with id ${hsmId}`} could not be found.`, { userTitle: 'Message template not found' });
	if (matching.some((template) => template.status === 'DISABLED')) invalid('Templates that are disabled cannot be deleted.');
	for (const template of matching) state.templates.splice(state.templates.indexOf(template), 1);
	return { success: true };
}

/** GET /{template-id}: the template as a node, or null when the id is no template. */
export function templateNode(state: SimulatorState, id: string): JsonRecord | null {
	const template = state.templates.find((candidate) => candidate.id === id);
	return template === undefined ? null : ({ ...template } as unknown as JsonRecord);
}
