import { splitMessage, WHATSAPP_TEXT_LIMIT } from '../../../core/ai/split';

const codePoints = (text: string) => [...text].length;

/** No lone surrogate anywhere: an emoji was never cut in half. */
function wellFormed(text: string): boolean {
	return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function expectValidParts(parts: string[], limit = WHATSAPP_TEXT_LIMIT) {
	for (const part of parts) {
		expect(codePoints(part)).toBeLessThanOrEqual(limit);
		expect(part.trim()).not.toBe('');
		expect(wellFormed(part)).toBe(true);
	}
}

/** Joined back with the separators the cut removed, the words are all there in order. */
const words = (text: string) => text.split(/\s+/).filter((word) => word !== '');

describe('splitMessage', () => {
	it('keeps a message that fits as one part, trimmed', () => {
		expect(splitMessage('  Hello there  ')).toEqual(['Hello there']);
		expect(splitMessage('x'.repeat(4096))).toEqual(['x'.repeat(4096)]);
		expect(splitMessage('')).toEqual([]);
	});

	it('counts code points, as the text limit does: 4,096 emoji fit in one message', () => {
		const emoji = '😀'.repeat(4096);
		expect(emoji.length).toBe(8192);
		expect(splitMessage(emoji)).toEqual([emoji]);
	});

	it('cuts a 10k-character answer at paragraph boundaries first', () => {
		const paragraph = (index: number) => `Paragraph ${index}. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(16)}`.trim();
		const text = Array.from({ length: 11 }, (_, index) => paragraph(index)).join('\n\n');
		expect(text.length).toBeGreaterThan(10_000);
		const parts = splitMessage(text);
		expect(parts.length).toBe(3);
		expectValidParts(parts);
		for (const part of parts) {
			expect(part).toMatch(/^Paragraph \d+\./);
			expect(part.endsWith('elit.')).toBe(true);
		}
		expect(parts.join('\n\n')).toBe(text);
	});

	it('falls back to sentences, then words, inside one long paragraph', () => {
		const sentences = Array.from({ length: 300 }, (_, index) => `Sentence ${index} says something useful.`).join(' ');
		const parts = splitMessage(sentences);
		expectValidParts(parts);
		for (const part of parts) expect(part).toMatch(/^Sentence \d+ .*useful\.$/);
		expect(words(parts.join(' '))).toEqual(words(sentences));

		const noPunctuation = Array.from({ length: 2000 }, (_, index) => `word${index}`).join(' ');
		const wordParts = splitMessage(noPunctuation);
		expectValidParts(wordParts);
		expect(words(wordParts.join(' '))).toEqual(words(noPunctuation));
	});

	it('never cuts inside a monospace block when the block fits a message', () => {
		const prose = 'Some explanation of the code below. '.repeat(80).trim();
		const code = '```' + Array.from({ length: 60 }, (_, index) => `line_${index} = compute(${index})`).join('\n') + '```';
		const text = `${prose}\n\n${code}\n\nAnd a closing remark.`;
		expect(codePoints(text)).toBeGreaterThan(4096);
		const parts = splitMessage(text);
		expectValidParts(parts);
		expect(parts.some((part) => part.includes(code))).toBe(true);
		for (const part of parts) expect((part.match(/```/g) ?? []).length % 2).toBe(0);
	});

	it('closes and reopens a monospace block longer than a message', () => {
		const code = '```' + Array.from({ length: 600 }, (_, index) => `const value${index} = ${index};`).join('\n') + '```';
		const parts = splitMessage(code);
		expect(parts.length).toBeGreaterThan(1);
		expectValidParts(parts);
		for (const part of parts) {
			expect(part.startsWith('```')).toBe(true);
			expect(part.endsWith('```')).toBe(true);
		}
		const lines = parts.map((part) => part.slice(3, -3)).join('\n');
		expect(lines).toBe(code.slice(3, -3));
	});

	it('never splits an emoji, a ZWJ family or a flag, even without spaces', () => {
		const family = '👨‍👩‍👧‍👦';
		const text = `${family}🇧🇷`.repeat(900);
		const parts = splitMessage(text);
		expectValidParts(parts);
		expect(parts.join('')).toBe(text);
		for (const part of parts) expect(part.replace(/👨‍👩‍👧‍👦|🇧🇷/g, '')).toBe('');
	});

	it('splits right-to-left text at its own sentence and word boundaries, marks intact', () => {
		const arabic = 'مرحبا بك في متجرنا، هل تحتاج إلى مساعدة في طلبك؟ ';
		const text = arabic.repeat(150).trim();
		const parts = splitMessage(text);
		expect(parts.length).toBeGreaterThan(1);
		expectValidParts(parts);
		for (const part of parts) expect(part.endsWith('؟')).toBe(true);
		expect(words(parts.join(' '))).toEqual(words(text));

		// Hebrew with vowel points: a letter and its marks are one grapheme.
		const pointed = 'שָׁלוֹם'.repeat(1200);
		const pointedParts = splitMessage(pointed);
		expect(pointedParts.join('')).toBe(pointed);
		for (const part of pointedParts) expect(/^[\u0591-\u05C7]/u.test(part)).toBe(false);
	});

	it('does not cut inside a right-to-left embedding when a cut outside it exists', () => {
		const embedded = `\u202B${'טקסט בעברית בתוך הטמעה '.repeat(30).trim()}\u202C`;
		// No punctuation, so only word boundaries remain, and the embedding straddles the 4,096 mark.
		const text = `${'intro words here '.repeat(220).trim()} ${embedded} ${'outro words here '.repeat(100).trim()}`;
		expect(text.indexOf('\u202B')).toBeLessThan(4096);
		expect(text.indexOf('\u202C')).toBeGreaterThan(4096);
		const parts = splitMessage(text);
		expectValidParts(parts);
		expect(parts[1].startsWith(embedded)).toBe(true);
	});

	it('honours a smaller limit', () => {
		const parts = splitMessage('one two three four five six seven eight nine ten eleven twelve', 20);
		expectValidParts(parts, 20);
		expect(parts.join(' ')).toBe('one two three four five six seven eight nine ten eleven twelve');
		expect(() => splitMessage('x', 3)).toThrow(RangeError);
	});
});
