import { capPayload, MAX_STORED_PAYLOAD_BYTES } from '../../../core/conversation/payload-cap';

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
