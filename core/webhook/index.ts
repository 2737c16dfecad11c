/** Webhook ingress: signature check, GET handshake and parsing into the normalized model. */
export * from './types';
export { SIGNATURE_HEADER, signPayload, verifySignature } from './signature';
export {
	assertWebhookAuthConfigured,
	authenticateWebhook,
	verifyHeaderSecret,
	type RequestHeaders,
	type WebhookAuthOptions,
	type WebhookAuthRequest,
	type WebhookHeaderSecret,
} from './authenticate';
export { answerVerificationChallenge, type VerificationQuery } from './verification';
export { parseWebhook, parseWebhookBody } from './parse';
export {
	ACCOUNT_EVENT_KINDS,
	accountEventKindOf,
	changesTemplates,
	marketingOptOutOf,
	type AccountEvent,
	type AccountEventKind,
} from './account-events';
