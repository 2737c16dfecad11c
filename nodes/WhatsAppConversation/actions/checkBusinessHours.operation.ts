import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { BusinessHoursError } from '../../../core';
import { businessHoursFields, businessSchedule } from '../../shared/business-hours';
import type { OperationExecute } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Time',
		name: 'time',
		type: 'dateTime',
		default: '',
		description: 'The moment to check, e.g. a message timestamp; empty: now',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['checkBusinessHours'] } }, properties);

/** An ISO string, a Luxon DateTime or a Date from an expression, as epoch ms; empty is now. */
function instantOf(value: unknown): number {
	if (value === '' || value === undefined || value === null) return Date.now();
	const instant =
		value instanceof Date ? value.getTime() : typeof value === 'object' && 'toMillis' in value && typeof value.toMillis === 'function' ? Number(value.toMillis()) : Date.parse(String(value));
	if (Number.isFinite(instant)) return instant;
	throw new BusinessHoursError('BUSINESS_HOURS_TIME_INVALID', 'time', `Time: "${String(value)}" is not a date and time`, 'Give an ISO 8601 date and time such as 2025-06-02T18:30:00+02:00, or leave Time empty for now.');
}

export const execute: OperationExecute = async function (itemIndex, _store, credential) {
	const at = instantOf(this.getNodeParameter('time', itemIndex, ''));
	const schedule = businessSchedule(credential);
	return [{ ...businessHoursFields(schedule, at), timeZone: schedule?.timeZone ?? null, checkedAt: new Date(at).toISOString() }];
};
