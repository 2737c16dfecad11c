import type { AccountEvent } from '../../core/webhook/account-events';
import type { InboundMessage, StatusUpdate } from '../../core/webhook/types';

/** Normalized messages and statuses for store tests, independent of the webhook parser. */
export const BUSINESS = {
	businessAccountId: '102290129340398',
	phoneNumberId: '106540352242922',
	displayPhoneNumber: '15550783881',
} as const;

let counter = 0;

export function inbound(overrides: Partial<InboundMessage> & { customerId?: string } = {}): InboundMessage {
	counter++;
	const customerId = overrides.customerId ?? '16505551234';
	return {
		...BUSINESS,
		wamid: `wamid.test-in-${process.pid}-${counter}`,
		customerId,
		customerWaId: customerId,
		customerUserId: null,
		customerName: 'Sheena Nelson',
		type: 'text',
		timestamp: Date.UTC(2026, 0, 1, 12, 0, 0),
		text: 'Does it come in another color?',
		media: null,
		reply: null,
		context: null,
		referral: null,
		reaction: null,
		errors: [],
		raw: { type: 'text' },
		...overrides,
	};
}

export function status(wamid: string, value: string, overrides: Partial<StatusUpdate> = {}): StatusUpdate {
	return {
		...BUSINESS,
		wamid,
		status: value,
		timestamp: Date.UTC(2026, 0, 1, 12, 0, 5),
		recipientId: '16505551234',
		errors: [],
		conversation: null,
		pricing: null,
		raw: { status: value },
		...overrides,
	};
}

export function webhookOf(parts: { messages?: InboundMessage[]; statuses?: StatusUpdate[]; accountEvents?: AccountEvent[] }) {
	return { messages: parts.messages ?? [], statuses: parts.statuses ?? [], errors: [], accountEvents: parts.accountEvents ?? [] };
}
