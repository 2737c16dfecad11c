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
	const bytes = Buffer.byteLength(JSON.stringify(payload), 'utf8');
	if (bytes <= maxBytes) return payload as Record<string, unknown>;
	const capped: Record<string, unknown> = { truncated: true, bytes };
	let used = Buffer.byteLength(JSON.stringify(capped), 'utf8');
	for (const [key, value] of Object.entries(payload)) {
		if (key === 'truncated' || key === 'bytes' || value === undefined) continue;
		// `,"key":value` — the bytes this member adds to the object.
		const member = Buffer.byteLength(JSON.stringify({ [key]: value }), 'utf8') - 1;
		if (used + member > maxBytes) continue;
		capped[key] = value;
		used += member;
	}
	return capped;
}
