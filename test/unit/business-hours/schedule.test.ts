import {
	BusinessHoursError,
	businessHoursAt,
	isOpen,
	isoInZone,
	nextOpenAt,
	parseBusinessHours,
	type BusinessHoursInput,
	type Weekday,
} from '../../../core';

const utc = (iso: string) => Date.parse(iso);
const weekdays = (hours: string): Partial<Record<Weekday, string>> => ({ monday: hours, tuesday: hours, wednesday: hours, thursday: hours, friday: hours });
const schedule = (timeZone: string, weekly: BusinessHoursInput['weekly'], closedDates?: string) => parseBusinessHours({ timeZone, weekly, closedDates });
const next = (s: ReturnType<typeof schedule>, at: string) => {
	const instant = nextOpenAt(s, utc(at));
	return instant === null ? null : new Date(instant).toISOString();
};

describe('business hours: Europe/Berlin', () => {
	const office = schedule('Europe/Berlin', weekdays('09:00-12:30, 13:30-17:00'));

	it('is open inside an interval and closed in the lunch break and after closing, by local time', () => {
		expect(isOpen(office, utc('2025-03-28T08:00:00Z'))).toBe(true); // Friday 09:00 CET
		expect(isOpen(office, utc('2025-03-28T07:59:00Z'))).toBe(false);
		expect(isOpen(office, utc('2025-03-28T11:45:00Z'))).toBe(false); // 12:45, lunch
		expect(next(office, '2025-03-28T11:45:00Z')).toBe('2025-03-28T12:30:00.000Z');
		expect(isOpen(office, utc('2025-03-28T15:59:00Z'))).toBe(true);
		expect(isOpen(office, utc('2025-03-28T16:00:00Z'))).toBe(false); // 17:00: closed
	});

	it('opens on Monday at 09:00 summer time after the spring-forward weekend', () => {
		expect(next(office, '2025-03-28T16:00:00Z')).toBe('2025-03-31T07:00:00.000Z');
		expect(isoInZone(utc('2025-03-31T07:00:00Z'), 'Europe/Berlin')).toBe('2025-03-31T09:00:00+02:00');
		// And back to winter time after the fall-back weekend.
		expect(next(office, '2025-10-24T15:00:00Z')).toBe('2025-10-27T08:00:00.000Z');
		expect(isoInZone(utc('2025-10-27T08:00:00Z'), 'Europe/Berlin')).toBe('2025-10-27T09:00:00+01:00');
	});

	it('opens when the clocks jump for an opening time inside the skipped hour', () => {
		const early = schedule('Europe/Berlin', { sunday: '02:30-05:00' });
		expect(isOpen(early, utc('2025-03-30T00:30:00Z'))).toBe(false); // 01:30 CET
		expect(next(early, '2025-03-30T00:30:00Z')).toBe('2025-03-30T01:00:00.000Z'); // 03:00 CEST
		expect(isOpen(early, utc('2025-03-30T01:00:00Z'))).toBe(true);
		expect(isOpen(early, utc('2025-03-30T02:59:00Z'))).toBe(true); // 04:59 CEST
		expect(isOpen(early, utc('2025-03-30T03:00:00Z'))).toBe(false);
		// An opening wholly inside the skipped hour does not happen; the next week's does.
		const skipped = schedule('Europe/Berlin', { sunday: '02:00-02:30' });
		expect(next(skipped, '2025-03-29T12:00:00Z')).toBe('2025-04-06T00:00:00.000Z');
	});

	it('is open in both runs of the repeated hour on fall-back night, and opens at the first', () => {
		const repeated = schedule('Europe/Berlin', { sunday: '02:00-02:30' });
		expect(next(repeated, '2025-10-25T12:00:00Z')).toBe('2025-10-26T00:00:00.000Z'); // 02:00 CEST
		expect(isOpen(repeated, utc('2025-10-26T00:15:00Z'))).toBe(true); // 02:15 CEST
		expect(isOpen(repeated, utc('2025-10-26T00:45:00Z'))).toBe(false); // 02:45 CEST
		expect(isOpen(repeated, utc('2025-10-26T01:15:00Z'))).toBe(true); // 02:15 CET
		expect(next(repeated, '2025-10-26T00:45:00Z')).toBe('2025-10-26T01:00:00.000Z'); // 02:00 CET, the second run
	});

	it('stays closed on closed dates and opens on the next working day', () => {
		const christmas = schedule('Europe/Berlin', weekdays('09:00-17:00'), '2025-12-24, 2025-12-25\n2025-12-26');
		expect(isOpen(christmas, utc('2025-12-24T10:00:00Z'))).toBe(false);
		expect(isOpen(christmas, utc('2025-12-23T10:00:00Z'))).toBe(true);
		expect(next(christmas, '2025-12-23T17:00:00Z')).toBe('2025-12-29T08:00:00.000Z');
	});
});

