import {
	assertCaption,
	assertList,
	assertReplyButtons,
	assertTextMessage,
	countCharacters,
	type ListMessage,
	type ListSection,
	type ReplyButton,
} from '../../../core/policy';
import { expectPolicyError } from './expect-policy-error';

const rows = (count: number, prefix = 'r'): ListSection['rows'] =>
	Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i + 1}`, title: `Option ${prefix}${i + 1}` }));

/** Meta's interactive list example (meta-samples/meta_docs_send_interactive_list_request.json). */
const metaList: ListMessage = {
	header: 'Choose Shipping Option',
	body: 'Which shipping option do you prefer?',
	footer: 'Lucky Shrub: Your gateway to succulents™',
	button: 'Shipping Options',
	sections: [
		{
			title: 'I want it ASAP!',
			rows: [
				{ id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
				{ id: 'priority_mail', title: 'Priority Mail', description: '1–3 Days' },
			],
		},
		{
			title: 'I can wait a bit',
			rows: [
				{ id: 'usps_ground_advantage', title: 'USPS Ground Advantage', description: '2–5 Days' },
				{ id: 'media_mail', title: 'Media Mail', description: '2–8 Days' },
			],
		},
	],
};

describe('countCharacters', () => {
	it('counts code points: an emoji is 1, not 2 UTF-16 units', () => {
		expect('😀'.length).toBe(2);
		expect(countCharacters('😀')).toBe(1);
		expect(countCharacters('漢字かな')).toBe(4);
		expect(countCharacters('𠀀')).toBe(1); // CJK extension B, outside the BMP
		expect(countCharacters('é')).toBe(1); // precomposed
		expect(countCharacters('e\u0301')).toBe(2); // e + combining accent
		expect(countCharacters('👍🏽')).toBe(2); // emoji + skin tone modifier
		expect(countCharacters('👨‍👩‍👧')).toBe(5); // three people joined by two ZWJ
		expect(countCharacters('')).toBe(0);
		expect(countCharacters('\ud83d')).toBe(1); // a lone surrogate still counts
	});
});

describe('assertTextMessage', () => {
	it('accepts exactly 4096 characters and refuses 4097', () => {
		expect(() => assertTextMessage('a'.repeat(4096))).not.toThrow();
		const error = expectPolicyError(() => assertTextMessage('a'.repeat(4097)), 'TEXT_TOO_LONG');
		expect(error.message).toBe('The text is 4,097 characters long; WhatsApp allows at most 4,096.');
		expect(error.hint).toMatch(/split it into several messages/);
		expect(error.details).toEqual({ field: 'text', length: 4097, max: 4096 });
	});

	it('counts emoji and CJK as one character each', () => {
		expect(() => assertTextMessage('😀'.repeat(4096))).not.toThrow(); // 8,192 UTF-16 units
		expectPolicyError(() => assertTextMessage('😀'.repeat(4097)), 'TEXT_TOO_LONG');
		expect(() => assertTextMessage('漢'.repeat(4096))).not.toThrow();
		expectPolicyError(() => assertTextMessage('漢'.repeat(4097)), 'TEXT_TOO_LONG');
	});

	it.each(['', '   ', '\n\t '])('refuses empty text %j', (text) => {
		const error = expectPolicyError(() => assertTextMessage(text), 'TEXT_EMPTY');
		expect(error.details.field).toBe('text');
	});
});

describe('assertCaption', () => {
	it('accepts no caption, 1024 characters, and refuses 1025', () => {
		expect(() => assertCaption(undefined)).not.toThrow();
		expect(() => assertCaption('')).not.toThrow();
		expect(() => assertCaption('x'.repeat(1024))).not.toThrow();
		const error = expectPolicyError(() => assertCaption('x'.repeat(1025)), 'TEXT_TOO_LONG');
		expect(error.details).toEqual({ field: 'caption', length: 1025, max: 1024 });
		expect(error.message).toContain('1,024');
	});
});

describe('assertReplyButtons', () => {
	const three: ReplyButton[] = [
		{ id: 'change-button', title: 'Change' },
		{ id: 'cancel-button', title: 'Cancel' },
		{ id: 'keep-button', title: 'Keep' },
	];
	const body = 'Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!';

	it("accepts Meta's example and up to 3 buttons", () => {
		expect(() => assertReplyButtons(body, three.slice(0, 2), undefined, 'Lucky Shrub: Your gateway to succulents!™')).not.toThrow();
		expect(() => assertReplyButtons(body, three.slice(0, 1))).not.toThrow();
		expect(() => assertReplyButtons(body, three, 'Workshop', 'Footer')).not.toThrow();
	});

	it('refuses 4 buttons and 0 buttons', () => {
		const error = expectPolicyError(
			() => assertReplyButtons(body, [...three, { id: 'four', title: 'Four' }]),
			'TOO_MANY_BUTTONS',
		);
		expect(error.message).toBe('The message has 4 buttons; WhatsApp allows at most 3.');
		expect(error.hint).toMatch(/list message/);
		expect(error.details).toEqual({ count: 4, max: 3 });
		expectPolicyError(() => assertReplyButtons(body, []), 'BUTTON_INVALID');
	});

	it('accepts a 20-character title and refuses 21', () => {
		expect(() => assertReplyButtons(body, [{ id: 'a', title: 'x'.repeat(20) }])).not.toThrow();
		const error = expectPolicyError(() => assertReplyButtons(body, [{ id: 'a', title: 'x'.repeat(21) }]), 'BUTTON_INVALID');
		expect(error.details).toMatchObject({ button: 1, field: 'title', length: 21, max: 20 });
		expect(error.message).toContain('21 characters');
	});

	it('counts emoji in titles as one character', () => {
		expect(() => assertReplyButtons(body, [{ id: 'a', title: '👍'.repeat(20) }])).not.toThrow();
		expectPolicyError(() => assertReplyButtons(body, [{ id: 'a', title: '👍'.repeat(21) }]), 'BUTTON_INVALID');
	});

	it('refuses empty and duplicate titles', () => {
		expectPolicyError(() => assertReplyButtons(body, [{ id: 'a', title: '  ' }]), 'BUTTON_INVALID');
		const duplicate = expectPolicyError(
			() => assertReplyButtons(body, [{ id: 'a', title: 'Yes' }, { id: 'b', title: 'Yes ' }]),
			'BUTTON_INVALID',
		);
		expect(duplicate.details).toMatchObject({ button: 2, field: 'title', duplicateOf: 1 });
	});

	it('checks ids: present, unique, at most 256, no surrounding spaces', () => {
		expect(() => assertReplyButtons(body, [{ id: 'i'.repeat(256), title: 'A' }])).not.toThrow();
		const long = expectPolicyError(() => assertReplyButtons(body, [{ id: 'i'.repeat(257), title: 'A' }]), 'BUTTON_INVALID');
		expect(long.details).toMatchObject({ field: 'id', length: 257, max: 256 });
		expectPolicyError(() => assertReplyButtons(body, [{ id: '', title: 'A' }]), 'BUTTON_INVALID');
		expectPolicyError(() => assertReplyButtons(body, [{ id: ' a', title: 'A' }]), 'BUTTON_INVALID');
		const duplicate = expectPolicyError(
			() => assertReplyButtons(body, [{ id: 'same', title: 'A' }, { id: 'same', title: 'B' }]),
			'BUTTON_INVALID',
		);
		expect(duplicate.details).toMatchObject({ field: 'id', duplicateOf: 1 });
	});

	it('limits the body to 1024 characters and requires it', () => {
		expect(() => assertReplyButtons('b'.repeat(1024), three)).not.toThrow();
		const error = expectPolicyError(() => assertReplyButtons('b'.repeat(1025), three), 'TEXT_TOO_LONG');
		expect(error.details).toEqual({ field: 'body', length: 1025, max: 1024 });
		expectPolicyError(() => assertReplyButtons(' ', three), 'TEXT_EMPTY');
	});

	it('limits header and footer to 60 characters', () => {
		expect(() => assertReplyButtons(body, three, 'h'.repeat(60), 'f'.repeat(60))).not.toThrow();
		expect(expectPolicyError(() => assertReplyButtons(body, three, 'h'.repeat(61)), 'TEXT_TOO_LONG').details.field).toBe('header');
		expect(expectPolicyError(() => assertReplyButtons(body, three, undefined, 'f'.repeat(61)), 'TEXT_TOO_LONG').details.field).toBe(
			'footer',
		);
	});
});

describe('assertList', () => {
	it("accepts Meta's example", () => {
		expect(() => assertList(metaList)).not.toThrow();
	});

	it('accepts 10 rows across sections and refuses 11', () => {
		const ten: ListMessage = { body: 'Pick one', button: 'Options', sections: [{ title: 'A', rows: rows(4, 'a') }, { title: 'B', rows: rows(6, 'b') }] };
		expect(() => assertList(ten)).not.toThrow();
		const eleven: ListMessage = { ...ten, sections: [{ title: 'A', rows: rows(5, 'a') }, { title: 'B', rows: rows(6, 'b') }] };
		const error = expectPolicyError(() => assertList(eleven), 'TOO_MANY_LIST_ROWS');
		expect(error.message).toBe('The list has 11 rows; WhatsApp allows at most 10 across all sections.');
		expect(error.details).toEqual({ count: 11, max: 10 });
	});

	it('refuses more than 10 sections', () => {
		const sections = Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}-`) }));
		const error = expectPolicyError(() => assertList({ body: 'b', button: 'Open', sections }), 'LIST_INVALID');
		expect(error.details).toMatchObject({ field: 'sections', count: 11, max: 10 });
	});

	it('refuses a list without sections or with an empty section', () => {
		expectPolicyError(() => assertList({ body: 'b', button: 'Open', sections: [] }), 'LIST_INVALID');
		expectPolicyError(() => assertList({ body: 'b', button: 'Open', sections: [{ title: 'A', rows: [] }] }), 'LIST_INVALID');
	});

	it('limits row title to 24, description to 72 and id to 200', () => {
		const one = (row: ListSection['rows'][number]): ListMessage => ({ body: 'b', button: 'Open', sections: [{ rows: [row] }] });
		expect(() => assertList(one({ id: 'x'.repeat(200), title: 't'.repeat(24), description: 'd'.repeat(72) }))).not.toThrow();
		expect(expectPolicyError(() => assertList(one({ id: 'x', title: 't'.repeat(25) })), 'LIST_INVALID').details).toMatchObject({
			field: 'title',
			length: 25,
			max: 24,
			section: 1,
			row: 1,
		});
		expect(expectPolicyError(() => assertList(one({ id: 'x', title: 't', description: 'd'.repeat(73) })), 'LIST_INVALID').details).toMatchObject({
			field: 'description',
			max: 72,
		});
		expect(expectPolicyError(() => assertList(one({ id: 'x'.repeat(201), title: 't' })), 'LIST_INVALID').details).toMatchObject({
			field: 'id',
			max: 200,
		});
		expectPolicyError(() => assertList(one({ id: 'x', title: '' })), 'LIST_INVALID');
		expectPolicyError(() => assertList(one({ id: '', title: 't' })), 'LIST_INVALID');
	});

	it('refuses the same row id twice, even in different sections', () => {
		const list: ListMessage = {
			body: 'b',
			button: 'Open',
			sections: [
				{ title: 'A', rows: [{ id: 'same', title: 'One' }] },
				{ title: 'B', rows: [{ id: 'same', title: 'Two' }] },
			],
		};
		const error = expectPolicyError(() => assertList(list), 'LIST_INVALID');
		expect(error.message).toContain('"same"');
	});

	it('needs section titles (≤ 24) only when there are several sections', () => {
		expect(() => assertList({ body: 'b', button: 'Open', sections: [{ rows: rows(2) }] })).not.toThrow();
		const untitled = expectPolicyError(
			() => assertList({ body: 'b', button: 'Open', sections: [{ title: 'A', rows: rows(1, 'a') }, { rows: rows(1, 'b') }] }),
			'LIST_INVALID',
		);
		expect(untitled.details).toMatchObject({ section: 2, field: 'title' });
		expect(() => assertList({ body: 'b', button: 'Open', sections: [{ title: 's'.repeat(24), rows: rows(1) }] })).not.toThrow();
		expectPolicyError(() => assertList({ body: 'b', button: 'Open', sections: [{ title: 's'.repeat(25), rows: rows(1) }] }), 'LIST_INVALID');
	});

	it('limits the button label to 20 and requires it', () => {
		expect(() => assertList({ ...metaList, button: 'l'.repeat(20) })).not.toThrow();
		expect(expectPolicyError(() => assertList({ ...metaList, button: 'l'.repeat(21) }), 'LIST_INVALID').details).toMatchObject({
			field: 'button',
			length: 21,
			max: 20,
		});
		expectPolicyError(() => assertList({ ...metaList, button: ' ' }), 'LIST_INVALID');
	});

	it('limits the body to 4096, header and footer to 60', () => {
		expect(() => assertList({ ...metaList, body: 'b'.repeat(4096), header: 'h'.repeat(60), footer: 'f'.repeat(60) })).not.toThrow();
		expect(expectPolicyError(() => assertList({ ...metaList, body: 'b'.repeat(4097) }), 'TEXT_TOO_LONG').details).toEqual({
			field: 'body',
			length: 4097,
			max: 4096,
		});
		expectPolicyError(() => assertList({ ...metaList, body: '' }), 'TEXT_EMPTY');
		expect(expectPolicyError(() => assertList({ ...metaList, header: 'h'.repeat(61) }), 'TEXT_TOO_LONG').details.field).toBe('header');
		expect(expectPolicyError(() => assertList({ ...metaList, footer: 'f'.repeat(61) }), 'TEXT_TOO_LONG').details.field).toBe('footer');
	});
});
