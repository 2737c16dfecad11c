import type { ChatContentPart, ChatMessage, ImageDetail } from './chat';

/** Appended when asked: WhatsApp shows plain text with a few markers, and long answers get split. */
export const WHATSAPP_STYLE_HINT =
	'You are replying in a WhatsApp chat. Keep answers short and conversational. Use plain text; *bold* and _italic_ sparingly; no headings, tables or HTML.';

export interface SystemPromptInput {
	/** The assistant's instructions as the user wrote them. */
	instructions: string;
	/** Context the flow handed in (CRM fields, order data...), listed for the model. */
	variables?: Readonly<Record<string, unknown>>;
	styleHint?: boolean;
}

function renderValue(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	return JSON.stringify(value) ?? '';
}

/** "- key: value" per variable; empty values are left out so the model does not guess at them. */
export function renderVariables(variables: Readonly<Record<string, unknown>>): string {
	return Object.entries(variables)
		.filter(([key, value]) => key.trim() !== '' && value !== null && value !== undefined && renderValue(value).trim() !== '')
		.map(([key, value]) => `- ${key.trim()}: ${renderValue(value).replace(/\s*\n\s*/g, ' ').trim()}`)
		.join('\n');
}

/** The system prompt: instructions, then the style hint, then the context variables. */
export function renderSystemPrompt(input: SystemPromptInput): string {
	const sections = [input.instructions.trim()];
	if (input.styleHint) sections.push(WHATSAPP_STYLE_HINT);
	const variables = renderVariables(input.variables ?? {});
	if (variables !== '') sections.push(`Context about this customer and conversation:\n${variables}`);
	return sections.filter((section) => section !== '').join('\n\n');
}

export interface CurrentMessage {
	text: string;
	/** A data: URL (or https URL) of an image the customer sent, for vision models. */
	imageUrl?: string;
	imageDetail?: ImageDetail;
}

/** The customer's message: plain text, or text and image parts when there is an image to look at. */
export function userMessage(current: CurrentMessage): ChatMessage {
	if (current.imageUrl === undefined) return { role: 'user', content: current.text };
	const parts: ChatContentPart[] = [];
	if (current.text.trim() !== '') parts.push({ type: 'text', text: current.text });
	parts.push({ type: 'image_url', image_url: { url: current.imageUrl, ...(current.imageDetail ? { detail: current.imageDetail } : {}) } });
	return { role: 'user', content: parts };
}

/** System prompt first (always, whatever the budget), then the history, then the message to answer. */
export function buildChatMessages(system: string, history: readonly ChatMessage[], current: CurrentMessage): ChatMessage[] {
	const messages: ChatMessage[] = [];
	if (system.trim() !== '') messages.push({ role: 'system', content: system });
	messages.push(...history, userMessage(current));
	return messages;
}
