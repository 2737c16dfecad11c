import type { ServerResponse } from 'node:http';

import type { IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	acquireStore,
	answerVerificationChallenge,
	ingestWebhookRequest,
	releaseStore,
	SIGNATURE_HEADER,
	storeKey,
	WebhookError,
	type ConversationStore,
	type StoreConfig,
} from '../../../core';
import { whatsAppCredential } from '../core-access';
import { WHATSAPP_CREDENTIAL } from '../credentials';
import { acceptWakeRequest } from './manual-listen';
import { acceptsUnsigned, webhookAuthentication } from './webhook-auth';

/**
 * Every trigger of this package exposes the same endpoint shape: GET for Meta's verification, POST for
 * notifications. Whichever trigger's URL Meta calls, the delivery lands in the shared store and every
 * active trigger reads it from the event log.
 */
export const metaWebhooks: IWebhookDescription[] = [
	{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
	{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
];

// Webhook processes ingest on every request: each credential's store stays open for the life of the
// process rather than being reopened (and its schema re-checked) per delivery.
const ingestStores = new Map<string, { key: string; store: ConversationStore }>();

function ingestStore(credentialId: string | null | undefined, config: StoreConfig): ConversationStore {
	const key = storeKey(config);
	const held = ingestStores.get(credentialId ?? key);
	if (held?.key === key) return held.store;
	const store = acquireStore(config);
	ingestStores.set(credentialId ?? key, { key, store });
	// The credential was edited (a corrected password, another file): its former store is let go, and
	// closes once no active trigger uses it either.
	if (held) void releaseStore(held.store);
	return store;
}

function rawBodyOf(request: ReturnType<IWebhookFunctions['getRequestObject']>): Buffer {
	const raw = (request as { rawBody?: unknown }).rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	// Without the raw bytes the signature cannot be checked; re-serializing would not match Meta's bytes.
	return Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(request.body ?? {}));
}

/** Plain Node response calls: they work whatever framework n8n puts in front. */
function answer(response: ServerResponse, status: number, body: string): IWebhookResponseData {
	response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
	response.end(body);
	return { noWebhookResponse: true };
}

/** Answers Meta; never starts an execution itself (triggers emit from the event log). */
export async function handleMetaWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const credential = await whatsAppCredential(this);
	const response: ServerResponse = this.getResponseObject();
	const wake = this.getMode() === 'manual' ? acceptWakeRequest.call(this) : null;
	if (wake) return wake;
	try {
		if (this.getWebhookName() === 'setup') {
			const challenge = answerVerificationChallenge(this.getQueryData() as Record<string, unknown>, credential.verifyToken);
			return answer(response, 200, challenge);
		}
		const auth = webhookAuthentication(credential, acceptsUnsigned(this));
		const request = this.getRequestObject();
		await ingestWebhookRequest(
			{ rawBody: rawBodyOf(request), signature: request.headers[SIGNATURE_HEADER], headers: request.headers },
			{ store: ingestStore(this.getNode().credentials?.[WHATSAPP_CREDENTIAL]?.id, credential.store), ...auth, inactivityTimeoutMs: credential.inactivityTimeoutMs },
		);
		return answer(response, 200, 'OK');
	} catch (error) {
		if (error instanceof WebhookError) {
			this.logger.warn(`WhatsApp webhook refused: ${error.code} ${error.message}`);
			return answer(response, error.httpStatus, error.message);
		}
		throw error;
	}
}
