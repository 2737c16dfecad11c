/**
 * Size and shape limits of free-form messages, checked before the API call so a user sees which field
 * is too long instead of Meta's generic "(#100) Invalid parameter".
 *
 * Figures from Meta's Cloud API pages (developers.facebook.com/documentation/business-messaging/whatsapp/):
 * - messages/text-messages: text body ≤ 4096;
 * - messages/image-messages (and video, document): caption ≤ 1024;
 * - messages/interactive-reply-buttons-messages: 1–3 buttons, label ≤ 20 and unique, id ≤ 256,
 *   body ≤ 1024, footer ≤ 60, text header ≤ 60;
 * - messages/interactive-list-messages: button label ≤ 20, body ≤ 4096, header ≤ 60, footer ≤ 60,
 *   up to 10 sections with up to 10 rows in all, section title ≤ 24, row id ≤ 200, row title ≤ 24,
 *   row description ≤ 72.
 * - messages/reaction-messages: one emoji (an empty one removes the reaction) on a message id;
 * - messages/location-messages: latitude and longitude in decimal degrees;
 * - messages/contacts-messages: each card needs `name.formatted_name`, up to 257 cards;
 * - messages/interactive-cta-url-messages: body ≤ 1024, button label ≤ 20, header ≤ 60, footer ≤ 60;
 * - messages/location-request-messages: body ≤ 1024.
 * Lengths are counted in code points (see `countCharacters`).
 */
import { PolicyError } from '../errors';
import { countCharacters, formatCount, plural, quoteValue } from './text';

export const TEXT_BODY_MAX_LENGTH = 4096;
export const CAPTION_MAX_LENGTH = 1024;

export const REPLY_BUTTONS_MIN = 1;
export const REPLY_BUTTONS_MAX = 3;
export const REPLY_BUTTON_TITLE_MAX_LENGTH = 20;
export const REPLY_BUTTON_ID_MAX_LENGTH = 256;
export const REPLY_BUTTONS_BODY_MAX_LENGTH = 1024;

export const LIST_BUTTON_LABEL_MAX_LENGTH = 20;
/** Meta's list page allows a 4096-character body, unlike reply buttons (1024). */
export const LIST_BODY_MAX_LENGTH = 4096;
export const LIST_SECTIONS_MAX = 10;
export const LIST_ROWS_MAX = 10;
export const LIST_SECTION_TITLE_MAX_LENGTH = 24;
export const LIST_ROW_ID_MAX_LENGTH = 200;
export const LIST_ROW_TITLE_MAX_LENGTH = 24;
export const LIST_ROW_DESCRIPTION_MAX_LENGTH = 72;

export const CONTACTS_MAX = 257;
export const CTA_URL_BODY_MAX_LENGTH = 1024;
export const CTA_URL_BUTTON_MAX_LENGTH = 20;
export const LOCATION_REQUEST_BODY_MAX_LENGTH = 1024;

/** Text header and footer of interactive messages (buttons and lists alike). */
export const INTERACTIVE_HEADER_MAX_LENGTH = 60;
export const INTERACTIVE_FOOTER_MAX_LENGTH = 60;

export interface ReplyButton {
	id: string;
	title: string;
}

export interface ListRow {
	id: string;
	title: string;
	description?: string;
}

export interface ListSection {
	/** Required by Meta when the list has more than one section. */
	title?: string;
	rows: readonly ListRow[];
}

export interface ListMessage {
	body: string;
	/** Label of the button that opens the list. */
	button: string;
	sections: readonly ListSection[];
	/** Text header; lists support no media header. */
	header?: string;
	footer?: string;
}

/** A plain text message: not empty (Meta rejects it) and at most 4096 characters. */
export function assertTextMessage(text: string): void {
	assertRequiredText(text, 'text', TEXT_BODY_MAX_LENGTH, {
		emptyMessage: 'The message text is empty.',
		emptyHint: 'Enter the text to send; WhatsApp does not deliver empty messages.',
		longHint: 'Shorten the text or split it into several messages.',
	});
}

/** A media caption is optional; when given it has at most 1024 characters. */
export function assertCaption(caption: string | undefined): void {
	if (caption === undefined) return;
	assertMaxLength(caption, 'caption', CAPTION_MAX_LENGTH, 'Shorten the caption, or send the rest as a text message after the media.');
}

/**
 * An interactive reply-buttons message: 1–3 buttons with unique, non-empty titles (≤ 20) and unique ids
 * (≤ 256, no surrounding spaces), a body of at most 1024 characters, optional text header and footer
 * (≤ 60 each). `header` is a text header's text; a media header has nothing to measure here.
 */
