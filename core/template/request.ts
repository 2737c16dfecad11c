/**
 * A template message to one customer: the one shape the node's input mapping builds, the send checks
 * read and the Cloud API message builder turns into Meta's request body.
 */
import type { MediaSource, MessageTarget } from '../cloud-api/messages';

/** A positional value, or a value bound to a named placeholder ({{first_name}}). */
export type TemplateTextValue = string | { text: string; parameterName?: string };

export type TemplateHeaderInput =
	| { type: 'text'; text: string; parameterName?: string }
	| ({ type: 'image' | 'video' | 'document'; filename?: string } & MediaSource)
	| { type: 'location'; latitude: number; longitude: number; name?: string; address?: string };

export type TemplateButtonInput =
	/** Payload echoed back in the webhook when the customer taps this quick-reply button. */
	| { subType: 'quick_reply'; index: number; payload: string }
	/** Appended to the button's dynamic URL ({{1}} at its end). */
	| { subType: 'url'; index: number; text: string }
	| { subType: 'copy_code'; index: number; couponCode: string };

export interface TemplateSendRequest extends MessageTarget {
	name: string;
	/** Language code exactly as approved, e.g. en_US. */
	languageCode: string;
	header?: TemplateHeaderInput;
	/** An array for positional ({{1}}, {{2}}) templates, an object for named ones. */
	body?: TemplateTextValue[] | Record<string, string>;
	buttons?: TemplateButtonInput[];
}
