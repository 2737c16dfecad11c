/**
 * Reads QR codes back, so tests check what a phone's camera would see: PNGs through pngjs, and the SVGs
 * the `qrcode` package draws (one stroked path of horizontal runs, "M x y", "m dx 0", "h n", one unit a
 * module) rasterized here by SVG path rules, then both through jsQR.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

export function decodeQrPng(png: Buffer): { text: string; width: number; height: number } {
	const image = PNG.sync.read(png);
	const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
	if (found === null) throw new Error('no QR code found in the PNG');
	return { text: found.data, width: image.width, height: image.height };
}

const PIXELS_PER_MODULE = 4;

export function decodeQrSvg(svg: string): string {
	const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
	const path = /<path stroke="#000000" d="([^"]*)"/.exec(svg);
	if (viewBox === null || path === null) throw new Error('not an SVG drawn by qrcode');
	const modules = Number(viewBox[1]);
	const side = modules * PIXELS_PER_MODULE;
	const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
	let x = 0;
	let y = 0;
	for (const [, command, a, b] of path[1].matchAll(/([MmHh])([\d.]+)(?: ([\d.]+))?/g)) {
		if (command === 'M') [x, y] = [Number(a), Number(b)];
		else if (command === 'm') [x, y] = [x + Number(a), y + Number(b)];
		else {
			// A stroke of width 1 along y = row + 0.5 covers the module row `row`.
			const row = Math.floor(y);
			for (let column = x; column < x + Number(a); column++) paint(pixels, side, column, row);
			x += Number(a);
		}
	}
	const found = jsQR(pixels, side, side);
	if (found === null) throw new Error('no QR code found in the SVG');
	return found.data;
}

function paint(pixels: Uint8ClampedArray, side: number, column: number, row: number): void {
	for (let dy = 0; dy < PIXELS_PER_MODULE; dy++) {
		for (let dx = 0; dx < PIXELS_PER_MODULE; dx++) {
			const offset = ((row * PIXELS_PER_MODULE + dy) * side + column * PIXELS_PER_MODULE + dx) * 4;
			pixels.fill(0, offset, offset + 3);
		}
	}
}
