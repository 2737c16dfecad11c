/**
 * Model answers come as Markdown (sometimes HTML, sometimes with a model's own markup left in);
 * WhatsApp shows plain text with its own markers: *bold*, _italic_, ~strike~, ```monospace```.
 * `toWhatsAppText` turns the one into the other so the customer never sees stray symbols.
 */

// Private-use characters mark protected spans (code, URLs) and bold while the other rules run; any in
// the input are dropped first so they cannot collide.
const PRIVATE_USE = /[\uE000-\uE003]/g;
const SLOT_OPEN = '\uE000';
const SLOT_CLOSE = '\uE001';
const BOLD_OPEN = '\uE002';
const BOLD_CLOSE = '\uE003';
const SLOT = /\uE000(\d+)\uE001/g;
const HAS_SLOT = /\uE000\d+\uE001/;

/** Text set aside so later rules do not touch it, put back at the end. */
class Vault {
	private readonly items: string[] = [];

	keep(text: string): string {
		this.items.push(text);
		return `${SLOT_OPEN}${this.items.length - 1}${SLOT_CLOSE}`;
	}

	restore(text: string): string {
		let current = text;
		// Protected text can hold slots of its own (a link whose text had code); a few rounds suffice.
		for (let round = 0; round < 4 && HAS_SLOT.test(current); round++) {
			current = current.replace(SLOT, (_match, index: string) => this.items[Number(index)] ?? '');
		}
		return current;
	}
}

/** Reasoning, tool-call and chat-template markup some models leave in their answer. */
function stripModelRemnants(text: string): string {
	return text
		.replace(/<(think|thinking|reasoning|reflection)>[\s\S]*?<\/\1>/gi, '')
		.replace(/<(tool_call|tool_calls|function_call|function_calls|tool_response|tool_result)>[\s\S]*?<\/\1>/gi, '')
		.replace(/<function=[^>]*>[\s\S]*?<\/function>/gi, '')
		.replace(/<\|python_tag\|>[^\n]*/g, '')
		.replace(/\[TOOL_CALLS\][^\n]*/g, '')
		.replace(/<\|[a-z_]+(?:\|[a-z_]+)*\|>/gi, '')
		.replace(/<\/?(?:s|think|thinking)>|\[\/?INST\]/gi, '');
}

function monospace(code: string): string {
	const trimmed = code.replace(/^\n+|\s+$/g, '');
	return trimmed === '' ? '' : `\`\`\`${trimmed}\`\`\``;
}

/** Fenced blocks (```lang … ```, ~~~ … ~~~), an unclosed last fence included, and inline code. */
function protectCode(text: string, vault: Vault): string {
	let result = text.replace(/^[ \t]*(`{3,}|~{3,})[^\n`]*\n([\s\S]*?)(?:^[ \t]*\1[ \t]*$|$(?![\s\S]))/gm, (_match, _fence: string, code: string) =>
		vault.keep(monospace(code)),
	);
	result = result.replace(/<pre[^>]*>(?:\s*<code[^>]*>)?([\s\S]*?)(?:<\/code>\s*)?<\/pre>/gi, (_match, code: string) => vault.keep(monospace(decodeEntities(code))));
	result = result.replace(/<code[^>]*>([\s\S]*?)<\/code>/gi, (_match, code: string) => vault.keep(monospace(decodeEntities(code))));
	const inline = (_match: string, code: string) => (code.trim() === '' ? _match : vault.keep(monospace(code.trim())));
	result = result.replace(/(?<!`)``(?!`)([^\n]+?)(?<!`)``(?!`)/g, inline);
	result = result.replace(/(?<!`)`(?!`)([^`\n]+)`(?!`)/g, inline);
	return result;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (match, name: string) => {
		const lower = name.toLowerCase();
		if (lower in ENTITIES) return ENTITIES[lower];
		const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : lower.startsWith('#') ? parseInt(lower.slice(1), 10) : NaN;
		return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
	});
}

/** HTML turned into the Markdown the next steps understand; other tags dropped, entities decoded. */
function htmlToMarkdown(text: string): string {
	return decodeEntities(
		text
			.replace(/<!--[\s\S]*?-->/g, '')
			.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
			.replace(/<br\s*\/?>/gi, '\n')
			.replace(/<\/?(p|div|section|article|ul|ol|table)(\s[^<>]*)?>/gi, '\n\n')
			.replace(/<\/(tr|h[1-6])>/gi, '\n')
			.replace(/<h[1-6](\s[^<>]*)?>/gi, '\n# ')
			.replace(/<li(\s[^<>]*)?>/gi, '\n- ')
			.replace(/<\/?(td|th)(\s[^<>]*)?>/gi, ' ')
			.replace(/<(b|strong)(\s[^<>]*)?>([\s\S]*?)<\/\1>/gi, '**$3**')
			.replace(/<(i|em)(\s[^<>]*)?>([\s\S]*?)<\/\1>/gi, '*$3*')
			.replace(/<(s|del|strike)(\s[^<>]*)?>([\s\S]*?)<\/\1>/gi, '~~$3~~')
			.replace(/<a\s[^<>]*href\s*=\s*["']([^"']+)["'][^<>]*>([\s\S]*?)<\/a>/gi, '[$2]($1)')
			.replace(/<\/?[a-z][a-z0-9-]*(\s[^<>]*)?\/?>/gi, ''),
	);
}

