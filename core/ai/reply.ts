/**
 * WhatsApp AI Reply, without n8n: find or store the customer's message, respect a human takeover,
 * build the prompt from the stored history within a token budget, ask the model (looking at an image
 * or hearing a voice note when there is one), make the answer WhatsApp-safe, and send or store it.
 */
import type { CountryCode } from 'libphonenumber-js';

import type { StoredMessage } from '../conversation/types';
import type { OutboundContext } from '../outbound';
import type { ConversationStore, CustomerWindow } from '../conversation/store';
import type { ChatCompleter, ImageDetail, TokenUsage } from './chat';
import { resolveStoredCustomer } from './customer';
import { findOrRecordCustomerMessage, type ConversationAddress } from './customer-message';
import { recordUnsentReply, sendReply, type Delivery } from './deliver';
import { AiError } from './errors';
import { isRecordedByAiReply } from './ids';
import { toWhatsAppText } from './format';
import { fitToTokenBudget, historyBefore, historyText, transcriptToChatMessages } from './history';
import { imageDataUrl, MAX_TRANSCRIPTION_BYTES, storedMedia, type MediaDownloader } from './media';
import { buildChatMessages, renderSystemPrompt, type CurrentMessage } from './prompt';
import { splitMessage } from './split';
import type { Transcriber } from './transcribe';

export const DEFAULT_HISTORY_TOKEN_BUDGET = 3000;

export interface AiReplyRequest {
	/** Phone number or business-scoped user id (links to the WhatsApp conversation), or any other id: email, CRM id... */
	customer: string;
	/** The customer's message; may be empty when `messageId` names a stored image or voice note. */
	message: string;
	/** Meta's wamid from a WhatsApp trigger: the message is then not stored twice. */
	messageId?: string;
	/**
	 * The wamids of the customer's other messages answered together with `messageId` (a burst from
	 * Message Received): the reply answers them all at once, and the history leaves them out, since
	 * `message` already holds them.
	 */
	turnMessageIds?: readonly string[];
	instructions: string;
	model: string;
	temperature?: number;
	topP?: number;
	maxTokens?: number;
	/** Tokens of earlier messages sent along; the oldest go first when it is exceeded. */
	historyTokenBudget?: number;
	/** Context for the prompt, stored on the conversation as its input variables. */
	variables?: Record<string, unknown>;
	styleHint?: boolean;
	vision?: { enabled: boolean; mediaId?: string; detail?: ImageDetail };
	voice?: { enabled: boolean; model?: string; language?: string };
	/** Send the reply through WhatsApp in this step (inside the window only). */
	send?: boolean;
	/** Store a reply that is not sent here (default true). */
	recordReply?: boolean;
}

export interface AiReplyEnvironment {
	store: ConversationStore;
	complete: ChatCompleter;
	transcribe?: Transcriber;
	/** For images and voice notes (the Cloud API client). */
	media?: MediaDownloader;
	/** For sending; its phone number is the business side of the conversation. */
	outbound?: OutboundContext;
	phoneNumberId: string;
	businessAccountId: string;
	displayPhoneNumber?: string | null;
	inactivityTimeoutMs: number;
	defaultCountry?: CountryCode;
	now?: () => number;
	/**
	 * Shows the customer "typing…" on their WhatsApp message (a read receipt with the typing
	 * indicator) while the model answers; its failure is for it to log (a rejection is ignored). Left out: no indicator.
	 */
	showTyping?: (wamid: string) => Promise<unknown>;
}

interface ReplyBase {
	conversationId: string;
	customerId: string;
	/** E.164, or null when the customer identifier is not a phone number (a business-scoped user id, an email...). */
	customerPhone: string | null;
	/** True when this step stored the customer's message (it had not come through a trigger). */
	messageRecorded: boolean;
}

export interface AiReplySkipped extends ReplyBase {
	skipped: true;
	/** human_takeover: a person answers this conversation; reaction: an emoji on a message is not a question. */
	skipReason: 'human_takeover' | 'reaction';
}

