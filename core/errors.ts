/**
 * Every failure the core reports is a typed error with a stable `code` (for flows that branch on it),
 * a message a no-code user understands, and a `hint` that names the fix. Secrets never go into either.
 */
export abstract class WhatsAppConversationsError extends Error {
	abstract readonly code: string;
	/** What the user can do about it, in one sentence. */
	readonly hint: string;
	/** Whether trying the same thing again later can succeed. */
	readonly retryable: boolean;

	constructor(message: string, options: { hint: string; retryable?: boolean; cause?: unknown }) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = new.target.name;
		this.hint = options.hint;
		this.retryable = options.retryable ?? false;
	}
}

export type PolicyErrorCode =
	| 'INVALID_PHONE_NUMBER'
	| 'INVALID_RECIPIENT'
	| 'TEXT_TOO_LONG'
	| 'TEXT_EMPTY'
	| 'TOO_MANY_BUTTONS'
	| 'BUTTON_INVALID'
	| 'TOO_MANY_LIST_ROWS'
	| 'LIST_INVALID'
	/** A reaction, location, contact card or call-to-action field Meta would refuse; `details.field` names it. */
	| 'MESSAGE_INVALID'
	| 'WINDOW_CLOSED'
	| 'DAILY_LIMIT_REACHED'
	| 'CONTACT_OPTED_OUT'
	| 'TEMPLATE_NOT_FOUND'
	| 'TEMPLATE_NOT_APPROVED'
	| 'TEMPLATE_LANGUAGE_UNAVAILABLE'
	| 'TEMPLATE_PARAMETERS_MISMATCH';

/** A message would break one of Meta's rules; nothing was sent and nothing was written. */
export class PolicyError extends WhatsAppConversationsError {
	readonly code: PolicyErrorCode;
	/** Structured facts about the violation (limit, count, window end...), safe to show. */
	readonly details: Readonly<Record<string, unknown>>;

	constructor(
		code: PolicyErrorCode,
		message: string,
		hint: string,
		details: Record<string, unknown> = {},
	) {
		super(message, { hint, retryable: code === 'DAILY_LIMIT_REACHED' });
		this.code = code;
		this.details = details;
	}
}

export type WebhookErrorCode =
	| 'SIGNATURE_MISSING'
	| 'SIGNATURE_INVALID'
	| 'PAYLOAD_INVALID'
	| 'VERIFY_TOKEN_MISMATCH'
	| 'VERIFY_REQUEST_INVALID'
	| 'HEADER_SECRET_MISSING'
	| 'HEADER_SECRET_INVALID'
	| 'AUTH_NOT_CONFIGURED';

/** An inbound webhook request was refused; `httpStatus` is what to answer Meta with. */
export class WebhookError extends WhatsAppConversationsError {
	readonly code: WebhookErrorCode;
	readonly httpStatus: number;

	constructor(code: WebhookErrorCode, message: string, hint: string, httpStatus: number) {
		super(message, { hint });
		this.code = code;
		this.httpStatus = httpStatus;
	}
}

export type StoreErrorCode =
	| 'STORE_UNAVAILABLE'
	| 'STORE_MIGRATION_FAILED'
	| 'CONVERSATION_NOT_FOUND'
	| 'STORE_CONFIG_INVALID'
	| 'STORE_PATH_NOT_ALLOWED'
	| 'STORE_FILE_FOREIGN'
	| 'SUBSCRIPTION_NOT_FOUND';

export class StoreError extends WhatsAppConversationsError {
	readonly code: StoreErrorCode;

	constructor(code: StoreErrorCode, message: string, hint: string, cause?: unknown) {
		super(message, { hint, cause, retryable: code === 'STORE_UNAVAILABLE' });
		this.code = code;
	}
}

export type BusinessHoursErrorCode =
	| 'BUSINESS_HOURS_TIME_ZONE_INVALID'
	| 'BUSINESS_HOURS_INTERVAL_INVALID'
	| 'BUSINESS_HOURS_CLOSED_DATE_INVALID'
	| 'BUSINESS_HOURS_EMPTY'
	| 'BUSINESS_HOURS_TIME_INVALID';

/** The opening hours cannot be read; `field` names the setting to fix (timeZone, monday…sunday, closedDates, time). */
export class BusinessHoursError extends WhatsAppConversationsError {
	readonly code: BusinessHoursErrorCode;
	readonly field: string;

	constructor(code: BusinessHoursErrorCode, field: string, message: string, hint: string) {
		super(message, { hint });
		this.code = code;
		this.field = field;
	}
}

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

export type TemplateDefinitionErrorCode =
	| 'TEMPLATE_NAME_INVALID'
	| 'TEMPLATE_LANGUAGE_INVALID'
	| 'TEMPLATE_CATEGORY_INVALID'
	| 'TEMPLATE_HEADER_INVALID'
	| 'TEMPLATE_BODY_INVALID'
	| 'TEMPLATE_FOOTER_INVALID'
	| 'TEMPLATE_VARIABLES_INVALID'
	| 'TEMPLATE_EXAMPLE_MISSING'
	| 'TEMPLATE_BUTTONS_INVALID';

/**
 * A template to create breaks one of Meta's creation rules; nothing was sent. `field` names the setting
 * to fix (name, language, category, header, body, footer, buttons[2]...); `details.problems` lists every
 * problem found, the message names the first.
 */
export class TemplateDefinitionError extends WhatsAppConversationsError {
	readonly code: TemplateDefinitionErrorCode;
	readonly field: string;
	readonly details: Readonly<Record<string, unknown>>;

	constructor(code: TemplateDefinitionErrorCode, field: string, message: string, hint: string, details: Record<string, unknown> = {}) {
		super(message, { hint });
		this.code = code;
		this.field = field;
		this.details = details;
	}
}
