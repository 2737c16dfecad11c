import type { ConversationRecord, StoredMessage } from '../conversation/types';
import type { ConversationStore, CustomerMessage } from '../conversation/store';
import { AiError } from './errors';
import { AI_RECORDED_SOURCE, aiInboundId } from './ids';

/** Where a customer's conversations live: the business number and the customer. */
export interface ConversationAddress {
	phoneNumberId: string;
	businessAccountId: string | null;
	displayPhoneNumber?: string | null;
	customerId: string;
	/** Set when the customer is a WhatsApp user (the identifier was a phone number). */
	customerWaId: string | null;
}

export interface CustomerMessageInput {
	text: string;
	/** Meta's wamid of the message, when the flow came from a WhatsApp trigger. */
	wamid?: string;
}

export interface LocatedMessage {
	conversation: ConversationRecord;
	/** The customer's message in the store. */
	message: StoredMessage;
	/** Everything stored in the conversation, oldest first (the message included). */
	transcript: StoredMessage[];
	/** True when this call stored the message; false when the trigger had stored it already. */
	recorded: boolean;
}

/**
 * The stored copy of the message: by wamid when given; otherwise an inbound message with the same text
 * that nothing has answered yet (a later customer message "yes" is a new message, not the old one).
 */
function findStored(transcript: readonly StoredMessage[], input: CustomerMessageInput): StoredMessage | undefined {
	if (input.wamid) return transcript.find((message) => message.direction === 'inbound' && message.wamid === input.wamid);
	const text = input.text.trim();
	if (text === '') return undefined;
	for (let index = transcript.length - 1; index >= 0; index--) {
		const message = transcript[index];
		if (message.direction === 'outbound') return undefined;
		if (message.text?.trim() === text) return message;
	}
	return undefined;
}

function customerMessage(address: ConversationAddress, input: CustomerMessageInput, wamid: string, now: number): CustomerMessage {
	return {
		businessAccountId: address.businessAccountId,
		phoneNumberId: address.phoneNumberId,
		displayPhoneNumber: address.displayPhoneNumber ?? null,
		wamid,
		customerId: address.customerId,
		type: 'text',
		timestamp: now,
		text: input.text.trim(),
		// The marker tells these apart from WhatsApp's own deliveries wherever the payload is read.
		payload: { raw: { source: AI_RECORDED_SOURCE } },
	};
}

async function openTranscript(store: ConversationStore, address: ConversationAddress) {
	const conversation = await store.findOpenConversation(address.phoneNumberId, address.customerId);
	return { conversation, transcript: conversation ? await store.getTranscript(conversation.id) : [] };
}

/**
 * Finds the customer's message in their open conversation, or stores it there (opening a conversation
 * when none is open). Stored messages carry `raw.source = "whatsapp-ai-reply"` and, without a wamid, an
 * `ai-in.` id, so they are never mistaken for what Meta delivered.
 *
 * Storing uses the store's record for messages from other channels: the conversation gets the
 * message, while the WhatsApp window and the message.received log are left alone (WhatsApp never saw
 * it).
 */
export async function findOrRecordCustomerMessage(
	store: ConversationStore,
	address: ConversationAddress,
	input: CustomerMessageInput,
	options: { now: number; inactivityTimeoutMs: number },
): Promise<LocatedMessage> {
	const before = await openTranscript(store, address);
	const stored = findStored(before.transcript, input);
	if (before.conversation && stored) return { conversation: before.conversation, message: stored, transcript: before.transcript, recorded: false };

	if (input.text.trim() === '') {
		throw new AiError(
			'AI_INPUT_INVALID',
			input.wamid ? `The message ${input.wamid} is not in the customer's open conversation and no text was given.` : 'There is no message to answer.',
			'Map the customer message text into Message (and its ID into Message ID when it comes from a WhatsApp trigger).',
		);
	}
	let wamid = input.wamid || aiInboundId();
	let result = await store.recordCustomerMessage(customerMessage(address, input, wamid, options.now), options);
	if (!result.stored) {
		// The wamid is stored in an earlier conversation: answer it here as a new message.
		wamid = aiInboundId();
		result = await store.recordCustomerMessage(customerMessage(address, input, wamid, options.now), options);
	}
	const after = await openTranscript(store, address);
	const message = after.transcript.find((candidate) => candidate.wamid === wamid);
	if (!after.conversation || !message) {
		throw new AiError('AI_INPUT_INVALID', 'The customer message could not be stored in the conversation.', 'Run again; if it persists, check the conversation store.');
	}
	return { conversation: after.conversation, message, transcript: after.transcript, recorded: true };
}
