import { WhatsAppConversationsError } from '../errors';

export type ChatLinkErrorCode = 'CHAT_LINK_NUMBER_INVALID' | 'CHAT_LINK_NUMBER_UNKNOWN' | 'CHAT_LINK_TOO_LONG' | 'CHAT_LINK_OPTION_INVALID';

/** A click-to-chat link or its QR code cannot be made; `field` names the setting to fix (phoneNumber, text, size, margin…). */
export class ChatLinkError extends WhatsAppConversationsError {
	readonly code: ChatLinkErrorCode;
	readonly field: string;

	constructor(code: ChatLinkErrorCode, field: string, message: string, hint: string) {
		super(message, { hint });
		this.code = code;
		this.field = field;
	}
}
