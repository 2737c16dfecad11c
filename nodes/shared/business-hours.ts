import { businessHoursAt, isoInZone, parseBusinessHours, type BusinessSchedule } from '../../core';
import type { WhatsAppCredential } from './credentials';

/** The credential's schedule; null when business hours are off. Throws BusinessHoursError when it cannot be read. */
export function businessSchedule(credential: WhatsAppCredential): BusinessSchedule | null {
	return credential.businessHours === null ? null : parseBusinessHours(credential.businessHours);
}

export interface BusinessHoursFields {
	withinBusinessHours: boolean;
	/** ISO 8601 with the business's UTC offset; null while open or with no hours (always open). */
	nextOpenAt: string | null;
}

export function businessHoursFields(schedule: BusinessSchedule | null, at: number): BusinessHoursFields {
	const status = businessHoursAt(schedule, at);
	return {
		withinBusinessHours: status.withinBusinessHours,
		nextOpenAt: schedule === null || status.nextOpenAt === null ? null : isoInZone(status.nextOpenAt, schedule.timeZone),
	};
}
