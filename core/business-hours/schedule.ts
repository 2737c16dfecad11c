/**
 * Opening hours: per weekday one or more intervals of local time ("09:00-12:30, 13:30-17:00"), an
 * interval whose end is before its start running past midnight ("22:00-02:00"), an IANA time zone and
 * closed dates. Times are compared as the wall clock in the zone shows them, so DST days need no rule
 * of their own. Pure: no n8n, no I/O, no clock.
 */
import { z } from 'zod';

import { BusinessHoursError, type BusinessHoursErrorCode } from '../errors';
import { instantsOfWallTime, isKnownTimeZone, wallTimeAt, type WallTime } from './zone';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The schedule as a user writes it (credential fields). */
export interface BusinessHoursInput {
	timeZone: string;
	/** Per weekday: "09:00-17:30", several separated by commas; empty, missing or "closed": closed all day. */
	weekly: Partial<Record<Weekday, string>>;
	/** Local dates closed all day (YYYY-MM-DD), separated by commas or new lines, or as a list. */
	closedDates?: string | string[];
}

/** Minutes after the day's local midnight; an overnight interval ends after 1440. */
export interface OpeningInterval {
	start: number;
	end: number;
}

export interface BusinessSchedule {
	timeZone: string;
	weekly: Readonly<Record<Weekday, readonly OpeningInterval[]>>;
	/** A closed date cancels the openings that start on it (with their part after midnight). */
	closedDates: ReadonlySet<string>;
}

const DAY_MINUTES = 24 * 60;
const INTERVAL = /^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INTERVAL_HINT = 'Write each opening as HH:MM-HH:MM in 24-hour time, e.g. 09:00-17:30; separate several with commas (09:00-12:00, 13:00-17:00); 22:00-02:00 runs past midnight; leave the day empty when closed.';

/** The core error a zod issue carries in its params, so the first issue becomes the thrown error. */
interface IssueParams {
	code: BusinessHoursErrorCode;
	hint: string;
}

function fail(ctx: z.RefinementCtx, code: BusinessHoursErrorCode, message: string, hint: string, path?: string[]): typeof z.NEVER {
	ctx.addIssue({ code: z.ZodIssueCode.custom, message, path, params: { code, hint } satisfies IssueParams });
	return z.NEVER;
}

const dayLabel = (day: Weekday) => day.charAt(0).toUpperCase() + day.slice(1);

function minuteOf(hours: string, minutes: string, allowMidnightEnd: boolean): number | null {
	const h = Number(hours);
	const m = Number(minutes);
	if (m > 59) return null;
	if (h < 24 || (allowMidnightEnd && h === 24 && m === 0)) return h * 60 + m;
	return null;
}

function intervalsOf(day: Weekday) {
	return z
		.string()
		.optional()
		.transform((value, ctx): OpeningInterval[] => {
			const text = (value ?? '').trim();
			if (text === '' || text.toLowerCase() === 'closed') return [];
			const intervals: OpeningInterval[] = [];
			for (const piece of text.split(/[,;\n]/).map((part) => part.trim()).filter((part) => part !== '')) {
				const match = INTERVAL.exec(piece);
				const start = match ? minuteOf(match[1], match[2], false) : null;
				const end = match ? minuteOf(match[3], match[4], true) : null;
				if (start === null || end === null) {
					return fail(ctx, 'BUSINESS_HOURS_INTERVAL_INVALID', `Business hours for ${dayLabel(day)}: "${piece}" is not an opening time`, INTERVAL_HINT);
				}
				if (start === end) {
					return fail(ctx, 'BUSINESS_HOURS_INTERVAL_INVALID', `Business hours for ${dayLabel(day)}: "${piece}" opens and closes at the same time`, `${INTERVAL_HINT} Open all day is 00:00-24:00.`);
				}
				intervals.push({ start, end: end < start ? end + DAY_MINUTES : end });
			}
			return intervals.sort((a, b) => a.start - b.start);
		});
}

function isRealDate(text: string): boolean {
	const match = DATE.exec(text);
	if (!match) return false;
	const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
	return date.toISOString().slice(0, 10) === text;
}

const closedDatesSchema = z
	.union([z.string(), z.array(z.string())])
	.optional()
	.transform((value, ctx): Set<string> => {
		const list = (Array.isArray(value) ? value : (value ?? '').split(/[,;\s]+/)).map((date) => date.trim()).filter((date) => date !== '');
		const invalid = list.find((date) => !isRealDate(date));
		if (invalid !== undefined) {
			return fail(ctx, 'BUSINESS_HOURS_CLOSED_DATE_INVALID', `Closed Dates: "${invalid}" is not a date`, 'Write each closed date as YYYY-MM-DD (e.g. 2025-12-25), separated by commas.');
		}
		return new Set(list);
	});

