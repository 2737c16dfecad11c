/** Small conversions shared by the message and status normalizers. */
import type { MetaErrorDetail } from './types';
import type { MetaErrorPayload } from './schema';

/**
 * Values at or above this are taken as milliseconds already: 1e11 seconds is the year 5138, while 1e11
 * milliseconds is 1973, so no real timestamp is ambiguous.
 */
const MILLISECONDS_THRESHOLD = 1e11;

/** Meta's Unix seconds (string or number) to epoch milliseconds. */
export function toEpochMs(timestamp: string | number): number {
	const value = typeof timestamp === 'number' ? timestamp : Number(timestamp);
	return Math.round(value >= MILLISECONDS_THRESHOLD ? value : value * 1000);
}

export function toMetaErrors(errors: readonly MetaErrorPayload[] | undefined): MetaErrorDetail[] {
	if (errors === undefined || errors.length === 0) return [];
	return errors.map((error) => ({
		code: Number(error.code),
		title: error.title ?? error.message ?? '',
		message: error.message ?? null,
		details: error.error_data?.details ?? null,
	}));
}

/** Empty strings carry no information in Meta's payloads (e.g. a removed reaction's emoji). */
export function nonEmpty(value: string | undefined | null): string | null {
	return value === undefined || value === null || value === '' ? null : value;
}