function sameLink(text: string, url: string): boolean {
	const bare = (value: string) => value.replace(/^(https?:\/\/|mailto:)/i, '').replace(/\/$/, '');
	return bare(text.trim()) === bare(url);
}

/** `[text](url)` → "text (url)", images → "alt (url)", autolinks → url; URLs then set aside intact. */
function convertLinks(text: string, vault: Vault): string {
	const link = (label: string, url: string) => (label.trim() === '' || sameLink(label, url) ? vault.keep(url) : `${label.trim()} (${vault.keep(url)})`);
	return text
		.replace(/!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"'\n]*["'])?\s*\)/g, (_match, alt: string, url: string) => link(alt, url))
		.replace(/\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"'\n]*["'])?\s*\)/g, (_match, label: string, url: string) => link(label, url))
		.replace(/<((?:https?:\/\/|mailto:)[^>\s]+)>/gi, (_match, url: string) => vault.keep(url.replace(/^mailto:/i, '')))
		.replace(/\bhttps?:\/\/[^\s<>()\uE000-\uE003]+[^\s<>().,;:!?'"\uE000-\uE003]/gi, (url) => vault.keep(url));
}

/** Emphasis markers removed, for headings that become bold as a whole. */
function plainEmphasis(text: string): string {
	return text.replace(/(\*\*|__)(.+?)\1/g, '$2').replace(/(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])/g, '$1');
}

const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;

/** Headings, rules, lists, quotes and tables, one line at a time. */
function convertLines(text: string): string {
	const lines = text.split('\n');
	const output: string[] = [];
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index].replace(/\t/g, '  ');
		const next = lines[index + 1] ?? '';
		const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (heading) {
			const title = plainEmphasis(heading[1]).trim();
			output.push(title === '' ? '' : `${BOLD_OPEN}${title}${BOLD_CLOSE}`);
			continue;
		}
		// Setext headings: a text line underlined with === or ---.
		if (line.trim() !== '' && /^\s*(=+|-{2,})\s*$/.test(next) && !/^\s*([-*+]|\d+[.)])\s/.test(line)) {
			output.push(`${BOLD_OPEN}${plainEmphasis(line).trim()}${BOLD_CLOSE}`);
			index++;
			continue;
		}
		if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
			output.push('');
			continue;
		}
		if (TABLE_SEPARATOR.test(line) && line.includes('-') && (line.includes('|') || TABLE_ROW.test(lines[index - 1] ?? ''))) continue;
		if (TABLE_ROW.test(line)) {
			output.push(
				line
					.trim()
					.replace(/^\||\|$/g, '')
					.split('|')
					.map((cell) => cell.trim())
					.join(' | '),
			);
			continue;
		}
		const task = /^(\s*)[-*+]\s+\[([ xX])\]\s+(.*)$/.exec(line);
		if (task) {
			output.push(`${task[1].length >= 2 ? '  ' : ''}${task[2] === ' ' ? '☐' : '☑'} ${task[3]}`);
			continue;
		}
		const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
		if (bullet) {
			output.push(bullet[1].length >= 2 ? `  ◦ ${bullet[2]}` : `• ${bullet[2]}`);
			continue;
		}
		const numbered = /^(\s*)(\d{1,9})[.)]\s+(.*)$/.exec(line);
		if (numbered) {
			output.push(`${numbered[1].length >= 2 ? '  ' : ''}${numbered[2]}. ${numbered[3]}`);
			continue;
		}
		const quote = /^\s*(>\s?)+(.*)$/.exec(line);
		if (quote) {
			output.push(`> ${quote[2]}`);
			continue;
		}
		output.push(line);
	}
	return output.join('\n');
}

/** Markdown emphasis to WhatsApp's: bold and bold-italic first, so single markers left are italics. */
function convertEmphasis(text: string): string {
	return text
		.replace(/(\*\*\*|___)(?!\s)([^\n]+?)(?<!\s)\1/g, `${BOLD_OPEN}_$2_${BOLD_CLOSE}`)
		.replace(/\*\*(?!\s)([^\n]+?)(?<!\s)\*\*/g, `${BOLD_OPEN}$1${BOLD_CLOSE}`)
		.replace(/(?<!\w)__(?!\s)([^\n]+?)(?<!\s)__(?!\w)/g, `${BOLD_OPEN}$1${BOLD_CLOSE}`)
		.replace(/(?<![\w*\\])\*(?![\s*])([^*\n]*?[^\s*\\])\*(?![\w*])/g, '_$1_')
		.replace(/~~(?!\s)([^~\n]+?)(?<!\s)~~/g, '~$1~')
		.replace(new RegExp(`[${BOLD_OPEN}${BOLD_CLOSE}]`, 'g'), '*');
}

function unescapeMarkdown(text: string): string {
	return text.replace(/\\([\\`*_{}[\]()#+\-.!~>|])/g, '$1');
}

/** A model's answer as WhatsApp-ready text. */
export function toWhatsAppText(answer: string): string {
	const vault = new Vault();
	let text = answer.replace(/\r\n?/g, '\n').replace(PRIVATE_USE, '');
	text = stripModelRemnants(text);
	text = protectCode(text, vault);
	text = htmlToMarkdown(text);
	text = convertLinks(text, vault);
	text = convertLines(text);
	text = convertEmphasis(text);
	text = unescapeMarkdown(text);
	text = text
		.split('\n')
		.map((line) => line.replace(/\s+$/, ''))
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
	return vault.restore(text).trim();
}
