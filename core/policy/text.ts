/**
 * Small text helpers shared by the policy checks: how WhatsApp lengths are counted, and how a user's
 * value is quoted back in an error message.
 */

/**
 * Counts characters the way the limits are applied here: Unicode code points.
 *
 * Meta does not document its counting unit. Code points are the choice because:
 * - UTF-16 units (`String#length`) would count one emoji (😀) as 2 and reject texts Meta accepts;
 * - graphemes would count a family emoji (👨‍👩‍👧, 5 code points) as 1, fewer than any server-side
 *   count, so a text at the limit could still be refused;
 * - code points are what Meta's servers and other Cloud API clients count (UTF-8 runes), and they never
 *   count less than a user sees, so a text that passes here is not refused for its length.
 * CJK characters are 1 each, an accented letter typed as one character is 1.
 */
export function countCharacters(text: string): number {
	let count = 0;
	for (let i = 0; i < text.length; i++) {
		const unit = text.charCodeAt(i);
		// A high surrogate followed by a low one is one code point (emoji, rare CJK); a lone one counts 1.
		if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) i++;
		}
		count++;
	}
	return count;
}

/** 4213 → "4,213": numbers in messages read the same whatever the host's locale. */
export function formatCount(value: number): string {
	return value.toLocaleString('en-US');
}

/**
 * A user's value, quoted for an error message: control characters removed and cut to `max` code points,
 * so a pasted document or a terminal escape sequence cannot flood or garble the message.
 */
export function quoteValue(value: string, max = 40): string {
	const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
	const chars = Array.from(clean);
	const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
	return `"${shown}"`;
}

/** "a", "a and b", "a, b and c" — for listing names in a sentence. */
export function listInSentence(items: readonly string[], conjunction = 'and'): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** "1 button", "3 buttons". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
	return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
