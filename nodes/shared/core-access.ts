/**
 * The one place where the nodes turn their credentials into core objects: the Cloud API client, the
 * store, the template catalog, a send's outbound context and the AI connection, all over n8n's request
 * helper. Nodes and triggers ask here rather than build these themselves.
 */
import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';

import {
	acquireStore,
	AiConnection,
	AUTOMATIC_TIER,
	currentMessagingLimit,
	CloudApiClient,
	fetchOverRequester,
	releaseStore,
	TemplateCatalog,
	type ConversationStore,
	type MessagingLimitReading,
	type MessagingTier,
	type OutboundContext,
} from '../../core';
import { AI_CREDENTIAL, cloudApiConfig, readWhatsAppCredential, WHATSAPP_CREDENTIAL, type WhatsAppCredential } from './credentials';
import { n8nRequester, n8nTransport } from './transport';

/** Any n8n context that reads credentials: executions, load options, triggers, webhooks. */
interface CredentialHost {
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
}

/** Any n8n context with the request helper: executions, load options, triggers, webhooks. */
interface HttpRequestHost {
	helpers: { httpRequest(options: IHttpRequestOptions): Promise<unknown> };
}

/** What the AI connection needs of an n8n context: execute, trigger and webhook functions all have it. */
export type AiCredentialHost = CredentialHost & HttpRequestHost;

// One template catalog per account and token in the process: sends and the template picker share
// it. A refresh lists through the client of the execution that asks, so its proxy settings apply.
const catalogs = new Map<string, { catalog: TemplateCatalog; client: CloudApiClient }>();

function catalogFor(credential: WhatsAppCredential, client: CloudApiClient): TemplateCatalog {
	const key = createHash('sha256')
		.update([credential.baseUrl, credential.businessAccountId, credential.accessToken].join('\n'))
		.digest('hex');
	let entry = catalogs.get(key);
	if (!entry) {
		const created: { catalog: TemplateCatalog; client: CloudApiClient } = {
			client,
			catalog: new TemplateCatalog({ listAllTemplates: (options) => created.client.listAllTemplates(options) }),
		};
		entry = created;
		catalogs.set(key, entry);
	}
	entry.client = client;
	return entry.catalog;
}

export async function whatsAppCredential(context: CredentialHost): Promise<WhatsAppCredential> {
	return readWhatsAppCredential(await context.getCredentials(WHATSAPP_CREDENTIAL));
}

export function cloudApiClient(context: HttpRequestHost, credential: WhatsAppCredential, phoneNumberId?: string): CloudApiClient {
	return new CloudApiClient(cloudApiConfig(credential, n8nTransport((options) => context.helpers.httpRequest(options)), phoneNumberId));
}

/** Runs `work` with the store of the credential, released afterwards whatever happens. */
export async function withStore<T>(credential: WhatsAppCredential, work: (store: ConversationStore) => Promise<T>): Promise<T> {
	const store = acquireStore(credential.store);
	try {
		return await work(store);
	} finally {
		await releaseStore(store);
	}
}

/** Everything a send needs, for one sender phone number of the credential's account. */
export async function withOutbound<T>(
	context: IExecuteFunctions,
	phoneNumberId: string | undefined,
	work: (outbound: OutboundContext) => Promise<T>,
): Promise<T> {
	const credential = await whatsAppCredential(context);
	const client = cloudApiClient(context, credential, phoneNumberId);
	return withStore(credential, async (store) => {
		const limit = await messagingLimitOf(credential, store, client);
		return work({
			store,
			client,
			phoneNumberId: phoneNumberId || credential.phoneNumberId,
			businessAccountId: credential.businessAccountId,
			tier: limit.tier,
			...(limit.reading && { limitReading: limit.reading }),
			inactivityTimeoutMs: credential.inactivityTimeoutMs,
			templates: catalogFor(credential, client),
		});
	});
}

/**
 * The tier a send checks against: the credential's, or with Automatic Meta's current limit (read at
 * most every few minutes per account in the process, else the last known one, else the lowest).
 */
export async function messagingLimitOf(
	credential: WhatsAppCredential,
	store: ConversationStore,
	client: CloudApiClient,
): Promise<{ tier: MessagingTier; reading: MessagingLimitReading | null }> {
	if (credential.tier !== AUTOMATIC_TIER) return { tier: credential.tier, reading: null };
	const reading = await currentMessagingLimit({ store, client, businessAccountId: credential.businessAccountId });
	return { tier: reading.tier, reading };
}

/**
 * Meta announced a template change (a review, a pause, a new category): every cached template list
 * of the process is read again on its next use.
 */
export function forgetCachedTemplates(): void {
	for (const { catalog } of catalogs.values()) catalog.invalidate();
}

export function templateCatalog(context: HttpRequestHost, credential: WhatsAppCredential): TemplateCatalog {
	return catalogFor(credential, cloudApiClient(context, credential));
}

/**
 * Runs `work` for every input item, grouped by the item's sender so each group shares one store
 * and client. Items keep their own index for pairing.
 */
export async function forEachItemBySender(
	context: IExecuteFunctions,
	work: (outbound: OutboundContext, itemIndex: number) => Promise<void>,
): Promise<void> {
	const senders = new Map<string, number[]>();
	for (let itemIndex = 0; itemIndex < context.getInputData().length; itemIndex++) {
		const sender = context.getNodeParameter('sender', itemIndex, '', { extractValue: true }) as string;
		senders.set(sender, [...(senders.get(sender) ?? []), itemIndex]);
	}
	for (const [sender, itemIndexes] of senders) {
		await withOutbound(context, sender || undefined, async (outbound) => {
			for (const itemIndex of itemIndexes) await work(outbound, itemIndex);
		});
	}
}

/** Output items back in input order after per-sender grouping. */
export function inInputOrder(items: INodeExecutionData[]): INodeExecutionData[] {
	const index = (item: INodeExecutionData) => (item.pairedItem as { item: number }).item;
	return items.sort((a, b) => index(a) - index(b));
}

export interface AiConnectionOptions {
	timeoutMs: number;
	maxRetries: number;
}

/**
 * The OpenAI-compatible credential as a connection whose requests go through n8n's helper. The
 * triggers (voice transcription, end-of-conversation extraction) can call it with their own context.
 */
export async function aiConnection(context: AiCredentialHost, options: AiConnectionOptions = { timeoutMs: 120_000, maxRetries: 2 }): Promise<AiConnection> {
	const data = await context.getCredentials(AI_CREDENTIAL);
	const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string).trim() : '');
	return new AiConnection({
		baseUrl: text('baseUrl') || undefined,
		apiKey: text('apiKey'),
		organization: text('organization'),
		timeoutMs: options.timeoutMs,
		retry: { maxRetries: options.maxRetries },
		fetch: fetchOverRequester(n8nRequester((request) => context.helpers.httpRequest(request), options.timeoutMs)),
	});
}