describe('business hours: America/New_York', () => {
	const store = schedule('America/New_York', weekdays('09:00-17:00'));

	it('opens on Monday at 09:00 local across both DST changes', () => {
		expect(next(store, '2025-03-07T23:00:00Z')).toBe('2025-03-10T13:00:00.000Z'); // Friday 18:00 EST → Monday 09:00 EDT
		expect(next(store, '2025-10-31T21:30:00Z')).toBe('2025-11-03T14:00:00.000Z'); // Friday 17:30 EDT → Monday 09:00 EST
		expect(isOpen(store, utc('2025-11-03T13:59:00Z'))).toBe(false);
		expect(isOpen(store, utc('2025-11-03T14:00:00Z'))).toBe(true);
	});

	it('runs an overnight interval past midnight, the longer for the repeated hour', () => {
		const bar = schedule('America/New_York', { saturday: '22:00-02:00' });
		expect(next(bar, '2025-11-01T12:00:00Z')).toBe('2025-11-02T02:00:00.000Z'); // Saturday 22:00 EDT
		expect(isOpen(bar, utc('2025-11-02T05:30:00Z'))).toBe(true); // Sunday 01:30 EDT
		expect(isOpen(bar, utc('2025-11-02T06:30:00Z'))).toBe(true); // Sunday 01:30 EST
		expect(isOpen(bar, utc('2025-11-02T07:00:00Z'))).toBe(false); // Sunday 02:00 EST
		expect(isoInZone(utc('2025-11-02T06:30:00Z'), 'America/New_York')).toBe('2025-11-02T01:30:00-05:00');
	});
});

describe('business hours: overnight intervals and closed dates', () => {
	it('a closed date cancels the openings that start on it, with their part after midnight', () => {
		const bar = schedule('UTC', { friday: '22:00-02:00' }, '2025-06-06');
		expect(isOpen(bar, utc('2025-06-06T23:00:00Z'))).toBe(false); // Friday, closed
		expect(isOpen(bar, utc('2025-06-07T01:00:00Z'))).toBe(false); // its part on Saturday
		expect(next(bar, '2025-06-06T23:00:00Z')).toBe('2025-06-13T22:00:00.000Z');
		// A closed date on the Saturday keeps Friday's opening running into it.
		const saturdayClosed = schedule('UTC', { friday: '22:00-02:00' }, '2025-06-14');
		expect(isOpen(saturdayClosed, utc('2025-06-14T01:00:00Z'))).toBe(true);
	});

	it('reads 24:00 as the end of the day and "closed" as no hours', () => {
		const allDay = schedule('UTC', { monday: '00:00-24:00', tuesday: 'Closed' });
		expect(isOpen(allDay, utc('2025-06-02T23:59:00Z'))).toBe(true);
		expect(isOpen(allDay, utc('2025-06-03T00:00:00Z'))).toBe(false);
		expect(next(allDay, '2025-06-03T00:00:00Z')).toBe('2025-06-09T00:00:00.000Z');
	});

	it('no schedule is always open; a schedule open now has no next opening', () => {
		expect(businessHoursAt(null, Date.now())).toEqual({ withinBusinessHours: true, nextOpenAt: null });
		const allWeek = schedule('UTC', { monday: '00:00-24:00' });
		expect(businessHoursAt(allWeek, utc('2025-06-02T12:00:00Z'))).toEqual({ withinBusinessHours: true, nextOpenAt: null });
		expect(businessHoursAt(allWeek, utc('2025-06-03T12:00:00Z'))).toEqual({ withinBusinessHours: false, nextOpenAt: utc('2025-06-09T00:00:00Z') });
	});
});

describe('business hours: invalid input names the field and the fix', () => {
	const attempt = (input: BusinessHoursInput) => {
		try {
			parseBusinessHours(input);
		} catch (error) {
			if (error instanceof BusinessHoursError) return { code: error.code, field: error.field, message: error.message, hint: error.hint };
			throw error;
		}
		throw new Error('expected a BusinessHoursError');
	};

	it.each([
		[{ timeZone: 'Mars/Olympus_Mons', weekly: { monday: '09:00-17:00' } }, 'BUSINESS_HOURS_TIME_ZONE_INVALID', 'timeZone', /Mars\/Olympus_Mons/],
		[{ timeZone: ' ', weekly: { monday: '09:00-17:00' } }, 'BUSINESS_HOURS_TIME_ZONE_INVALID', 'timeZone', /Time Zone/],
		[{ timeZone: 'UTC', weekly: { monday: '9-17' } }, 'BUSINESS_HOURS_INTERVAL_INVALID', 'monday', /Monday: "9-17"/],
		[{ timeZone: 'UTC', weekly: { tuesday: '09:00-17:00, 25:00-26:00' } }, 'BUSINESS_HOURS_INTERVAL_INVALID', 'tuesday', /Tuesday: "25:00-26:00"/],
		[{ timeZone: 'UTC', weekly: { sunday: '10:00-10:00' } }, 'BUSINESS_HOURS_INTERVAL_INVALID', 'sunday', /same time/],
		[{ timeZone: 'UTC', weekly: { monday: '09:00-17:00' }, closedDates: '2025-12-25, 2025-02-30' }, 'BUSINESS_HOURS_CLOSED_DATE_INVALID', 'closedDates', /2025-02-30/],
		[{ timeZone: 'UTC', weekly: { monday: '', friday: ' ' } }, 'BUSINESS_HOURS_EMPTY', 'weekly', /no weekday/],
	] as Array<[BusinessHoursInput, string, string, RegExp]>)('%j → %s', (input, code, field, message) => {
		const error = attempt(input);
		expect(error).toMatchObject({ code, field });
		expect(error.message).toMatch(message);
		expect(error.hint.length).toBeGreaterThan(20);
	});
});
