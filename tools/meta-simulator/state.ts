/**
 * Everything the simulator remembers: its clock, phone numbers, templates, media, the messages it
 * accepted, when each user last wrote (the 24-hour window), queued faults and the request log.
 * Plain data with small helpers, so tests can read and modify it directly.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { TemplateDefinition } from '../../core/template/definition';
import type { MetaErrorSpec } from './meta-errors';
import type { SimPhoneNumber } from './seed';

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface StoredMedia {
	id: string;
	data: Buffer;
	mimeType: string;
	/** Hex SHA-256 of the bytes. */
	sha256: string;
	phoneNumberId: string;
	uploadedAt: number;
}

export interface SentMessage {
	wamid: string;
	phoneNumberId: string;
	/** `to` (a phone number) or `recipient` (a business-scoped user id) exactly as the request had it. */
	to: string;
	/** The recipient's digits, as Meta echoes them in wa_id; null when the send named a BSUID only. */
	waId: string | null;
	/** The recipient's business-scoped user id, when the send named one (or the number has one linked). */
	userId: string | null;
	type: string;
	payload: Record<string, unknown>;
	at: number;
	/** template messages: name and category of the template used. */
	template?: { name: string; language: string; category: string };
	/** Why the simulator will fail it by webhook (failure mode 'webhook'), if it will. */
	asyncFailureCode?: number;
}

export interface InboundRecord {
	wamid: string;
	phoneNumberId: string;
	/** The sender's digits, or their business-scoped user id when they write under a username. */
	from: string;
	type: string;
	at: number;
}

export interface LoggedRequest {
	/** Simulator clock time. */
	at: number;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	/** Parsed JSON when the body was JSON, else the text (or null when empty). */
	body: unknown;
	status: number;
	responseBody: unknown;
}

/** A request as a fault's `match` sees it; `body` is the parsed JSON body, if any. */
export interface FaultTarget {
	method: string;
	path: string;
	body: unknown;
}

/**
 * A queued fault: answer matching requests with a Meta error (or drop the connection). By default the
 * fault answers instead of the API, so nothing is processed (as Meta's throttling errors promise);
 * with `afterAccept` the request is processed first (a send is accepted and logged in sentMessages)
 * and the fault replaces only the answer: the outcomes where a client cannot know the message went out.
 */
export interface FaultSpec extends Partial<MetaErrorSpec> {
	/** Only requests this predicate accepts consume the fault (default: any API request). */
	match?: (request: FaultTarget) => boolean;
	/** Destroy the socket without answering (a network failure on the client's side). */
	dropConnection?: boolean;
	/** Answer `httpStatus` (default 503) with an empty body, like a proxy in front of Meta. */
	emptyBody?: boolean;
	/** Process the request as usual before the fault answers (or drops the connection). */
	afterAccept?: boolean;
	/** Real-time wait before answering; alone (no code, status, empty body or drop) it delays the real answer. */
	delayMs?: number;
}

interface QueuedFault {
	remaining: number;
	spec: FaultSpec;
}

/** What a template listener hears: the template after the change, and its status or category before. */
export interface TemplateChange {
	kind: 'status' | 'category';
	template: TemplateDefinition;
	previous: string;
	reason?: string;
}

export function digitsOf(phone: string): string {
	return phone.replace(/\D/g, '');
}

/**
 * A business-scoped user id as Meta documents it: the ISO 3166 alpha-2 country, a period, up to 128
 * alphanumerics ("US.13491208655302741918"); a parent BSUID has "ENT." after the country.
 */
export const BSUID_PATTERN = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

export function isBsuid(value: string): boolean {
	return BSUID_PATTERN.test(value);
}

export function newWamid(): string {
	return `wamid.${randomBytes(27).toString('base64')}`;
}

