/** A conversation is one business phone number talking with one customer, until it goes idle or is closed. */
export type ConversationStatus = 'open' | 'closed';
export type Initiator = 'customer' | 'business';
/** 'merged': two conversations turned out to be one customer's; its messages moved to the other one. */
export type CloseReason = 'inactivity' | 'manual' | 'merged';
export type MessageDirection = 'inbound' | 'outbound';

export interface ConversationRecord {
	id: string;
	businessAccountId: string | null;
	phoneNumberId: string;
	displayPhoneNumber: string | null;
	customerId: string;
	customerName: string | null;
	status: ConversationStatus;
	initiatedBy: Initiator;
	/** Epoch ms of the first message. */
	startedAt: number;
	/** Epoch ms of the latest message in either direction; the inactivity timeout counts from here. */
	lastMessageAt: number;
	closedAt: number | null;
	closeReason: CloseReason | null;
	messageCount: number;
	/** False while a human has taken over: AI Reply then stays silent. */
	aiEnabled: boolean;
	/** Key/value context handed in by the flow (AI Reply), reported again when the conversation ends. */
	inputVariables: Record<string, unknown>;
	/** Values extracted from the transcript when the conversation ended. */
	extractedVariables: Record<string, unknown>;
}

export interface StoredMessage {
	/** Store-wide insertion order. */
	seq: number;
	wamid: string | null;
	conversationId: string;
	direction: MessageDirection;
	type: string;
	text: string | null;
	/** Epoch ms, as Meta stamped it for inbound and as sent for outbound. */
	timestamp: number;
	/** Latest delivery status of an outbound message: sent, delivered, read, played or failed. */
	status: string | null;
	statusAt: number | null;
	/** Meta's error when the status is failed. */
	error: { code: number; title: string; message: string | null; details: string | null } | null;
	/** The normalized message (inbound) or the request summary (outbound). */
	payload: Record<string, unknown>;
}

export interface ContactRecord {
	phoneNumberId: string;
	customerId: string;
	waId: string | null;
	name: string | null;
	/** Epoch ms of the customer's latest message: the 24-hour window runs from here. */
	lastInboundAt: number | null;
	optedOut: boolean;
	optedOutAt: number | null;
}
