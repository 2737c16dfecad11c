import type { ConversationStore, IngestResult } from './store/types';
import { parseWebhookBody } from './webhook/parse';
import { verifySignature } from './webhook/signature';
import type { WebhookSystemError } from './webhook/types';

export interface WebhookIngressOptions {
	store: ConversationStore;
	/** The Meta app secret; when set, every POST must carry a valid X-Hub-Signature-256. */
	appSecret?: string | null;
	inactivityTimeoutMs: number;
	optOutKeywords?: readonly string[];
	optInKeywords?: readonly string[];
	clock?: () => number;
}

export interface IngressRequest {
	/** The body exactly as received: the signature covers these bytes, not re-serialized JSON. */
	rawBody: Buffer | string;
	/** The X-Hub-Signature-256 header value(s). */
	signature: string | readonly string[] | undefined | null;
}

export interface IngressSummary extends IngestResult {
	/** Changes of other fields (account or template updates), acknowledged and not stored. */
	ignoredChanges: number;
	/** Meta's system-level errors in this delivery, for logging. */
	systemErrors: WebhookSystemError[];
}

/**
 * One Meta POST, end to end: signature over the raw bytes, parse, and one store transaction that
 * writes messages, statuses and their events. Resolve → answer 200; a WebhookError → answer its
 * httpStatus (Meta retries non-2xx, and the transaction wrote nothing).
 */
export async function ingestWebhookRequest(
	request: IngressRequest,
	options: WebhookIngressOptions,
): Promise<IngressSummary> {
	if (options.appSecret) verifySignature(request.rawBody, request.signature, options.appSecret);
	const webhook = parseWebhookBody(request.rawBody);
	const result = await options.store.ingest(webhook, {
		now: (options.clock ?? Date.now)(),
		inactivityTimeoutMs: options.inactivityTimeoutMs,
		optOutKeywords: options.optOutKeywords,
		optInKeywords: options.optInKeywords,
	});
	return { ...result, ignoredChanges: webhook.ignoredChanges, systemErrors: webhook.errors };
}