const scheduleSchema = z
	.object({
		timeZone: z
			.string({ required_error: 'Time Zone is missing' })
			.transform((value) => value.trim())
			.transform((value, ctx) =>
				value !== '' && isKnownTimeZone(value)
					? value
					: fail(
							ctx,
							'BUSINESS_HOURS_TIME_ZONE_INVALID',
							value === '' ? 'Business hours need a Time Zone' : `Time Zone: "${value}" is not a known time zone`,
							'Enter an IANA time zone name such as Europe/Berlin, America/New_York or UTC.',
						),
			),
		weekly: z.object(Object.fromEntries(WEEKDAYS.map((day) => [day, intervalsOf(day)])) as Record<Weekday, ReturnType<typeof intervalsOf>>),
		closedDates: closedDatesSchema,
	})
	.superRefine((schedule, ctx) => {
		if (WEEKDAYS.every((day) => schedule.weekly[day].length === 0)) {
			fail(ctx, 'BUSINESS_HOURS_EMPTY', 'Business hours are on but no weekday has opening times', 'Enter the opening times of at least one weekday (e.g. Monday: 09:00-17:00), or turn business hours off to be always open.', ['weekly']);
		}
	});

/** Reads and checks a schedule; the first problem is thrown as a BusinessHoursError naming its field. */
export function parseBusinessHours(input: BusinessHoursInput): BusinessSchedule {
	const parsed = scheduleSchema.safeParse({ ...input, weekly: input.weekly ?? {} });
	if (parsed.success) return parsed.data;
	const [issue] = parsed.error.issues;
	const params = (issue.code === z.ZodIssueCode.custom ? issue.params : undefined) as IssueParams | undefined;
	const field = String(issue.path[issue.path[0] === 'weekly' && issue.path.length > 1 ? 1 : 0] ?? 'businessHours');
	if (params) return throwError(params.code, field, issue.message, params.hint);
	// Only a caller passing the wrong types gets here (the credential always gives strings).
	return throwError(field === 'timeZone' ? 'BUSINESS_HOURS_TIME_ZONE_INVALID' : field === 'closedDates' ? 'BUSINESS_HOURS_CLOSED_DATE_INVALID' : 'BUSINESS_HOURS_INTERVAL_INVALID', field, `Business hours: ${field} ${issue.message}`, 'Give the time zone, each weekday and the closed dates as text.');
}

function throwError(code: BusinessHoursErrorCode, field: string, message: string, hint: string): never {
	throw new BusinessHoursError(code, field, message, hint);
}

function weekdayOf(year: number, month: number, day: number): Weekday {
	// getUTCDay: 0 is Sunday.
	return WEEKDAYS[(new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7];
}

/** The local date `days` after the given one (negative: before), as y/m/d and its YYYY-MM-DD key. */
function shiftDate(wall: Pick<WallTime, 'year' | 'month' | 'day'>, days: number) {
	const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
	return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), key: date.toISOString().slice(0, 10) };
}

/** Whether the business is open at the instant (epoch ms). */
export function isOpen(schedule: BusinessSchedule, at: number): boolean {
	const wall = wallTimeAt(at, schedule.timeZone);
	const today = shiftDate(wall, 0);
	const yesterday = shiftDate(wall, -1);
	const openToday =
		!schedule.closedDates.has(today.key) &&
		schedule.weekly[weekdayOf(today.year, today.month, today.day)].some((interval) => interval.start <= wall.minute && wall.minute < interval.end);
	if (openToday) return true;
	// Yesterday's overnight openings reach into today.
	return (
		!schedule.closedDates.has(yesterday.key) &&
		schedule.weekly[weekdayOf(yesterday.year, yesterday.month, yesterday.day)].some((interval) => wall.minute + DAY_MINUTES < interval.end)
	);
}

/** Far enough to pass a year of closed dates and a week without hours. */
const SEARCH_DAYS = 366 + 7;

/**
 * The next instant after `at` the business opens, or null when it is open at `at` or never opens
 * within a year. An opening inside a spring-forward gap opens when the clocks jump.
 */
export function nextOpenAt(schedule: BusinessSchedule, at: number): number | null {
	if (isOpen(schedule, at)) return null;
	const wall = wallTimeAt(at, schedule.timeZone);
	for (let offset = 0; offset <= SEARCH_DAYS; offset++) {
		const date = shiftDate(wall, offset);
		if (schedule.closedDates.has(date.key)) continue;
		// A repeated fall-back hour gives an opening twice: the earliest still ahead that really opens wins.
		const opens = schedule.weekly[weekdayOf(date.year, date.month, date.day)]
			.flatMap((interval) => instantsOfWallTime(date.year, date.month, date.day, interval.start, schedule.timeZone))
			// An opening wholly inside a skipped hour never happens.
			.filter((instant) => instant > at && isOpen(schedule, instant));
		if (opens.length > 0) return Math.min(...opens);
	}
	return null;
}

export interface BusinessHoursStatus {
	withinBusinessHours: boolean;
	/** Epoch ms; null while open (or with no schedule: always open). */
	nextOpenAt: number | null;
}

/** The status at an instant; no schedule means always open. */
export function businessHoursAt(schedule: BusinessSchedule | null, at: number): BusinessHoursStatus {
	if (schedule === null) return { withinBusinessHours: true, nextOpenAt: null };
	const open = isOpen(schedule, at);
	return { withinBusinessHours: open, nextOpenAt: open ? null : nextOpenAt(schedule, at) };
}
