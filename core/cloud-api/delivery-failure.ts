/**
 * What a failed delivery means and what to do about it. Meta accepts a send and reports hours later,
 * in a `failed` status webhook, that the message did not reach the customer; the codes below are the
 * ones a workflow can act on. Pure: no I/O.
 */
import { metaErrorHint } from './errors';

/** What kind of failure it is, for an IF or Switch node. */
export type DeliveryFailureReason =
	| 'window_closed'
	| 'not_on_whatsapp'
	| 'marketing_frequency_cap'
	| 'marketing_opted_out'
	| 'meta_experiment'
	| 'other';

export interface DeliveryFailure {
	/** Meta's code; null when the status carried no error. */
	code: number | null;
	reason: DeliveryFailureReason;
	/** Meta's title, or a neutral one when Meta gave none. */
	title: string;
	/** What to do, one or two sentences, no links. */
	hint: string;
}

/** Meta's code for a customer who stopped marketing messages from the business in WhatsApp. */
export const MARKETING_STOPPED_ERROR_CODE = 131050;

const FAILURES: Readonly<Record<number, { reason: DeliveryFailureReason; hint: string }>> = {
	131047: {
		reason: 'window_closed',
		hint: 'More than 24 hours passed since the customer last wrote, so only an approved template reaches them: send one with WhatsApp Send Template to re-engage them.',
	},
	131026: {
		reason: 'not_on_whatsapp',
		hint: 'WhatsApp cannot deliver to this recipient: the number is not on WhatsApp, or the app is too old or its terms were not accepted. Check the number and reach the customer another way; sending again fails the same way.',
	},
	131049: {
		reason: 'marketing_frequency_cap',
		hint: "Meta held this marketing message back: the customer already got as many marketing messages as Meta allows for now (from every business). Do not resend at once; try again in a day or later, or send a utility template if the message is not marketing.",
	},
	[MARKETING_STOPPED_ERROR_CODE]: {
		reason: 'marketing_opted_out',
		hint: 'The customer stopped marketing messages from your business in WhatsApp: send them no more marketing templates (the contact is marked opted out). Utility and authentication templates and replies still reach them.',
	},
	130472: {
		reason: 'meta_experiment',
		hint: "The customer is in Meta's marketing message experiment: marketing templates reach them only while they have written to you in the last 24 hours. Resending fails the same way; wait for them to write, or reach them another way.",
	},
};

/** The failure behind Meta's error on a failed status: its reason and a fix hint (a generic one for other codes). */
export function describeDeliveryFailure(error: { code: number; title: string | null } | null | undefined): DeliveryFailure {
	if (!error) {
		return { code: null, reason: 'other', title: 'Message not delivered', hint: 'Meta reported the message as failed without an error code: check the chat, then send it again if it did not arrive.' };
	}
	const title = error.title !== null && error.title.trim() !== '' ? error.title : 'Message not delivered';
	const known = FAILURES[error.code];
	if (known) return { code: error.code, title, ...known };
	const hint =
		metaErrorHint(error.code) ??
		`Meta did not deliver the message: ${title}. Look the code (${error.code}) up in Meta's WhatsApp Cloud API error-code list before sending again.`;
	return { code: error.code, reason: 'other', title, hint };
}
