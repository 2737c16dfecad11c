import { capPayload, jsonByteLength, MAX_STORED_PAYLOAD_BYTES } from '../../../core/conversation/payload-cap';

const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('capPayload', () => {
	it('keeps a payload that fits as it is', () => {
		const payload = { id: 'wamid.1', text: { body: 'é'.repeat(1000) } };
		expect(capPayload(payload)).toBe(payload);
	});

	it('cuts a payload over 64 KiB to a marker and the members that fit, never over the cap', () => {
		const payload = { from: '16505551234', id: 'wamid.big', nfm_reply: { response_json: 'x'.repeat(70 * 1024) }, type: 'interactive' };
		const capped = capPayload(payload);
		expect(capped).toEqual({ truncated: true, bytes: size(payload), from: '16505551234', id: 'wamid.big', type: 'interactive' });
		expect(size(capped)).toBeLessThanOrEqual(MAX_STORED_PAYLOAD_BYTES);
	});

	it('counts bytes, not characters, and stops exactly at the cap', () => {
		const payload = { a: '€'.repeat(40), b: 'x'.repeat(10) };
		for (let max = 40; max <= size(payload); max++) expect(size(capPayload(payload, max))).toBeLessThanOrEqual(max);
		expect(capPayload(payload, size(payload))).toBe(payload);
	});
});

describe('jsonByteLength', () => {
	it('is the UTF-8 length of JSON.stringify for whatever a payload holds', () => {
		const values: unknown[] = [
			'plain',
			'quote " backslash \\ newline \n tab \t bell \u0007 nul \u0000',
			'é € 😀 中文',
			'lone \ud83d high and \ude00 low surrogates',
			0,
			-0,
			1.5e-7,
			1e21,
			Number.NaN,
			Number.POSITIVE_INFINITY,
			true,
			false,
			null,
			[],
			{},
			[1, undefined, () => 1, Symbol('s'), 'x'],
			{ a: undefined, b: () => 1, c: Symbol('s'), d: 1, 'key "with" quotes': 'é' },
			{ when: new Date(Date.UTC(2026, 11, 1)), nested: { deeper: [{ emoji: '🛑' }, null] } },
		];
		for (const value of values) expect([value, jsonByteLength(value)]).toEqual([value, Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8')]);
		expect(jsonByteLength({ all: values })).toBe(size({ all: values }));
	});
});
