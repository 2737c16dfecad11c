import { PolicyError, type PolicyErrorCode } from '../../../core/errors';

/** Runs `fn`, expects a PolicyError with `code` and a non-empty message and hint, and returns it. */
export function expectPolicyError(fn: () => unknown, code: PolicyErrorCode): PolicyError {
	let caught: unknown;
	try {
		fn();
	} catch (error) {
		caught = error;
	}
	if (!(caught instanceof PolicyError)) {
		throw new Error(`expected a PolicyError ${code}, got ${caught === undefined ? 'no error' : String(caught)}`);
	}
	expect(caught.code).toBe(code);
	expect(caught.message.trim().length).toBeGreaterThan(0);
	expect(caught.hint.trim().length).toBeGreaterThan(0);
	expect(caught.name).toBe('PolicyError');
	return caught;
}