export function assertReplyButtons(
	body: string,
	buttons: readonly ReplyButton[],
	header?: string,
	footer?: string,
): void {
	assertRequiredText(body, 'body', REPLY_BUTTONS_BODY_MAX_LENGTH, {
		emptyMessage: 'The message with buttons has no body text.',
		emptyHint: 'Enter the text shown above the buttons; WhatsApp requires it.',
		longHint: 'Shorten the text above the buttons; a longer text can go in a separate message first.',
	});
	assertOptionalHeaderFooter(header, footer);

	buttons = asArray(buttons);
	if (buttons.length < REPLY_BUTTONS_MIN) {
		throw new PolicyError(
			'BUTTON_INVALID',
			'The message has no buttons; a buttons message needs at least 1.',
			'Add at least one button, or send a plain text message instead.',
			{ count: buttons.length, min: REPLY_BUTTONS_MIN },
		);
	}
	if (buttons.length > REPLY_BUTTONS_MAX) {
		throw new PolicyError(
			'TOO_MANY_BUTTONS',
			`The message has ${plural(buttons.length, 'button')}; WhatsApp allows at most ${REPLY_BUTTONS_MAX}.`,
			'Keep 3 buttons or fewer, or use a list message, which offers up to 10 options.',
			{ count: buttons.length, max: REPLY_BUTTONS_MAX },
		);
	}

	const seenIds = new Map<string, number>();
	const seenTitles = new Map<string, number>();
	buttons.forEach((button, index) => {
		const position = index + 1;
		const title = typeof button.title === 'string' ? button.title : '';
		const id = typeof button.id === 'string' ? button.id : '';
		if (title.trim() === '') {
			throw buttonInvalid(`Button ${position} has no title.`, 'Give every button a short title.', {
				button: position,
				field: 'title',
			});
		}
		const titleLength = countCharacters(title);
		if (titleLength > REPLY_BUTTON_TITLE_MAX_LENGTH) {
			throw buttonInvalid(
				`The title of button ${position}, ${quoteValue(title)}, is ${formatCount(titleLength)} characters long; WhatsApp allows at most ${REPLY_BUTTON_TITLE_MAX_LENGTH}.`,
				`Shorten the button title to ${REPLY_BUTTON_TITLE_MAX_LENGTH} characters or fewer.`,
				{ button: position, field: 'title', length: titleLength, max: REPLY_BUTTON_TITLE_MAX_LENGTH },
			);
		}
		const titleKey = title.trim();
		const sameTitle = seenTitles.get(titleKey);
		if (sameTitle !== undefined) {
			throw buttonInvalid(
				`Buttons ${sameTitle} and ${position} have the same title ${quoteValue(titleKey)}.`,
				'Give each button a different title; WhatsApp requires unique titles.',
				{ button: position, field: 'title', duplicateOf: sameTitle },
			);
		}
		seenTitles.set(titleKey, position);

		if (id === '') {
			throw buttonInvalid(
				`Button ${position} has no id.`,
				'Give every button an id; it comes back in the reply so the workflow knows which button was tapped.',
				{ button: position, field: 'id' },
			);
		}
		if (id !== id.trim()) {
			throw buttonInvalid(
				`The id of button ${position}, ${quoteValue(id)}, starts or ends with a space.`,
				'Remove the spaces around the button id; WhatsApp rejects them.',
				{ button: position, field: 'id' },
			);
		}
		const idLength = countCharacters(id);
		if (idLength > REPLY_BUTTON_ID_MAX_LENGTH) {
			throw buttonInvalid(
				`The id of button ${position} is ${formatCount(idLength)} characters long; WhatsApp allows at most ${REPLY_BUTTON_ID_MAX_LENGTH}.`,
				'Use a shorter id, such as a key to look the details up later.',
				{ button: position, field: 'id', length: idLength, max: REPLY_BUTTON_ID_MAX_LENGTH },
			);
		}
		const sameId = seenIds.get(id);
		if (sameId !== undefined) {
			throw buttonInvalid(
				`Buttons ${sameId} and ${position} have the same id ${quoteValue(id)}.`,
				'Give each button a different id, so the reply tells which one was tapped.',
				{ button: position, field: 'id', duplicateOf: sameId },
			);
		}
		seenIds.set(id, position);
	});
}

/**
 * An interactive list message: button label ≤ 20, body ≤ 4096, 1–10 sections (each titled ≤ 24 when
 * there are several), 1–10 rows in all with unique ids (≤ 200), titles ≤ 24, descriptions ≤ 72.
 */
