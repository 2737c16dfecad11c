import type { IExecuteFunctions } from 'n8n-workflow';

/** Execute and supply-data contexts both read the input items (a sub-node reads its parent's). */
type InputReader = Pick<IExecuteFunctions, 'getInputData'>;

/**
 * The message ids of the burst the input item is (Message Received's combined messages), when the
 * message answered is the burst's: its `messages` end with that id. Otherwise none.
 */
export function burstMessageIds(context: InputReader, itemIndex: number, messageId: string): string[] | undefined {
	const messages = context.getInputData()[itemIndex]?.json.messages;
	if (!Array.isArray(messages) || messageId === '') return undefined;
	const ids = messages.map((message: unknown) => (message as { messageId?: unknown } | null)?.messageId).filter((id): id is string => typeof id === 'string');
	return ids.at(-1) === messageId ? ids : undefined;
}
