/** The QR code that opens a link: a PNG and an SVG, drawn by the `qrcode` package (pure JavaScript). */
import { create, toBuffer, toString as toQrString } from 'qrcode';

import { ChatLinkError } from '../errors';

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface QrCodeOptions {
	/** Width and height of the image in pixels; a code with more modules than fit is drawn 4 px a module. */
	size?: number;
	/** How much of the code may be damaged or covered and still scan: L 7 %, M 15 %, Q 25 %, H 30 %. */
	errorCorrection?: QrErrorCorrection;
	/** The light border around the code, in modules; scanners want 4 (the QR standard's quiet zone). */
	margin?: number;
}

export interface QrCodeImages {
	png: Buffer;
	svg: string;
}

export const DEFAULT_QR_CODE_OPTIONS: Required<QrCodeOptions> = { size: 512, errorCorrection: 'M', margin: 4 };
export const QR_SIZE_RANGE = { min: 64, max: 4096 } as const;
export const QR_MARGIN_RANGE = { min: 0, max: 32 } as const;

function wholeNumberIn(value: number, range: { min: number; max: number }, field: string, label: string): number {
	if (Number.isInteger(value) && value >= range.min && value <= range.max) return value;
	throw new ChatLinkError('CHAT_LINK_OPTION_INVALID', field, `${label}: ${String(value)} is not a whole number from ${range.min} to ${range.max}`, `Set ${label} to a whole number from ${range.min} to ${range.max}.`);
}

export async function qrCodeImages(content: string, options: QrCodeOptions = {}): Promise<QrCodeImages> {
	const size = wholeNumberIn(options.size ?? DEFAULT_QR_CODE_OPTIONS.size, QR_SIZE_RANGE, 'size', 'QR Code Size');
	const margin = wholeNumberIn(options.margin ?? DEFAULT_QR_CODE_OPTIONS.margin, QR_MARGIN_RANGE, 'margin', 'Margin');
	const errorCorrectionLevel = options.errorCorrection ?? DEFAULT_QR_CODE_OPTIONS.errorCorrection;
	if (!['L', 'M', 'Q', 'H'].includes(errorCorrectionLevel)) {
		throw new ChatLinkError('CHAT_LINK_OPTION_INVALID', 'errorCorrection', `Error Correction Level: "${String(errorCorrectionLevel)}" is not L, M, Q or H`, 'Pick L, M, Q or H.');
	}
	try {
		// With the options checked, the one way encoding fails is more data than the largest QR code holds.
		create(content, { errorCorrectionLevel });
	} catch {
		throw new ChatLinkError(
			'CHAT_LINK_TOO_LONG',
			'text',
			`The link is too long for a QR code at error correction level ${errorCorrectionLevel} (${content.length} characters)`,
			'Shorten the Prefilled Text (each non-ASCII character takes 6 to 12), or pick a lower Error Correction Level.',
		);
	}
	const rendering = { errorCorrectionLevel, margin };
	const [png, svg] = await Promise.all([
		// The library floors modules × (size / modules), which float rounding can put 1 px short of size.
		toBuffer(content, { ...rendering, width: size + 0.5, type: 'png' }),
		toQrString(content, { ...rendering, width: size, type: 'svg' }),
	]);
	return { png, svg };
}