export function newGraphId(): string {
	return `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
}

export class SimulatorState {
	readonly phoneNumbers = new Map<string, SimPhoneNumber>();
	/** Insertion order is listing order, like Meta's stable paging. */
	readonly templates: TemplateDefinition[] = [];
	readonly media = new Map<string, StoredMedia>();
	readonly sentMessages: SentMessage[] = [];
	readonly readReceipts: Array<{ wamid: string; at: number; typingIndicator: boolean }> = [];
	readonly inbound: InboundRecord[] = [];
	/** User (wa_id digits, or the BSUID of a user without a known number) → last inbound time (simulator clock). */
	readonly lastInboundAt = new Map<string, number>();
	/** BSUID → wa_id of users whose number and business-scoped id are both known: one user, one window. */
	readonly linkedUsers = new Map<string, string>();
	/** Numbers that are not on WhatsApp: sends to them fail with 131026. */
	readonly undeliverableNumbers = new Set<string>();
	readonly requestLog: LoggedRequest[] = [];
	/**
	 * The business portfolio's messaging limit, shared by every number, answered as each phone
	 * number's `whatsapp_business_manager_messaging_limit`; null answers without the field, like an
	 * API version from before it.
	 */
	messagingLimit: string | null = 'TIER_250';
	/** The WhatsApp Business Account's `account_review_status`. */
	accountReviewStatus = 'APPROVED';
	/** Phone number fields Meta no longer serves: asking for one answers error 100, as Meta does. */
	readonly retiredPhoneNumberFields = new Set<string>();
	private readonly faults: QueuedFault[] = [];
	private timeOffsetMs = 0;

	constructor(
		readonly businessAccountId: string,
		private readonly baseClock: () => number,
	) {}

	now(): number {
		return this.baseClock() + this.timeOffsetMs;
	}

	advanceTime(ms: number): void {
		this.timeOffsetMs += ms;
	}

	/** The one key of a WhatsApp user, whether named by number or by business-scoped user id. */
	userKey(id: string): string {
		return isBsuid(id) ? (this.linkedUsers.get(id) ?? id) : digitsOf(id);
	}

	/** The BSUID Meta reports beside this user's number, if any. */
	userIdOf(id: string): string | null {
		if (isBsuid(id)) return id;
		const waId = digitsOf(id);
		for (const [userId, linked] of this.linkedUsers) if (linked === waId) return userId;
		return null;
	}

	/** Records that a number and a business-scoped user id belong to one user. */
	linkUser(userId: string, waId: string): void {
		const key = digitsOf(waId);
		const last = this.lastInboundAt.get(userId);
		this.linkedUsers.set(userId, key);
		if (last !== undefined) {
			this.lastInboundAt.delete(userId);
			this.lastInboundAt.set(key, Math.max(last, this.lastInboundAt.get(key) ?? last));
		}
	}

	/** `id`: a wa_id (digits, "+" optional) or a business-scoped user id. */
	isWindowOpen(id: string): boolean {
		const last = this.lastInboundAt.get(this.userKey(id));
		return last !== undefined && this.now() - last < CUSTOMER_SERVICE_WINDOW_MS;
	}

	openWindow(id: string, at = this.now()): void {
		this.lastInboundAt.set(this.userKey(id), at);
	}

	closeWindow(id: string): void {
		this.lastInboundAt.delete(this.userKey(id));
	}

	addMedia(data: Buffer, mimeType: string, phoneNumberId: string, id = newGraphId()): StoredMedia {
		const media: StoredMedia = {
			id,
			data,
			mimeType,
			sha256: createHash('sha256').update(data).digest('hex'),
			phoneNumberId,
			uploadedAt: this.now(),
		};
		this.media.set(id, media);
		return media;
	}

	findTemplates(name: string): TemplateDefinition[] {
		return this.templates.filter((template) => template.name === name);
	}

	/** Called after setTemplateStatus / setTemplateCategory changed a template (e.g. to deliver Meta's webhook). */
	readonly templateChangeListeners: Array<(change: TemplateChange) => void> = [];

	/** Meta's review or quality decision: APPROVED, REJECTED, PAUSED, DISABLED… (a created template starts PENDING). */
	setTemplateStatus(name: string, language: string, status: string, reason?: string): TemplateDefinition {
		const template = this.requireTemplate(name, language);
		const previous = template.status;
		template.status = status;
		for (const listener of this.templateChangeListeners) listener({ kind: 'status', template, previous, reason });
		return template;
	}

	/** Meta recategorizing a template: the list then reports `previous_category`, as Meta does. */
	setTemplateCategory(name: string, language: string, category: string): TemplateDefinition {
		const template = this.requireTemplate(name, language);
		const previous = template.category;
		template.previous_category = previous;
		template.category = category;
		for (const listener of this.templateChangeListeners) listener({ kind: 'category', template, previous });
		return template;
	}

	private requireTemplate(name: string, language: string): TemplateDefinition {
		const template = this.findTemplates(name).find((candidate) => candidate.language === language);
		if (template === undefined) throw new Error(`No template ${name} (${language}).`);
		return template;
	}

	queueFault(count: number, spec: FaultSpec): void {
		if (count > 0) this.faults.push({ remaining: count, spec });
	}

	clearFaults(): void {
		this.faults.length = 0;
	}

	/** A phone number as the Graph API answers for it, with the portfolio's messaging limit. */
	phoneNumberNode(phone: SimPhoneNumber): Record<string, unknown> {
		return this.messagingLimit === null ? { ...phone } : { ...phone, whatsapp_business_manager_messaging_limit: this.messagingLimit };
	}

	/** The first queued fault matching the request, consuming one of its uses. */
	takeFault(request: FaultTarget): FaultSpec | null {
		const index = this.faults.findIndex((fault) => fault.spec.match === undefined || fault.spec.match(request));
		if (index < 0) return null;
		const fault = this.faults[index];
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.faults.splice(index, 1);
		return fault.spec;
	}

	/** Accepted sends in the last second from a number (for the optional throughput cap). */
	sendsInLastSecond(phoneNumberId: string): number {
		const since = this.now() - 1000;
		let count = 0;
		for (let i = this.sentMessages.length - 1; i >= 0 && this.sentMessages[i].at > since; i--) {
			if (this.sentMessages[i].phoneNumberId === phoneNumberId) count++;
		}
		return count;
	}
}
