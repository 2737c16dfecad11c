/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: the zone's offset at an instant is
 * read back from Intl.DateTimeFormat, so the runtime's own tz database handles every DST rule.
 */

/** A local date and minute of the day, as a clock on the wall in the zone shows it. */
export interface WallTime {
	year: number;
	month: number;
	day: number;
	/** Minutes since local midnight, 0–1439. */
	minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let format = formatters.get(timeZone);
	if (format === undefined) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, format);
	}
	return format;
}

/** Whether the runtime knows the zone (Intl throws a RangeError for an unknown one). */
export function isKnownTimeZone(timeZone: string): boolean {
	try {
		formatter(timeZone);
		return true;
	} catch {
		return false;
	}
}

/** The zone's local date and time at an instant, each field read from Intl. */
function localParts(instant: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
	const parts: Record<string, number> = {};
	for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** Local time minus UTC at the instant, in ms (Berlin in summer: +7,200,000). */
export function zoneOffset(instant: number, timeZone: string): number {
	const p = localParts(instant, timeZone);
	const wholeSecond = Math.floor(instant / 1000) * 1000;
	return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - wholeSecond;
}

export function wallTimeAt(instant: number, timeZone: string): WallTime {
	const p = localParts(instant, timeZone);
	return { year: p.year, month: p.month, day: p.day, minute: p.hour * 60 + p.minute };
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * The instants a wall clock in the zone shows this local date and minute, earliest first: one on most
 * days, two in the hour a fall-back repeats. A time inside a spring-forward gap never shows: it gives
 * the instant the clocks jump (the first local minute after the gap).
 */
export function instantsOfWallTime(year: number, month: number, day: number, minute: number, timeZone: string): number[] {
	const wall = Date.UTC(year, month - 1, day, 0, minute);
	// A transition near this wall time has one offset before it and one after; 12 h either side is past it.
	const before = wall - zoneOffset(wall - 12 * HOUR_MS, timeZone);
	const after = wall - zoneOffset(wall + 12 * HOUR_MS, timeZone);
	const valid = [...new Set([before, after])].filter((candidate) => candidate + zoneOffset(candidate, timeZone) === wall);
	if (valid.length > 0) return valid.sort((a, b) => a - b);
	// In the gap: find the first minute whose offset is the later one, between the two candidates.
	let low = Math.min(before, after);
	let high = Math.max(before, after);
	const later = zoneOffset(high, timeZone);
	while (high - low > MINUTE_MS) {
		const middle = low + Math.max(1, Math.floor((high - low) / 2 / MINUTE_MS)) * MINUTE_MS;
		if (zoneOffset(middle, timeZone) === later) high = middle;
		else low = middle;
	}
	return [high];
}

const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');

/** ISO 8601 with the zone's offset ("2025-03-31T09:00:00+02:00"): what a customer-facing text wants to show. */
export function isoInZone(instant: number, timeZone: string): string {
	const offsetMinutes = Math.round(zoneOffset(instant, timeZone) / MINUTE_MS);
	const local = new Date(Math.floor(instant / 1000) * 1000 + offsetMinutes * MINUTE_MS);
	const sign = offsetMinutes < 0 ? '-' : '+';
	return `${local.toISOString().slice(0, 19)}${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
}
