/**
 * Opt-out and opt-in keywords. A customer who sends just "STOP" no longer gets marketing templates;
 * "START" undoes it. Only a whole message is a keyword: "please don't stop sending" is not an opt-out.
 */
import { PolicyError } from '../errors';
import type { TemplateCategory } from '../template/definition';
import { quoteValue } from './text';

/**
 * STOP-style keywords: the usual English set plus common ones in Spanish and Portuguese (PARAR, BAJA,
 * CANCELAR, SAIR, DESCADASTRAR), French (ARRET, ARRETER, DESABONNER) and German/Nordic (STOPP, ABMELDEN).
 * CANCEL and END are in the English industry set; a flow where customers cancel orders by typing
 * "cancel" should pass its own list.
 */
export const DEFAULT_OPT_OUT_KEYWORDS: readonly string[] = [
	'STOP',
	'STOPALL',
	'UNSUBSCRIBE',
	'CANCEL',
	'END',
	'QUIT',
	'OPT OUT',
	'OPTOUT',
	'PARAR',
	'BAJA',
	'DAR DE BAJA',
	'CANCELAR',
	'SAIR',
	'DESCADASTRAR',
	'ARRET',
	'ARRETER',
	'DESABONNER',
	'STOPP',
	'ABMELDEN',
];

export const DEFAULT_OPT_IN_KEYWORDS: readonly string[] = ['START', 'SUBSCRIBE', 'UNSTOP', 'OPT IN', 'OPTIN'];

export type OptKeywordClass = 'opt_out' | 'opt_in';

export interface OptKeywordOptions {
	/** Replaces the default opt-out keywords (spread DEFAULT_OPT_OUT_KEYWORDS to extend them). */
	optOut?: readonly string[];
	/** Replaces the default opt-in keywords. */
	optIn?: readonly string[];
}

/**
 * Classifies an inbound text as an opt-out or opt-in keyword, or null. The whole message must be the
 * keyword, compared ignoring case, accents ("ARRÊT" = "arret"), surrounding spaces, punctuation and emoji
 * ("Stop!!", "stop 🛑"), and separators inside it ("opt-out" = "OPT OUT" = "optout"). When a word is in
 * both lists, opt-out wins: wrongly stopping marketing is harmless, wrongly resuming it is not.
 */
export function classifyOptKeyword(text: string, options: OptKeywordOptions = {}): OptKeywordClass | null {
	const message = keywordKey(text);
	if (message === '') return null;
	if (keywordKeys(options.optOut ?? DEFAULT_OPT_OUT_KEYWORDS).has(message)) return 'opt_out';
	if (keywordKeys(options.optIn ?? DEFAULT_OPT_IN_KEYWORDS).has(message)) return 'opt_in';
	return null;
}

/** Every inbound text is classified: a list's comparable forms are computed once per list. */
const keysByList = new WeakMap<readonly string[], ReadonlySet<string>>();

function keywordKeys(keywords: readonly string[]): ReadonlySet<string> {
	let keys = keysByList.get(keywords);
	if (keys === undefined) {
		keys = new Set(keywords.map(keywordKey).filter((key) => key !== ''));
		keysByList.set(keywords, keys);
	}
	return keys;
}

/**
 * The comparable form of a message or keyword: accents removed (NFKD, then combining marks dropped),
 * upper case, leading/trailing non-letters (punctuation, emoji, spaces) trimmed, and inner spaces,
 * hyphens, underscores and dots removed.
 */
function keywordKey(value: string): string {
	if (typeof value !== 'string') return '';
	return value
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toUpperCase()
		.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
		.replace(/[\s\-_.\u2010-\u2015]+/gu, '');
}

export interface OptOutStatus {
	optedOut: boolean;
	/** When the contact opted out (epoch ms), for the message; optional. */
	optedOutAt?: number | null;
}

/**
 * Refuses a MARKETING template to a contact who opted out (CONTACT_OPTED_OUT). Utility and
 * authentication templates still go through, as Meta allows: an order update or a login code is
 * something the customer asked for. `recipient` names the contact in the message.
 */
export function assertNotOptedOut(contact: OptOutStatus, category: TemplateCategory, recipient = 'This contact'): void {
	if (!contact.optedOut) return;
	if (String(category).trim().toUpperCase() !== 'MARKETING') return;
	const since =
		typeof contact.optedOutAt === 'number' && Number.isFinite(contact.optedOutAt)
			? ` on ${new Date(contact.optedOutAt).toISOString().slice(0, 10)}`
			: '';
	const who = recipient === 'This contact' ? recipient : quoteValue(recipient);
	throw new PolicyError(
		'CONTACT_OPTED_OUT',
		`${who} opted out of marketing messages${since}, so this marketing template was not sent.`,
		'Send marketing only to contacts who have not opted out; utility and authentication templates are still allowed. The contact opts back in by sending START (or is opted in with the WhatsApp Conversation node if they asked for it).',
		{ category: 'MARKETING', optedOutAt: contact.optedOutAt ?? null },
	);
}