export interface AiReplyAnswered extends ReplyBase {
	skipped: false;
	/** WhatsApp-formatted answer. */
	reply: string;
	/** The answer cut into messages of at most 4,096 characters. */
	replyParts: string[];
	model: string;
	finishReason: string | null;
	usage: TokenUsage;
	delivery: Delivery;
	/** Whether the reply is stored in the conversation (sent, or recorded as not sent). */
	replyRecorded: boolean;
	history: { messages: number; dropped: number; tokens: number };
	/** The image the model looked at, if any. */
	image: { mediaId: string; mimeType: string } | null;
	/** What the voice note said, when one was transcribed. */
	transcription: string | null;
}

export type AiReplyResult = AiReplySkipped | AiReplyAnswered;

interface CurrentInput {
	current: CurrentMessage;
	image: AiReplyAnswered['image'];
	transcription: string | null;
}

/** The message to answer: its text, its image for vision, or its voice note as text. */
async function currentInput(request: AiReplyRequest, environment: AiReplyEnvironment, stored: StoredMessage): Promise<CurrentInput> {
	const typed = request.message.trim();
	const media = storedMedia(stored.payload);
	const imageId = request.vision?.mediaId?.trim() || (media && (stored.type === 'image' || stored.type === 'sticker') ? media.id : '');
	if (request.vision?.enabled && imageId !== '') {
		if (!environment.media) throw new AiError('AI_CONFIG_INVALID', 'Images need the WhatsApp credential to download them.', 'Select a WhatsApp credential on the node.');
		const image = await imageDataUrl(environment.media, imageId);
		return {
			current: { text: typed || stored.text?.trim() || '', imageUrl: image.url, imageDetail: request.vision.detail },
			image: { mediaId: imageId, mimeType: image.mimeType },
			transcription: null,
		};
	}
	// A voice note whose text the flow already has (the trigger transcribed it) is not transcribed again.
	if (request.voice?.enabled && stored.type === 'audio' && media && typed === '') {
		if (!environment.media || !environment.transcribe) {
			throw new AiError('AI_CONFIG_INVALID', 'Voice notes need the WhatsApp credential to download them.', 'Select a WhatsApp credential on the node.');
		}
		const audio = await environment.media.downloadMedia(media.id, { maxBytes: MAX_TRANSCRIPTION_BYTES });
		const heard = await environment.transcribe({ audio: audio.data, mimeType: audio.mimeType || media.mimeType || 'audio/ogg', model: request.voice.model, language: request.voice.language });
		return { current: { text: heard.text }, image: null, transcription: heard.text };
	}
	const text = typed || historyText(stored) || '';
	if (text === '') throw new AiError('AI_INPUT_INVALID', 'There is no message to answer.', 'Map the customer message text into Message.');
	return { current: { text }, image: null, transcription: null };
}

/**
 * "typing…" on a message that came through WhatsApp, while the window is open (an answer can follow:
 * Meta asks to show it only then). Started here, it runs beside the model call.
 */
function typingFor(message: StoredMessage, window: CustomerWindow | null, environment: AiReplyEnvironment): Promise<unknown> | undefined {
	const raw = message.payload.raw as Readonly<Record<string, unknown>> | undefined;
	if (!environment.showTyping || message.direction !== 'inbound' || message.wamid === null || !window?.open) return undefined;
	if (isRecordedByAiReply({ wamid: message.wamid, raw })) return undefined;
	return environment.showTyping(message.wamid).catch(() => undefined);
}

