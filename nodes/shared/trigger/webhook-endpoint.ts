import type { ServerResponse } from 'node:http';

import type { IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerVerificationChallenge, holdStore, ingestWebhookRequest, resumeWaitingAnswers, SIGNATURE_HEADER, storeKey, WebhookError } from '../../../core';
import { forgetCachedTemplates, whatsAppCredential } from '../core-access';
import { WHATSAPP_CREDENTIAL, type WhatsAppCredential } from '../credentials';
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

/** Reads of the credential under way, by workflow and credential. */
const credentialReads = new Map<string, Promise<WhatsAppCredential>>();

/**
 * The workflow's credential. Each read is a query of n8n's database, which under load waits behind the
 * executions' writes (a third of the time to acknowledge at 16 deliveries in flight): deliveries that
 * arrive while a read is under way share it instead of queueing one each. A read started before the
 * delivery arrived is as current as one started for it; nothing is kept once it is done.
 */
function sharedCredentialRead(context: IWebhookFunctions): Promise<WhatsAppCredential> {
	const key = `${context.getWorkflow().id ?? ''}:${context.getNode().credentials?.[WHATSAPP_CREDENTIAL]?.id ?? ''}`;
	let read = credentialReads.get(key);
	if (!read) {
		read = whatsAppCredential(context).finally(() => credentialReads.delete(key));
		credentialReads.set(key, read);
	}
	return read;
}

/** Answers Meta; never starts an execution itself (triggers emit from the event log). */
export async function handleMetaWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	// Only Meta's notifications come often enough to share a read.
	const credential = this.getWebhookName() === 'default' ? await sharedCredentialRead(this) : await whatsAppCredential(this);
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
		// Held per credential for the life of the process; an edited credential's former store is let go.
		const store = holdStore(this.getNode().credentials?.[WHATSAPP_CREDENTIAL]?.id ?? storeKey(credential.store), credential.store);
		const ingested = await ingestWebhookRequest(
			{ rawBody: rawBodyOf(request), signature: request.headers[SIGNATURE_HEADER], headers: request.headers },
			{ store, ...auth, inactivityTimeoutMs: credential.inactivityTimeoutMs },
		);
		if (ingested.templateEvents > 0) forgetCachedTemplates();
		// Send and Wait: the answer resumes its execution from here at once, not awaited so Meta hears
		// back first; a failed call stays due in the store for the resumer beside the triggers.
		if (ingested.questionsAnswered > 0) {
			const logger = this.logger;
			void resumeWaitingAnswers(store, {
				onError: (error) => logger.warn(`WhatsApp answer could not resume its execution yet: ${error instanceof Error ? error.message : String(error)}`),
			});
		}
		return answer(response, 200, 'OK');
	} catch (error) {
		if (error instanceof WebhookError) {
			this.logger.warn(`WhatsApp webhook refused: ${error.code} ${error.message}`);
			return answer(response, error.httpStatus, error.message);
		}
		throw error;
	}
}
