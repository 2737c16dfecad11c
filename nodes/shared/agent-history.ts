import { fitToTokenBudget, historyBefore, transcriptToChatMessages, type FittedHistory, type StoredMessage } from '../../core';

/**
 * A conversation's history for n8n's AI Agent, by AI Reply's rules: it ends before the customer's
 * message being answered (`messageId`) and leaves out the rest of its burst (`burstIds`), since the
 * Agent's prompt carries them; the newest messages that fit `budget` tokens. A message the transcript
 * does not hold (another conversation's, or none) leaves the whole transcript.
 */
export function agentHistory(
	transcript: readonly StoredMessage[],
	messageId: string,
	burstIds: readonly string[] | undefined,
	budget: number,
): FittedHistory {
	const answered = messageId === '' ? undefined : transcript.find((message) => message.direction === 'inbound' && message.wamid === messageId);
	const earlier = answered ? historyBefore(transcript, answered, burstIds) : transcript;
	return fitToTokenBudget(transcriptToChatMessages(earlier), budget);
}
