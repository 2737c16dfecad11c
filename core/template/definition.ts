/**
 * A message template as Meta's Graph API returns it (GET /{waba-id}/message_templates), field names
 * kept as Meta spells them so the API client can pass them through and the checks read them directly.
 */
export type TemplateStatus =
	| 'APPROVED'
	| 'PENDING'
	| 'REJECTED'
	| 'PAUSED'
	| 'DISABLED'
	| 'IN_APPEAL'
	| 'PENDING_DELETION'
	| 'DELETED'
	| 'LIMIT_EXCEEDED'
	| (string & {});

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' | (string & {});

export interface TemplateButton {
	type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | 'OTP' | 'FLOW' | 'CATALOG' | 'MPM' | (string & {});
	text?: string;
	url?: string;
	phone_number?: string;
	example?: string[] | string;
}

export interface TemplateComponent {
	type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | (string & {});
	/** HEADER only: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION. */
	format?: string;
	text?: string;
	buttons?: TemplateButton[];
	example?: Record<string, unknown>;
}

export interface TemplateDefinition {
	id?: string;
	name: string;
	language: string;
	status: TemplateStatus;
	category: TemplateCategory;
	/** NAMED templates use {{first_name}} placeholders; POSITIONAL (the default) use {{1}}, {{2}}... */
	parameter_format?: 'POSITIONAL' | 'NAMED' | (string & {});
	components: TemplateComponent[];
	/** Set when Meta changed the template's category (template categorization); the category before. */
	previous_category?: TemplateCategory;
}
