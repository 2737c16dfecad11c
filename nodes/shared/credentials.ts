import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	DEFAULT_360DIALOG_BASE_URL,
	DEFAULT_FORGET_INACTIVE_TRIGGERS_DAYS,
	DEFAULT_KEEP_MESSAGES_DAYS,
	DEFAULT_META_BASE_URL,
	WEEKDAYS,
	AUTOMATIC_TIER,
	MESSAGING_TIERS,
	type MessagingTierSetting,
	type BusinessHoursInput,
	type CloudApiConfig,
	type HttpTransport,
	type MessagingTier,
	type PostgresStoreConfig,
	type StoreConfig,
} from '../../core';
import { storeFilePath } from './store-path';

export const WHATSAPP_CREDENTIAL = 'whatsAppConversationsApi';
export const AI_CREDENTIAL = 'openAiCompatibleApi';

/** The WhatsApp credential as the nodes use it, read once from n8n's decrypted data. */
export interface WhatsAppCredential {
	provider: 'meta' | '360dialog' | 'custom';
	accessToken: string;
	baseUrl: string;
	apiVersion: string;
	phoneNumberId: string;
	businessAccountId: string;
	/** Empty with 360dialog, which does not sign webhooks. */
	appSecret: string;
	verifyToken: string;
	/** A header the provider sends with every webhook; empty with Meta, which signs instead. */
	webhookHeaderName: string;
	webhookHeaderSecret: string;
	/** A tier, or AUTO: Meta's current limit (nodes/shared/core-access.ts resolves it for sends). */
	tier: MessagingTierSetting;
	inactivityTimeoutMs: number;
	/** Messages and ended conversations are kept this long; null keeps them forever. */
	keepMessagesMs: number | null;
	/** A trigger cursor untouched this long is forgotten (its workflow is inactive or gone). */
	forgetInactiveTriggersAfterMs: number;
	/** The opening hours as entered, checked where they are used (nodes/shared/business-hours.ts); null: always open. */
	businessHours: BusinessHoursInput | null;
	store: StoreConfig;
}

function text(data: ICredentialDataDecryptedObject, key: string, fallback = ''): string {
	const value = data[key];
	return typeof value === 'string' ? value.trim() : value === undefined || value === null ? fallback : String(value);
}

export function readWhatsAppCredential(data: ICredentialDataDecryptedObject): WhatsAppCredential {
	const provider = text(data, 'provider', 'meta') as WhatsAppCredential['provider'];
	const minutes = Number(data.inactivityTimeoutMinutes ?? 30);
	return {
		provider,
		accessToken: text(data, 'accessToken'),
		baseUrl:
			provider === 'custom'
				? text(data, 'baseUrl')
				: provider === '360dialog'
					? DEFAULT_360DIALOG_BASE_URL
					: DEFAULT_META_BASE_URL,
		apiVersion: text(data, 'apiVersion', 'v25.0') || 'v25.0',
		phoneNumberId: text(data, 'phoneNumberId'),
		businessAccountId: text(data, 'businessAccountId'),
		// Fields hidden for the chosen provider may still hold values from another choice: ignore them.
		appSecret: provider === '360dialog' ? '' : text(data, 'appSecret'),
		verifyToken: provider === '360dialog' ? '' : text(data, 'verifyToken'),
		webhookHeaderName: provider === 'meta' ? '' : text(data, 'webhookHeaderName'),
		webhookHeaderSecret: provider === 'meta' ? '' : text(data, 'webhookHeaderSecret'),
		tier: readTierSetting(data),
		inactivityTimeoutMs: (Number.isFinite(minutes) && minutes > 0 ? minutes : 30) * 60_000,
		...readRetention(data),
		businessHours: readBusinessHours(data),
		store: readStoreConfig(data),
	};
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * n8n hands over the property's default for a tier never stored (Automatic since it exists); an
 * unknown value (a retired tier) is Automatic too, which never allows more than Meta does.
 */
function readTierSetting(data: ICredentialDataDecryptedObject): MessagingTierSetting {
	const value = text(data, 'messagingTier', AUTOMATIC_TIER);
	return (MESSAGING_TIERS as readonly string[]).includes(value) ? (value as MessagingTier) : AUTOMATIC_TIER;
}

/** Retention in whole days as the credential gives it; a missing or invalid value takes the default. */
function readRetention(data: ICredentialDataDecryptedObject): Pick<WhatsAppCredential, 'keepMessagesMs' | 'forgetInactiveTriggersAfterMs'> {
	const keepDays = Number(data.retentionDays ?? DEFAULT_KEEP_MESSAGES_DAYS);
	const forgetDays = Number(data.forgetInactiveTriggersAfterDays ?? DEFAULT_FORGET_INACTIVE_TRIGGERS_DAYS);
	const keep = Number.isFinite(keepDays) && keepDays >= 0 ? keepDays : DEFAULT_KEEP_MESSAGES_DAYS;
	return {
		keepMessagesMs: keep === 0 ? null : keep * DAY_MS,
		forgetInactiveTriggersAfterMs: (Number.isFinite(forgetDays) && forgetDays > 0 ? forgetDays : DEFAULT_FORGET_INACTIVE_TRIGGERS_DAYS) * DAY_MS,
	};
}

/** The hours fields keep their values while the switch is off; only the switch counts. */
function readBusinessHours(data: ICredentialDataDecryptedObject): BusinessHoursInput | null {
	if (data.businessHours !== true) return null;
	const weekly = Object.fromEntries(WEEKDAYS.map((day) => [day, text(data, `hours${day.charAt(0).toUpperCase()}${day.slice(1)}`)]));
	return { timeZone: text(data, 'businessTimeZone'), weekly, closedDates: text(data, 'closedDates') };
}

const SSL_MODES: Record<string, PostgresStoreConfig['ssl']> = {
	disable: false,
	require: { rejectUnauthorized: false },
	verify: true,
};

function readStoreConfig(data: ICredentialDataDecryptedObject): StoreConfig {
	if (text(data, 'storeEngine', 'sqlite') === 'postgres') {
		const connectionString = text(data, 'postgresConnectionString');
		const port = Number(data.postgresPort ?? 5432);
		const poolSize = Number(data.postgresPoolSize ?? 5);
		return {
			engine: 'postgres',
			...(connectionString
				? { connectionString }
				: {
						host: text(data, 'postgresHost', 'localhost'),
						port: Number.isFinite(port) ? port : 5432,
						database: text(data, 'postgresDatabase', 'n8n'),
						user: text(data, 'postgresUser', 'postgres'),
						password: text(data, 'postgresPassword'),
					}),
			ssl: SSL_MODES[text(data, 'postgresSsl', 'disable')] ?? false,
			schema: text(data, 'postgresSchema', 'whatsapp_conversations') || 'whatsapp_conversations',
			poolSize: Number.isFinite(poolSize) && poolSize > 0 ? poolSize : 5,
		};
	}
	return { engine: 'sqlite', path: storeFilePath(text(data, 'sqlitePath')) };
}

export function cloudApiConfig(credential: WhatsAppCredential, transport: HttpTransport, phoneNumberId?: string): CloudApiConfig {
	return {
		provider: credential.provider === '360dialog' ? '360dialog' : 'meta',
		baseUrl: credential.baseUrl,
		apiVersion: credential.apiVersion,
		accessToken: credential.accessToken,
		phoneNumberId: phoneNumberId || credential.phoneNumberId,
		businessAccountId: credential.businessAccountId,
		transport,
	};
}
