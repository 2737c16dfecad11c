import type { ChatHistory, ChatMemory, Message } from '@n8n/ai-node-sdk';

import { recordUnsentReply, type ConversationRecord, type ConversationStore } from '../../core';
import { agentHistory } from '../shared/agent-history';

/** What the memory stores the Agent's answers under, as AI Reply names its model. */
export const AGENT_MODEL = 'n8n AI Agent';

export interface ConversationMemoryOptions {
	/** Runs one store operation; the store is held only while it runs. */
	useStore: <T>(work: (store: ConversationStore) => Promise<T>) => Promise<T>;
	/** A conversation id, or a customer id whose open conversation with `phoneNumberId` is meant. */
	target: string;
	phoneNumberId: string;
	/** The customer's message the Agent answers; empty for the whole conversation. */
	messageId: string;
	/** The other messages of that message's burst (Message Received's `messages`). */
	burstIds: readonly string[] | undefined;
	historyTokenBudget: number;
	inactivityTimeoutMs: number;
	now?: () => number;
}

const textOf = (message: Message) =>
	message.content
		.map((part) => (part.type === 'text' ? part.text : ''))
		.join('')
		.trim();

/**
 * n8n's AI Agent reads and writes the conversation store through this (the SDK's ChatMemory): it
 * reads the history AI Reply would send its model, and stores the Agent's answer as AI Reply stores a
 * reply it did not send (an `ai.` id), so the history keeps one copy once Send Message sends that text.
 * The customer's own messages are stored already (by the webhook), so the memory records none.
 */
export class ConversationMemory implements ChatMemory {
	readonly chatHistory: ChatHistory;

	constructor(private readonly options: ConversationMemoryOptions) {
		// The Agent writes through the history when tools ran (one call with its whole turn).
		this.chatHistory = {
			getMessages: async () => await this.loadMessages(),
			addMessage: async (message) => await this.recordAnswers([message]),
			addMessages: async (messages) => await this.recordAnswers(messages),
			clear: async () => await this.clear(),
		};
	}

	async loadMessages(): Promise<Message[]> {
		const { messageId, burstIds, historyTokenBudget } = this.options;
		return await this.options.useStore(async (store) => {
			const conversation = await this.conversation(store);
			if (conversation === null) return [];
			const history = agentHistory(await store.getTranscript(conversation.id), messageId, burstIds, historyTokenBudget);
			return history.messages.map(({ role, content }) => ({ role, content: [{ type: 'text', text: String(content) }] }));
		});
	}

	async saveTurn(_input: string, output: string): Promise<void> {
		await this.record(output.trim());
	}

	/** The transcript belongs to the conversation, not to the Agent: nothing is deleted. */
	async clear(): Promise<void> {}

	private async recordAnswers(messages: readonly Message[]): Promise<void> {
		// The final answer: the last assistant message with text (earlier ones may only call tools).
		const answer = messages.filter((message) => message.role === 'assistant').map(textOf).filter((text) => text !== '').at(-1);
		if (answer !== undefined) await this.record(answer);
	}

	private async record(text: string): Promise<void> {
		if (text === '') return;
		const { messageId, inactivityTimeoutMs } = this.options;
		const now = this.options.now ?? Date.now;
		await this.options.useStore(async (store) => {
			const conversation = await this.conversation(store);
			// No stored conversation to attach the answer to (the customer never wrote): nothing to record.
			if (conversation === null) return;
			await recordUnsentReply(
				store,
				{
					phoneNumberId: conversation.phoneNumberId,
					businessAccountId: conversation.businessAccountId,
					displayPhoneNumber: conversation.displayPhoneNumber,
					customerId: conversation.customerId,
					customerWaId: null,
				},
				{ text, model: AGENT_MODEL, inReplyTo: messageId === '' ? null : messageId, parts: 1 },
				{ now: now(), inactivityTimeoutMs },
			);
		});
	}

	private async conversation(store: ConversationStore): Promise<ConversationRecord | null> {
		const { target, phoneNumberId } = this.options;
		if (target === '') return null;
		const byId = await store.getConversation(target);
		if (byId !== null) return byId;
		return await store.findOpenConversation(phoneNumberId, await store.resolveCustomerId(phoneNumberId, target));
	}
}
