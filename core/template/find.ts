/**
 * Finding the template a send names in the account's list: by name and language (case and separator
 * aside), an approved version first, with errors that say what exists instead.
 */
import { PolicyError } from '../errors';
import { listInSentence, quoteValue } from '../policy/text';
import type { TemplateDefinition } from './definition';

/**
 * The template to send (its `name` and `language` may differ in case or separator from the ones
 * asked for). Throws, in this order: TEMPLATE_NOT_FOUND (with close names),
 * TEMPLATE_LANGUAGE_UNAVAILABLE (with the languages it has), TEMPLATE_NOT_APPROVED (with its status).
 */
export function findApprovedTemplate(
	templates: readonly TemplateDefinition[] | TemplateDefinition | undefined,
	name: string,
	language: string,
): TemplateDefinition {
	const all = (Array.isArray(templates) ? templates : templates === undefined ? [] : [templates]).filter(
		(t): t is TemplateDefinition => typeof t === 'object' && t !== null && typeof t.name === 'string',
	);
	const wantedName = String(name ?? '').trim();
	const sameName = all.filter((t) => t.name.trim().toLowerCase() === wantedName.toLowerCase());
	if (wantedName === '' || sameName.length === 0) throw templateNotFound(wantedName, all);

	const wantedLanguage = String(language ?? '').trim();
	const sameLanguage = sameName.filter((t) => languageKey(t.language) === languageKey(wantedLanguage));
	if (sameLanguage.length === 0) throw languageUnavailable(sameName[0].name, wantedLanguage, sameName);
	const template = sameLanguage.find((t) => statusOf(t) === 'APPROVED') ?? sameLanguage[0];

	const status = statusOf(template);
	if (status !== 'APPROVED') throw notApproved(template, status);
	return template;
}

/** en_US, en-us and EN_US are one language to Meta's template list. */
export function languageKey(language: unknown): string {
	return typeof language === 'string' ? language.trim().replace(/-/g, '_').toLowerCase() : '';
}

/** The status upper case, UNKNOWN when missing. */
export function statusOf(template: TemplateDefinition): string {
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
		// Meta's template pausing: 3 hours the first time, 6 hours the second, disabled the third.
		PAUSED: "Meta paused it for low quality (customers blocked or reported it); it resumes by itself after 3 hours the first time, 6 hours the second. Edit its content in WhatsApp Manager to resume it now, or send another approved template meanwhile.",
		DISABLED: 'Meta disabled it after it was paused for low quality a third time; it cannot be sent again. Create a new template with better content, or use another approved one.',
	};
	return new PolicyError(
		'TEMPLATE_NOT_APPROVED',
		status === 'PAUSED' || status === 'DISABLED'
			? `The template ${quoteValue(template.name, 80)} (${template.language}) is ${status.toLowerCase()} by Meta for low quality, so it cannot be sent; nothing was sent to Meta.`
			: `The template ${quoteValue(template.name, 80)} (${template.language}) cannot be sent: its status is ${status}, and only APPROVED templates can be sent.`,
		hints[status] ?? 'Check the template in WhatsApp Manager; only APPROVED templates can be sent.',
		{ name: template.name, language: template.language, status },
	);
}