/** Answers one customer message; see the module comment for the steps. */
export async function replyToCustomer(request: AiReplyRequest, environment: AiReplyEnvironment): Promise<AiReplyResult> {
	const now = environment.now ?? Date.now;
	const { store } = environment;
	const identity = await resolveStoredCustomer(store, environment.phoneNumberId, request.customer, environment.defaultCountry);
	const address: ConversationAddress = {
		phoneNumberId: environment.phoneNumberId,
		businessAccountId: environment.businessAccountId,
		displayPhoneNumber: environment.displayPhoneNumber,
		customerId: identity.customerId,
		customerWaId: identity.phone === null ? null : identity.customerId,
	};
	const lifecycle = { now: now(), inactivityTimeoutMs: environment.inactivityTimeoutMs };
	// WhatsApp's view of the window, read before a message from another channel could move it.
	const windowBefore: CustomerWindow | null = identity.whatsApp === null ? null : await store.getWindow(address.phoneNumberId, address.customerId, lifecycle.now);

	const located = await findOrRecordCustomerMessage(store, address, { text: request.message, wamid: request.messageId?.trim() || undefined }, lifecycle);
	let conversation = located.conversation;
	if (request.variables && Object.keys(request.variables).length > 0) {
		conversation = await store.mergeConversationVariables(conversation.id, { input: request.variables });
	}
	const base: ReplyBase = {
		conversationId: conversation.id,
		customerId: identity.customerId,
		customerPhone: identity.phone,
		messageRecorded: located.recorded,
	};
	if (!conversation.aiEnabled) return { ...base, skipped: true, skipReason: 'human_takeover' };
	// A reaction alone gets no answer (as in a chat between people); in a burst the other messages do.
	const otherTurnMessages = (request.turnMessageIds ?? []).filter((id) => id !== located.message.wamid);
	if (located.message.type === 'reaction' && otherTurnMessages.length === 0) return { ...base, skipped: true, skipReason: 'reaction' };

	const input = await currentInput(request, environment, located.message);
	// A burst's messages are all in `message`: the history holds them nowhere else.
	const earlier = historyBefore(located.transcript, located.message, request.turnMessageIds);
	const history = fitToTokenBudget(transcriptToChatMessages(earlier), request.historyTokenBudget ?? DEFAULT_HISTORY_TOKEN_BUDGET);
	const system = renderSystemPrompt({ instructions: request.instructions, variables: conversation.inputVariables, styleHint: request.styleHint });
	const typing = typingFor(located.message, windowBefore, environment);
	const answer = await environment.complete({
		model: request.model,
		messages: buildChatMessages(system, history.messages, input.current),
		temperature: request.temperature,
		topP: request.topP,
		maxTokens: request.maxTokens,
	});
	// Whoever sends the answer (this step or a later one) sends it after "typing…", or Meta would show
	// "typing…" under the answer. It ran beside the model call, so this rarely waits.
	await typing;

	const reply = toWhatsAppText(answer.text);
	if (reply === '') throw new AiError('AI_EMPTY_REPLY', 'The model answered with nothing WhatsApp can show.', 'Run again or adjust the instructions.');
	const replyParts = splitMessage(reply);
	let delivery: Delivery = { sent: false, reason: 'not_requested', hint: null, messageIds: [], windowExpiresAt: windowBefore?.expiresAt ?? null, replyMessageId: null };
	if (request.send) {
		if (!environment.outbound) throw new AiError('AI_CONFIG_INVALID', 'Sending needs the WhatsApp credential.', 'Select a WhatsApp credential on the node.');
		delivery = await sendReply(environment.outbound, identity.whatsApp, replyParts, windowBefore);
	}
	let replyRecorded = delivery.sent;
	if (!delivery.sent && delivery.reason !== 'window_closed' && (request.recordReply ?? true)) {
		const recorded = await recordUnsentReply(
			store,
			address,
			{ text: reply, model: answer.model, inReplyTo: located.message.wamid, parts: replyParts.length },
			{ now: now(), inactivityTimeoutMs: environment.inactivityTimeoutMs },
		);
		delivery = { ...delivery, replyMessageId: recorded.id };
		replyRecorded = true;
	}
	return {
		...base,
		skipped: false,
		reply,
		replyParts,
		model: answer.model,
		finishReason: answer.finishReason,
		usage: answer.usage,
		delivery,
		replyRecorded,
		history: { messages: history.messages.length, dropped: history.dropped, tokens: history.tokens },
		image: input.image,
		transcription: input.transcription,
	};
}