export function assertList(list: ListMessage): void {
	assertRequiredText(list.body, 'body', LIST_BODY_MAX_LENGTH, {
		emptyMessage: 'The list message has no body text.',
		emptyHint: 'Enter the text shown above the list button; WhatsApp requires it.',
		longHint: 'Shorten the text above the list button; a longer text can go in a separate message first.',
	});
	assertOptionalHeaderFooter(list.header, list.footer);
	assertListButtonLabel(list.button);

	const sections = asArray(list.sections);
	assertListSize(sections);
	const seenRowIds = new Map<string, string>();
	sections.forEach((section, sectionIndex) => {
		const sectionNo = sectionIndex + 1;
		const rows = assertListSection(section, sectionNo, sections.length > 1);
		rows.forEach((row, rowIndex) => assertListRow(row, sectionNo, rowIndex + 1, seenRowIds));
	});
}

function assertListButtonLabel(button: string): void {
	const label = typeof button === 'string' ? button : '';
	if (label.trim() === '') {
		throw listInvalid(
			'The list has no button label.',
			'Enter the label of the button that opens the list, e.g. "See options".',
			{ field: 'button' },
		);
	}
	const labelLength = countCharacters(label);
	if (labelLength > LIST_BUTTON_LABEL_MAX_LENGTH) {
		throw listInvalid(
			`The list button label ${quoteValue(label)} is ${formatCount(labelLength)} characters long; WhatsApp allows at most ${LIST_BUTTON_LABEL_MAX_LENGTH}.`,
			`Shorten the button label to ${LIST_BUTTON_LABEL_MAX_LENGTH} characters or fewer.`,
			{ field: 'button', length: labelLength, max: LIST_BUTTON_LABEL_MAX_LENGTH },
		);
	}
}

/** 1–10 sections and at most 10 rows across them, checked before any section's content. */
function assertListSize(sections: readonly ListSection[]): void {
	if (sections.length === 0) {
		throw listInvalid('The list has no sections.', 'Add at least one section with at least one row.', {
			field: 'sections',
		});
	}
	if (sections.length > LIST_SECTIONS_MAX) {
		throw listInvalid(
			`The list has ${plural(sections.length, 'section')}; WhatsApp allows at most ${LIST_SECTIONS_MAX}.`,
			'Merge sections so there are 10 or fewer.',
			{ field: 'sections', count: sections.length, max: LIST_SECTIONS_MAX },
		);
	}

	const totalRows = sections.reduce((sum, section) => sum + asArray(section.rows).length, 0);
	if (totalRows > LIST_ROWS_MAX) {
		throw new PolicyError(
			'TOO_MANY_LIST_ROWS',
			`The list has ${plural(totalRows, 'row')}; WhatsApp allows at most ${LIST_ROWS_MAX} across all sections.`,
			'Keep 10 options or fewer, or split them over several list messages.',
			{ count: totalRows, max: LIST_ROWS_MAX },
		);
	}
}

/** A section's title (required when the list has several) and that it has rows, which it returns. */
function assertListSection(section: ListSection, sectionNo: number, several: boolean): readonly ListRow[] {
	const title = typeof section.title === 'string' ? section.title : '';
	if (several && title.trim() === '') {
		throw listInvalid(
			`Section ${sectionNo} has no title; a list with several sections needs a title for each.`,
			'Give every section a title, or put all rows in a single section.',
			{ section: sectionNo, field: 'title' },
		);
	}
	const titleLength = countCharacters(title);
	if (titleLength > LIST_SECTION_TITLE_MAX_LENGTH) {
		throw listInvalid(
			`The title of section ${sectionNo}, ${quoteValue(title)}, is ${formatCount(titleLength)} characters long; WhatsApp allows at most ${LIST_SECTION_TITLE_MAX_LENGTH}.`,
			`Shorten the section title to ${LIST_SECTION_TITLE_MAX_LENGTH} characters or fewer.`,
			{ section: sectionNo, field: 'title', length: titleLength, max: LIST_SECTION_TITLE_MAX_LENGTH },
		);
	}
	const rows = asArray(section.rows);
	if (rows.length === 0) {
		throw listInvalid(`Section ${sectionNo} has no rows.`, 'Add at least one row to every section, or remove the empty section.', {
			section: sectionNo,
			field: 'rows',
		});
	}
	return rows;
}

