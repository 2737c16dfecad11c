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
	/** `to` exactly as the request had it. */
	to: string;
	/** The recipient's digits, as Meta echoes them in wa_id. */
	waId: string;
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

/** A queued fault: answer matching requests with a Meta error (or drop the connection). */
export interface FaultSpec extends Partial<MetaErrorSpec> {
	/** Only requests this predicate accepts consume the fault (default: any API request). */
	match?: (request: { method: string; path: string }) => boolean;
	/** Destroy the socket without answering (a network failure on the client's side). */
	dropConnection?: boolean;
	/** Answer `httpStatus` (default 503) with an empty body, like a proxy in front of Meta. */
	emptyBody?: boolean;
}

interface QueuedFault {
	remaining: number;
	spec: FaultSpec;
}

export function digitsOf(phone: string): string {
	return phone.replace(/\D/g, '');
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
	/** wa_id → last inbound time (simulator clock). */
	readonly lastInboundAt = new Map<string, number>();
	/** Numbers that are not on WhatsApp: sends to them fail with 131026. */
	readonly undeliverableNumbers = new Set<string>();
	readonly requestLog: LoggedRequest[] = [];
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

	isWindowOpen(waId: string): boolean {
		const last = this.lastInboundAt.get(digitsOf(waId));
		return last !== undefined && this.now() - last < CUSTOMER_SERVICE_WINDOW_MS;
	}

	openWindow(waId: string, at = this.now()): void {
		this.lastInboundAt.set(digitsOf(waId), at);
	}

	closeWindow(waId: string): void {
		this.lastInboundAt.delete(digitsOf(waId));
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

	queueFault(count: number, spec: FaultSpec): void {
		if (count > 0) this.faults.push({ remaining: count, spec });
	}

	clearFaults(): void {
		this.faults.length = 0;
	}

	/** The first queued fault matching the request, consuming one of its uses. */
	takeFault(request: { method: string; path: string }): FaultSpec | null {
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
