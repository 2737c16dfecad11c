/**
 * WhatsApp takes at most 4,096 characters in a text message (counted in code points, as the policy
 * counts them). Longer answers go out as several messages, each cut where a reader would pause:
 * a paragraph, then a line, a sentence, a word; never inside a ```monospace``` block when it can be
 * avoided (and when it cannot, the block is closed and reopened), never inside an emoji or a letter
 * with its combining marks, and never inside a right-to-left embedding.
 */
export const WHATSAPP_TEXT_LIMIT = 4096;

const FENCE = '```';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** UTF-16 index just after the first `count` code points of `text` (its length if shorter). */
function indexAfterCodePoints(text: string, count: number): number {
	let index = 0;
	for (let seen = 0; seen < count && index < text.length; seen++) {
		index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
	}
	return index;
}

function codePointLength(text: string): number {
	let length = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		// A high surrogate followed by a low one is a single code point.
		if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) index++;
		}
		length++;
	}
	return length;
}

/** The last grapheme boundary at or before `end`: an emoji sequence or a letter with marks stays whole. */
function graphemeBoundaryAtOrBefore(text: string, end: number): number {
	let boundary = 0;
	for (const { index } of graphemes.segment(text.slice(0, Math.min(text.length, end + 64)))) {
		if (index > end) break;
		boundary = index;
	}
	return boundary > 0 ? boundary : end;
}

/** [start, end) of each ```monospace``` block; an unclosed one runs to the end. */
function codeRanges(text: string): Array<[number, number]> {
	const ranges: Array<[number, number]> = [];
	let open = text.indexOf(FENCE);
	while (open >= 0) {
		const close = text.indexOf(FENCE, open + FENCE.length);
		if (close < 0) {
			ranges.push([open, text.length]);
			break;
		}
		ranges.push([open, close + FENCE.length]);
		open = text.indexOf(FENCE, close + FENCE.length);
	}
	return ranges;
}

const BIDI_OPENERS = new Set([0x202a, 0x202b, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068]);
const BIDI_CLOSERS = new Set([0x202c, 0x2069]);

/** Per index, whether a cut there leaves no directional embedding or isolate open. */
function bidiBalance(text: string): Uint8Array {
	const balanced = new Uint8Array(text.length + 1);
	let depth = 0;
	for (let index = 0; index <= text.length; index++) {
		balanced[index] = depth === 0 ? 1 : 0;
		const code = text.charCodeAt(index);
		if (BIDI_OPENERS.has(code)) depth++;
		else if (BIDI_CLOSERS.has(code) && depth > 0) depth--;
	}
	return balanced;
}

interface Boundary {
	pattern: RegExp;
	/** Where the first part ends for a match: the rest starts after any whitespace there. */
	cutAt: (match: RegExpExecArray) => number;
}

const PARAGRAPH: Boundary = { pattern: /\n[ \t]*\n/g, cutAt: (match) => match.index };
const LINE: Boundary = { pattern: /\n/g, cutAt: (match) => match.index };
// Latin, CJK, Arabic and Urdu sentence ends, with closing quotes or brackets after them.
const SENTENCE: Boundary = { pattern: /[.!?…。！？؟۔]+["'”’»)\]]*(?=\s)/g, cutAt: (match) => match.index + match[0].length };
const WORD: Boundary = { pattern: /\s+/g, cutAt: (match) => match.index };

function lastCut(text: string, end: number, min: number, boundary: Boundary, allowed: (index: number) => boolean): number | null {
	const pattern = new RegExp(boundary.pattern.source, 'g');
	const window = text.slice(0, end + 1);
	let best: number | null = null;
	for (let match = pattern.exec(window); match !== null; match = pattern.exec(window)) {
		const cut = boundary.cutAt(match);
		if (cut > end) break;
		if (cut >= min && cut > 0 && allowed(cut)) best = cut;
	}
	return best;
}

interface Cut {
	index: number;
	/** The cut falls inside a monospace block, which must be closed and reopened around it. */
	insideCode: boolean;
}

function chooseCut(text: string, limit: number): Cut {
	const ranges = codeRanges(text);
	const balanced = bidiBalance(text);
	const inCode = (index: number) => ranges.some(([start, stop]) => index > start && index < stop);
	const outside = (index: number) => !inCode(index) && balanced[index] === 1;
	const end = indexAfterCodePoints(text, limit);
	const tiers: Array<[Boundary, number]> = [
		[PARAGRAPH, end / 2],
		[LINE, end / 2],
		[SENTENCE, end / 4],
		[WORD, end / 4],
		[PARAGRAPH, 1],
		[LINE, 1],
		[SENTENCE, 1],
		[WORD, 1],
	];
	for (const [boundary, min] of tiers) {
		const cut = lastCut(text, end, min, boundary, outside);
		if (cut !== null) return { index: cut, insideCode: false };
	}
	// Only a monospace block longer than a message is left: cut inside it, keeping room to close it.
	const codeEnd = indexAfterCodePoints(text, limit - FENCE.length);
	for (const boundary of [LINE, WORD]) {
		const cut = lastCut(text, codeEnd, codeEnd / 4, boundary, (index) => balanced[index] === 1);
		if (cut !== null) return { index: cut, insideCode: inCode(cut) };
	}
	const hard = graphemeBoundaryAtOrBefore(text, codeEnd);
	return { index: hard, insideCode: inCode(hard) };
}

/** Splits `text` into parts of at most `limit` code points each (one part when it fits). */
export function splitMessage(text: string, limit: number = WHATSAPP_TEXT_LIMIT): string[] {
	if (!Number.isInteger(limit) || limit < 16) throw new RangeError(`The split limit must be an integer of at least 16, got ${limit}`);
	const parts: string[] = [];
	let rest = text.trim();
	while (codePointLength(rest) > limit) {
		const cut = chooseCut(rest, limit);
		let head = rest.slice(0, cut.index).trimEnd();
		let tail = rest.slice(cut.index);
		if (cut.insideCode) {
			head = `${head}${FENCE}`;
			tail = `${FENCE}${tail.replace(/^[ \t]*\n/, '')}`;
		} else {
			tail = tail.trimStart();
		}
		if (head.trim() !== '' && head !== FENCE) parts.push(head);
		rest = tail;
	}
	if (rest.trim() !== '') parts.push(rest);
	return parts;
}