/** One row: title, description and an id unique across the whole list (`seenRowIds` spans sections). */
function assertListRow(row: ListRow, sectionNo: number, rowNo: number, seenRowIds: Map<string, string>): void {
	const where = `row ${rowNo} of section ${sectionNo}`;
	const at = { section: sectionNo, row: rowNo };
	assertRowField(row.title, where, 'title', LIST_ROW_TITLE_MAX_LENGTH, at, true);
	assertRowField(row.description, where, 'description', LIST_ROW_DESCRIPTION_MAX_LENGTH, at, false);
	const id = typeof row.id === 'string' ? row.id : '';
	if (id.trim() === '') {
		throw listInvalid(
			`The ${where} has no id.`,
			'Give every row an id; it comes back in the reply so the workflow knows which option was chosen.',
			{ ...at, field: 'id' },
		);
	}
	const idLength = countCharacters(id);
	if (idLength > LIST_ROW_ID_MAX_LENGTH) {
		throw listInvalid(
			`The id of ${where} is ${formatCount(idLength)} characters long; WhatsApp allows at most ${LIST_ROW_ID_MAX_LENGTH}.`,
			'Use a shorter id, such as a key to look the details up later.',
			{ ...at, field: 'id', length: idLength, max: LIST_ROW_ID_MAX_LENGTH },
		);
	}
	const sameId = seenRowIds.get(id);
	if (sameId !== undefined) {
		throw listInvalid(
			`The ${where} has the same id ${quoteValue(id)} as ${sameId}.`,
			'Give each row a different id, so the reply tells which option was chosen.',
			{ ...at, field: 'id' },
		);
	}
	seenRowIds.set(id, where);
}

function assertRowField(
	value: string | undefined,
	where: string,
	field: 'title' | 'description',
	max: number,
	at: { section: number; row: number },
	required: boolean,
): void {
	const text = typeof value === 'string' ? value : '';
	if (required && text.trim() === '') {
		throw listInvalid(`The ${where} has no ${field}.`, `Give every row a ${field}.`, { ...at, field });
	}
	const length = countCharacters(text);
	if (length > max) {
		throw listInvalid(
			`The ${field} of ${where}, ${quoteValue(text)}, is ${formatCount(length)} characters long; WhatsApp allows at most ${max}.`,
			`Shorten the row ${field} to ${max} characters or fewer.`,
			{ ...at, field, length, max },
		);
	}
}

/** Emoji, flags (regional indicator pairs) and keycaps: the forms WhatsApp shows as a reaction. */
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3)/u;

/** One emoji as a person sees it: a skin tone, a ZWJ family or a flag counts as one. */
export function isSingleEmoji(value: string): boolean {
	return [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(value)].length === 1 && EMOJI.test(value);
}

/**
 * A reaction: the id of the message it goes on, and exactly one emoji (a skin tone, a ZWJ family or a
 * flag is one); an empty emoji removes the business's reaction.
 */
export function assertReaction(messageId: string, emoji: string): void {
	if (typeof messageId !== 'string' || messageId.trim() === '') {
		throw messageInvalid('The reaction names no message to react to.', "Map the message's id (the trigger's messageId, a wamid) into Message ID.", {
			field: 'messageId',
		});
	}
	const value = typeof emoji === 'string' ? emoji.trim() : '';
	if (value === '') return;
	if (!isSingleEmoji(value)) {
		throw messageInvalid(
			`The reaction ${quoteValue(value)} is not a single emoji.`,
			'Use exactly one emoji, such as 👍, or turn on Remove Reaction to take it back.',
			{ field: 'emoji' },
		);
	}
}

/** A location: latitude −90…90 and longitude −180…180, as numbers. */
export function assertLocation(latitude: number, longitude: number): void {
	for (const [field, value, max] of [['latitude', latitude, 90], ['longitude', longitude, 180]] as const) {
		if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > max) {
			throw messageInvalid(
				`The ${field} ${quoteValue(String(value))} is not a number between -${max} and ${max}.`,
				`Enter the ${field} in decimal degrees, such as ${field === 'latitude' ? '52.5200' : '13.4050'}.`,
				{ field, max },
			);
		}
	}
}

