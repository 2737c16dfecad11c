import type { IDataObject } from 'n8n-workflow';

import type { MessagingLimitReading } from '../../core';

/**
 * Where an Automatic tier's limit came from, for output items: `limitSource` meta (Meta's answer),
 * lastKnown (Meta could not be read: the last value it gave, at `limitKnownAt`) or lowest (nothing
 * known yet: 250), and why Meta could not be read. Nothing with a tier picked in the credential.
 */
export function limitSourceFields(reading: MessagingLimitReading | null | undefined): IDataObject {
	if (!reading) return {};
	return {
		limitSource: reading.source,
		limitKnownAt: reading.observedAt === null ? null : new Date(reading.observedAt).toISOString(),
		...(reading.problem && { limitProblem: { code: reading.problem.code, message: reading.problem.message } }),
	};
}
