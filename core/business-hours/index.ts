/** Opening hours per weekday in a time zone, with closed dates: pure, DST-safe through Intl. */
export { businessHoursAt, isOpen, nextOpenAt, parseBusinessHours, WEEKDAYS, type BusinessHoursInput, type BusinessHoursStatus, type BusinessSchedule, type OpeningInterval, type Weekday } from './schedule';
export { isKnownTimeZone, isoInZone } from './zone';