/** Contact cards: 1 to 257, each with the name WhatsApp shows (`formattedName`). */
export function assertContacts(cards: ReadonlyArray<{ formattedName: string }>): void {
	const list = asArray(cards);
	if (list.length === 0 || list.length > CONTACTS_MAX) {
		throw messageInvalid(
			`The message has ${plural(list.length, 'contact')}; WhatsApp sends 1 to ${CONTACTS_MAX}.`,
			list.length === 0 ? 'Add a contact to send.' : 'Split the contacts over several messages.',
			{ field: 'contacts', count: list.length, max: CONTACTS_MAX },
		);
	}
	list.forEach((card, index) => {
		if (typeof card.formattedName !== 'string' || card.formattedName.trim() === '') {
			throw messageInvalid(`Contact ${index + 1} has no name.`, 'Enter the name WhatsApp shows for the contact (Formatted Name).', {
				field: 'formattedName',
				contact: index + 1,
			});
		}
	});
}

/** A call-to-action URL button: body ≤ 1024, label ≤ 20, an http(s) URL, header and footer ≤ 60. */
export function assertCtaUrl(message: { body: string; buttonText: string; url: string; header?: string; footer?: string }): void {
	assertRequiredText(message.body, 'body', CTA_URL_BODY_MAX_LENGTH, {
		emptyMessage: 'The call-to-action message has no body text.',
		emptyHint: 'Enter the text shown above the button; WhatsApp requires it.',
		longHint: 'Shorten the text above the button; a longer text can go in a separate message first.',
	});
	assertOptionalHeaderFooter(message.header, message.footer);
	assertRequiredText(message.buttonText, 'button label', CTA_URL_BUTTON_MAX_LENGTH, {
		emptyMessage: 'The call-to-action button has no label.',
		emptyHint: 'Enter the button label, such as "See dates".',
		longHint: `Shorten the button label to ${CTA_URL_BUTTON_MAX_LENGTH} characters or fewer.`,
	});
	let url: URL | null = null;
	try {
		url = new URL(typeof message.url === 'string' ? message.url.trim() : '');
	} catch {
		url = null;
	}
	if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw messageInvalid(
			`The button URL ${quoteValue(String(message.url ?? ''))} is not a web address.`,
			'Enter a full address starting with https://.',
			{ field: 'url' },
		);
	}
}

/** A location request: only a body (≤ 1024); WhatsApp adds the "Send location" button. */
export function assertLocationRequest(body: string): void {
	assertRequiredText(body, 'body', LOCATION_REQUEST_BODY_MAX_LENGTH, {
		emptyMessage: 'The location request has no body text.',
		emptyHint: 'Enter the text asking for the location; WhatsApp requires it.',
		longHint: 'Shorten the text above the "Send location" button.',
	});
}

function assertOptionalHeaderFooter(header: string | undefined, footer: string | undefined): void {
	if (header !== undefined) {
		assertMaxLength(header, 'header', INTERACTIVE_HEADER_MAX_LENGTH, 'Shorten the header to 60 characters or fewer, or move the text into the body.');
	}
	if (footer !== undefined) {
		assertMaxLength(footer, 'footer', INTERACTIVE_FOOTER_MAX_LENGTH, 'Shorten the footer to 60 characters or fewer, or move the text into the body.');
	}
}

function assertRequiredText(
	text: string,
	field: string,
	max: number,
	wording: { emptyMessage: string; emptyHint: string; longHint: string },
): void {
	const value = typeof text === 'string' ? text : '';
	// Whitespace-only is empty too: Meta rejects it like an empty string.
	if (value.trim() === '') {
		throw new PolicyError('TEXT_EMPTY', wording.emptyMessage, wording.emptyHint, { field });
	}
	assertMaxLength(value, field, max, wording.longHint);
}

function assertMaxLength(text: string, field: string, max: number, hint: string): void {
	const length = countCharacters(typeof text === 'string' ? text : '');
	if (length > max) {
		const what = field === 'text' ? 'The text' : `The ${field}`;
		throw new PolicyError(
			'TEXT_TOO_LONG',
			`${what} is ${formatCount(length)} characters long; WhatsApp allows at most ${formatCount(max)}.`,
			hint,
			{ field, length, max },
		);
	}
}

/** Tolerates a missing array from loosely typed callers (n8n parameters) without widening to any. */
function asArray<T>(value: readonly T[] | undefined): readonly T[] {
	return Array.isArray(value) ? value : [];
}

function buttonInvalid(message: string, hint: string, details: Record<string, unknown>): PolicyError {
	return new PolicyError('BUTTON_INVALID', message, hint, details);
}

function messageInvalid(message: string, hint: string, details: Record<string, unknown>): PolicyError {
	return new PolicyError('MESSAGE_INVALID', message, hint, details);
}

function listInvalid(message: string, hint: string, details: Record<string, unknown>): PolicyError {
	return new PolicyError('LIST_INVALID', message, hint, details);
}
