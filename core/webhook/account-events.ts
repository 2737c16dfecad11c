import { createHash } from 'node:crypto';

/**
 * Meta's webhooks other than `messages`: template reviews, quality and category changes, the number's
 * quality and name, account and review decisions, capability changes, and a customer stopping or
 * resuming marketing messages. Each becomes one account event, whatever Meta adds to its value: the
 * documented parts are lifted into named fields, every top-level field of the value is kept (camelCase)
 * in `details`, and a field Meta adds later is kept the same way under kind `other`.
 */

export type AccountEventKind =
	| 'template_status'
	| 'template_quality'
	| 'template_category'
	| 'phone_number_quality'
	| 'phone_number_name'
	| 'account'
	| 'account_review'
	| 'business_capability'
	| 'user_preference'
	| 'other';

const KIND_OF_FIELD: Readonly<Record<string, AccountEventKind>> = {
	message_template_status_update: 'template_status',
	message_template_quality_update: 'template_quality',
	template_category_update: 'template_category',
	phone_number_quality_update: 'phone_number_quality',
	phone_number_name_update: 'phone_number_name',
	account_update: 'account',
	account_review_update: 'account_review',
	business_capability_update: 'business_capability',
	user_preferences: 'user_preference',
};

export const ACCOUNT_EVENT_KINDS: readonly AccountEventKind[] = [...new Set(Object.values(KIND_OF_FIELD)), 'other'];

export function accountEventKindOf(field: string): AccountEventKind {
	return KIND_OF_FIELD[field] ?? 'other';
}

export interface AccountEvent {
	/** Meta's change field, e.g. `message_template_status_update`. */
	field: string;
	kind: AccountEventKind;
	/** The WhatsApp Business Account (the entry's id). */
	businessAccountId: string;
	/** Set when Meta names the business number by id (user preferences); null for account-wide events. */
	phoneNumberId: string | null;
	displayPhoneNumber: string | null;
	/** What happened: Meta's `event` (APPROVED, PAUSED, FLAGGED, UPGRADE…), `decision`, or a preference's value (stop, resume). */
	event: string | null;
	/** Epoch ms Meta gives for the change (the entry's `time`, a preference's `timestamp`); null when it gives none. */
	occurredAt: number | null;
	template: { id: string | null; name: string | null; language: string | null } | null;
	/** user_preferences: the customer whose preference changed. */
	customer: { waId: string | null; userId: string | null; name: string | null } | null;
	/** Every top-level field of Meta's value (of the preference, for user_preferences), camelCase. */
	details: Record<string, unknown>;
	/** Identifies the change across Meta's redeliveries: a hash of the field, account, time and value. */
	key: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
	if (typeof value === 'string') return value === '' ? null : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function epochMs(seconds: unknown): number | null {
	const value = typeof seconds === 'string' ? Number(seconds) : seconds;
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : null;
}

function camelCase(key: string): string {
	return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function detailsOf(value: Json, skip: readonly string[] = []): Record<string, unknown> {
	const details: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) if (!skip.includes(key)) details[camelCase(key)] = entry;
	return details;
}

function keyOf(parts: unknown[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function templateOf(value: Json): AccountEvent['template'] {
	const id = text(value.message_template_id);
	const name = text(value.message_template_name);
	if (id === null && name === null) return null;
	return { id, name, language: text(value.message_template_language) };
}

/**
 * The account events of one change. Never throws: an account event Meta shapes differently from its
 * documentation is kept with what could be read, so it can never make Meta retry a delivery that also
 * carries messages.
 */
export function toAccountEvents(field: string, value: unknown, entry: { id: string; time?: unknown }): AccountEvent[] {
	const kind = accountEventKindOf(field);
	const body: Json = isObject(value) ? value : { value };
	const metadata = isObject(body.metadata) ? body.metadata : {};
	const base = {
		field,
		kind,
		businessAccountId: entry.id,
		phoneNumberId: text(metadata.phone_number_id),
		displayPhoneNumber: text(body.display_phone_number) ?? text(metadata.display_phone_number) ?? text(body.phone_number),
	};
	const occurredAt = epochMs(entry.time);

	if (kind === 'user_preference' && Array.isArray(body.user_preferences)) {
		const contacts = Array.isArray(body.contacts) ? body.contacts.filter(isObject) : [];
		return body.user_preferences.filter(isObject).map((preference) => {
			const waId = text(preference.wa_id);
			const userId = text(preference.user_id);
			const contact = contacts.find((candidate) => (waId !== null && text(candidate.wa_id) === waId) || (userId !== null && text(candidate.user_id) === userId));
			const profile = contact && isObject(contact.profile) ? contact.profile : {};
			return {
				...base,
				event: text(preference.value),
				occurredAt: epochMs(preference.timestamp) ?? occurredAt,
				template: null,
				customer: { waId, userId, name: text(profile.name) },
				details: detailsOf(preference),
				key: keyOf([field, entry.id, base.phoneNumberId, preference]),
			};
		});
	}

	return [
		{
			...base,
			event: text(body.event) ?? text(body.decision),
			occurredAt,
			template: templateOf(body),
			customer: null,
			details: detailsOf(body, ['metadata', 'messaging_product']),
			key: keyOf([field, entry.id, entry.time ?? null, body]),
		},
	];
}

/** The preference a user_preferences event sets: whether the customer now refuses marketing messages. */
export function marketingOptOutOf(event: AccountEvent): boolean | null {
	if (event.kind !== 'user_preference' || event.details.category !== 'marketing_messages') return null;
	if (event.event === 'stop') return true;
	if (event.event === 'resume') return false;
	return null;
}

/** Template events: the account's template list changed at Meta, so cached copies are stale. */
export function changesTemplates(event: AccountEvent): boolean {
	return event.kind === 'template_status' || event.kind === 'template_quality' || event.kind === 'template_category';
}
