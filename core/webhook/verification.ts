/**
 * The GET handshake Meta performs when a callback URL is saved:
 * `?hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<challenge>`; the endpoint answers 200
 * with the challenge as the body when the token is the one configured.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookError } from '../errors';

/** Query parameters as a framework hands them over (values may be strings, arrays or nested objects). */
export type VerificationQuery = Readonly<Record<string, unknown>>;

const TOKEN_HINT =
	'Make the Verify Token in the credential identical to the one entered in the Meta app (WhatsApp > Configuration).';
const REQUEST_HINT =
	'This URL answers the verification request Meta sends when the callback URL is saved in the Meta app; open it from there.';

/** Printable ASCII without HTML-significant characters: the challenge is echoed back, so nothing else is. */
const SAFE_CHALLENGE = /^[\x21-\x7e]{1,1024}$/;
const UNSAFE_CHALLENGE_CHARACTERS = /[<>&"'`]/;

/** Returns the challenge to send back with status 200, or throws WebhookError (400 / 403). */
export function answerVerificationChallenge(query: VerificationQuery, verifyToken: string): string {
	const mode = hubParameter(query, 'mode');
	const token = hubParameter(query, 'verify_token');
	const challenge = hubParameter(query, 'challenge');

	if (mode !== 'subscribe') {
		throw invalidRequest(
			mode === undefined
				? 'The verification request has no hub.mode parameter.'
				: 'The verification request has a hub.mode other than "subscribe".',
		);
	}
	if (challenge === undefined || !SAFE_CHALLENGE.test(challenge) || UNSAFE_CHALLENGE_CHARACTERS.test(challenge)) {
		throw invalidRequest('The verification request has a missing or malformed hub.challenge parameter.');
	}
	if (token === undefined) throw invalidRequest('The verification request has no hub.verify_token parameter.');
	if (verifyToken === '') {
		throw new WebhookError(
			'VERIFY_TOKEN_MISMATCH',
			'No Verify Token is configured, so the verification request cannot be accepted.',
			'Enter a Verify Token in the credential and the same one in the Meta app (WhatsApp > Configuration).',
			403,
		);
	}
	if (!tokensEqual(token, verifyToken)) {
		throw new WebhookError(
			'VERIFY_TOKEN_MISMATCH',
			'The hub.verify_token Meta sent differs from the Verify Token in the credential.',
			TOKEN_HINT,
			403,
		);
	}
	return challenge;
}

/**
 * `hub.mode` as a flat key (Meta's form, kept by most query parsers) or nested under `hub` (parsers
 * that expand dots). A repeated parameter (array) is not accepted.
 */
function hubParameter(query: VerificationQuery, name: string): string | undefined {
	let value = query[`hub.${name}`];
	if (value === undefined) {
		const hub = query['hub'];
		if (hub !== null && typeof hub === 'object' && !Array.isArray(hub)) {
			value = (hub as Record<string, unknown>)[name];
		}
	}
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Hashing first gives equal-length inputs, so neither the content nor the length leaks through timing. */
function tokensEqual(received: string, configured: string): boolean {
	const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(received), digest(configured));
}

function invalidRequest(message: string): WebhookError {
	return new WebhookError('VERIFY_REQUEST_INVALID', message, REQUEST_HINT, 400);
}
