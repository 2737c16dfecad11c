/**
 * A bound on what one stored payload may cost. Meta's message objects are a few hundred bytes, but a
 * delivery may carry far more (a Flow's answers, an order with many items, a future type); the store
 * keeps at most this much of one, so a single message can never make the store balloon.
 */
export const MAX_STORED_PAYLOAD_BYTES = 64 * 1024;

/** Set on a payload that was cut: how big it was, so a reader knows what it is missing. */
export interface TruncationMarker {
	truncated: true;
	/** Size of the whole payload as UTF-8 JSON. */
	bytes: number;
}

/**
 * The payload itself when its JSON fits in `maxBytes`; otherwise `{ truncated: true, bytes }` plus as
 * many of its top-level members, in their order, as fit beside it. The small members that say what
 * the payload is (id, from, type, timestamp) are kept; the one that is too big is left out whole
 * rather than cut into invalid data.
 */
export function capPayload(
	payload: Readonly<Record<string, unknown>>,
	maxBytes: number = MAX_STORED_PAYLOAD_BYTES,
): Record<string, unknown> {
	const bytes = jsonByteLength(payload);
	if (bytes <= maxBytes) return payload as Record<string, unknown>;
	const capped: Record<string, unknown> = { truncated: true, bytes };
	let used = jsonByteLength(capped);
	for (const [key, value] of Object.entries(payload)) {
		if (key === 'truncated' || key === 'bytes' || value === undefined) continue;
		// `,"key":value` — the bytes this member adds to the object.
		const member = jsonByteLength({ [key]: value }) - 1;
		if (used + member > maxBytes) continue;
		capped[key] = value;
		used += member;
	}
	return capped;
}

/** Characters JSON.stringify writes as escapes: quote, backslash, controls, and (lone) surrogates. */
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The UTF-8 length of JSON.stringify(value), counted without building the string: measuring a
 * 3 MB delivery's payload would otherwise hold it in memory once more.
 */
export function jsonByteLength(value: unknown): number {
	switch (typeof value) {
		case 'string':
			return stringBytes(value);
		case 'number':
			return Number.isFinite(value) ? String(value).length : 4;
		case 'boolean':
			return value ? 4 : 5;
		case 'bigint':
			throw new TypeError('Do not know how to serialize a BigInt');
		case 'object':
			return value === null ? 4 : objectBytes(value);
		default:
			return 0;
	}
}

function objectBytes(value: object): number {
	if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return jsonByteLength((value as { toJSON: () => unknown }).toJSON());
	if (Array.isArray(value)) {
		// Members JSON has no form for (undefined, functions) are written as null inside arrays.
		let bytes = 2 + Math.max(0, value.length - 1);
		for (const item of value) bytes += isOmitted(item) ? 4 : jsonByteLength(item);
		return bytes;
	}
	let bytes = 2;
	let members = 0;
	for (const key of Object.keys(value)) {
		const item = (value as Record<string, unknown>)[key];
		if (isOmitted(item)) continue;
		bytes += stringBytes(key) + 1 + jsonByteLength(item);
		members++;
	}
	return bytes + Math.max(0, members - 1);
}

function isOmitted(value: unknown): boolean {
	return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function stringBytes(text: string): number {
	if (!NEEDS_CARE.test(text)) return Buffer.byteLength(text, 'utf8') + 2;
	let bytes = 2;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === 0x22 || code === 0x5c || code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) bytes += 2;
		else if (code < 0x20) bytes += 6;
		else if (code < 0x80) bytes += 1;
		else if (code < 0x800) bytes += 2;
		else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
			bytes += 4;
			index++;
		} else if (code >= 0xd800 && code <= 0xdfff) bytes += 6;
		else bytes += 3;
	}
	return bytes;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}
