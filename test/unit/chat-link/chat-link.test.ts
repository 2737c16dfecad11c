import { create } from 'qrcode';

import { buildChatLink, ChatLinkError, chatNumber, qrCodeImages, reportedChatNumber } from '../../../core';
import { decodeQrPng, decodeQrSvg } from '../../support/qr-decode';

function caught(work: () => unknown): ChatLinkError {
	try {
		work();
	} catch (error) {
		if (error instanceof ChatLinkError) return error;
		throw error;
	}
	throw new Error('no error');
}

describe('chat link', () => {
	it('links to the number with the prefilled text URL-encoded', () => {
		expect(buildChatLink('16505551234')).toEqual({ link: 'https://wa.me/16505551234', number: '16505551234', text: '' });
		expect(buildChatLink('16505551234', 'Hi! Order #12 & 50% off? ¿Sí? 👋\nThanks').link).toBe(
			'https://wa.me/16505551234?text=Hi!%20Order%20%2312%20%26%2050%25%20off%3F%20%C2%BFS%C3%AD%3F%20%F0%9F%91%8B%0AThanks',
		);
		// What the link says is what a browser reads back from it.
		const text = 'a+b=c / d?e#f';
		expect(new URL(buildChatLink('16505551234', text).link).searchParams.get('text')).toBe(text);
	});

	it('refuses text cut inside an emoji, naming the field', () => {
		const error = caught(() => buildChatLink('16505551234', 'Hi \ud83d'));
		expect(error).toMatchObject({ code: 'CHAT_LINK_OPTION_INVALID', field: 'text' });
	});

	it('turns a typed number into the international form without +, spaces or dashes', () => {
		expect(chatNumber('+1 (650) 555-1234')).toBe('16505551234');
		expect(chatNumber('0044 20 7946 0958')).toBe('442079460958');
		expect(chatNumber('34 612 34 56 78')).toBe('34612345678');
	});

	it.each([
		['', 'empty'],
		['+1 650 555', 'too short'],
		['+1 999 555 1234', 'not a valid phone number'],
		['+1 650 555 1234 ext 5', 'characters other than digits'],
	])('refuses %j, naming the field and the fix', (input, why) => {
		const error = caught(() => chatNumber(input));
		expect(error).toMatchObject({ code: 'CHAT_LINK_NUMBER_INVALID', field: 'phoneNumber' });
		expect(error.message).toMatch(/^Phone Number: /);
		expect(error.message).toContain(why);
		expect(error.hint).toMatch(/international|country code|number/);
	});

	it("takes Meta's display number as Meta registered it, test numbers (+1 555) too", () => {
		expect(reportedChatNumber('+1 555-078-3881', '1065')).toBe('15550783881');
		expect(reportedChatNumber('15550783881', '1065')).toBe('15550783881');
		for (const display of [null, '', 'unknown', '+1 555']) {
			const error = caught(() => reportedChatNumber(display, '1065'));
			expect(error).toMatchObject({ code: 'CHAT_LINK_NUMBER_UNKNOWN', field: 'phoneNumber' });
			expect(error.hint).toContain('Phone Number option');
		}
	});
});

describe('chat link QR code', () => {
	const link = buildChatLink('16505551234', 'Hola, quiero reservar una mesa 🍽️').link;

	it('draws a PNG of the asked size and an SVG, both of which scan back to the link', async () => {
		// Small images: pngjs packs 20 times slower inside Jest than in n8n.
		const { png, svg } = await qrCodeImages(link, { size: 150, margin: 2, errorCorrection: 'H' });
		expect(png.subarray(1, 4).toString()).toBe('PNG');
		expect(decodeQrPng(png)).toEqual({ text: link, width: 150, height: 150 });
		expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="150" height="150"/);
		expect(decodeQrSvg(svg)).toBe(link);
	});

	it('uses 512 px, level M and the standard quiet zone by default', async () => {
		const { png, svg } = await qrCodeImages(link);
		expect(decodeQrPng(png)).toMatchObject({ text: link, width: 512 });
		const side = Number(/viewBox="0 0 (\d+)/.exec(svg)?.[1]);
		const modulesAt = (errorCorrectionLevel: 'M' | 'H') => create(link, { errorCorrectionLevel }).modules.size;
		expect(modulesAt('M')).not.toBe(modulesAt('H'));
		expect(side).toBe(modulesAt('M') + 2 * 4);
	});

	it('says which option to change when the link does not fit or an option is out of range', async () => {
		const long = buildChatLink('16505551234', 'x'.repeat(1400)).link;
		await expect(qrCodeImages(long, { errorCorrection: 'H' })).rejects.toMatchObject({ code: 'CHAT_LINK_TOO_LONG', field: 'text' });
		expect(decodeQrSvg((await qrCodeImages(long, { errorCorrection: 'L', size: 256 })).svg)).toBe(long);
		await expect(qrCodeImages(link, { size: 10 })).rejects.toMatchObject({ code: 'CHAT_LINK_OPTION_INVALID', field: 'size' });
		await expect(qrCodeImages(link, { size: 200.5 })).rejects.toMatchObject({ field: 'size' });
		await expect(qrCodeImages(link, { margin: -1 })).rejects.toMatchObject({ field: 'margin' });
		await expect(qrCodeImages(link, { errorCorrection: 'X' as 'L' })).rejects.toMatchObject({ field: 'errorCorrection' });
	});
});
