import type { ConversationStore, IngestResult } from './conversation/store';
import { authenticateWebhook, type WebhookAuthOptions, type WebhookAuthRequest } from './webhook/authenticate';
import { parseWebhookBody } from './webhook/parse';
import type { WebhookSystemError } from './webhook/types';

/**
 * How deliveries are authenticated (app secret, header secret, or an explicit `allowUnsigned: true`)
 * and where they go. Without any of the three every delivery is refused with AUTH_NOT_CONFIGURED.
 */
export interface WebhookIngressOptions extends WebhookAuthOptions {
	store: ConversationStore;
	inactivityTimeoutMs: number;
	optOutKeywords?: readonly string[];
	optInKeywords?: readonly string[];
	clock?: () => number;
}

/** The body exactly as received (the signature covers these bytes, not re-serialized JSON) and its headers. */
export type IngressRequest = WebhookAuthRequest;

export interface IngressSummary extends IngestResult {
	/** Meta's system-level errors in this delivery, for logging. */
	systemErrors: WebhookSystemError[];
	/** False when the delivery passed no check and was accepted only because unsigned ones are allowed. */
	authenticated: boolean;
}

/**
 * One Meta POST, end to end: authentication (signature over the raw bytes, or header secret), parse,
 * and one store transaction that writes messages, statuses, account events and their log entries, marked with whether the
 * delivery was authenticated. Resolve → answer 200; a WebhookError → answer its
 * httpStatus (Meta retries non-2xx, and the transaction wrote nothing).
 */
export async function ingestWebhookRequest(
	request: IngressRequest,
	options: WebhookIngressOptions,
): Promise<IngressSummary> {
	const authenticated = authenticateWebhook(request, options);
	const webhook = parseWebhookBody(request.rawBody);
	const result = await options.store.ingest(webhook, {
		now: (options.clock ?? Date.now)(),
		inactivityTimeoutMs: options.inactivityTimeoutMs,
		optOutKeywords: options.optOutKeywords,
		optInKeywords: options.optInKeywords,
		authenticated,
	});
	return { ...result, systemErrors: webhook.errors, authenticated };
}
