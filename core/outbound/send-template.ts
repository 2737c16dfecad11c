import { CloudApiError } from '../cloud-api/errors';
import { isBusinessInitiated } from '../policy/limits';
import { assertNotOptedOut } from '../policy/optout';
import { assertTemplateSendable } from '../template/send-check';
import type { TemplateSendRequest } from '../template/request';
import type { LimitReservation, CustomerWindow } from '../conversation/store';
import { nowOf, type OutboundContext, type SendHooks } from './context';
import { resolveRecipient, toRecipient } from './recipient';
import { recordSent, type SentMessage } from './record';

export interface TemplateSendResult extends SentMessage {
	/** `previousCategory` only when Meta changed the template's category (its category before). */
	template: { name: string; language: string; category: string; previousCategory?: string };
	window: CustomerWindow;
	/** Whether this send counted against the daily limit, and where the limit stands after it. */
	dailyLimit: { counted: boolean; used: number; limit: number | null; remaining: number | null } | null;
}

/**
 * Sends an approved template after every check Meta would make and the ones it leaves to us: the
 * template and its parameters, marketing opt-out, and the daily limit, reserved before the call and
 * given back only if the message certainly did not go out.
 */
export async function sendTemplateMessage(
	context: OutboundContext,
	input: TemplateSendRequest,
	hooks: SendHooks = {},
): Promise<TemplateSendResult> {
	const parsed = toRecipient(input.to, context.defaultCountry);
	const template = assertTemplateSendable(await context.templates.all(), input);
	const now = nowOf(context);
	const recipient = await resolveRecipient(context.store, context.phoneNumberId, parsed);
	const contact = await context.store.getContact(context.phoneNumberId, recipient.customerId);
	if (contact) assertNotOptedOut(contact, template.category, recipient.address);

	const window = await context.store.getWindow(context.phoneNumberId, recipient.customerId, now);
	let reservation: LimitReservation | null = null;
	if (isBusinessInitiated({ isTemplate: true, windowOpen: window.open })) {
		reservation = await context.store.reserveDailyLimit({
			scope: context.businessAccountId,
			customerId: recipient.customerId,
			tier: context.tier,
			now,
		});
	}

	let sent;
	let requested = false;
	try {
		await hooks.beforeSend?.(recipient.customerId);
		requested = true;
		sent = await context.client.sendTemplate({ ...input, to: recipient.address, name: template.name, languageCode: template.language });
	} catch (error) {
		// The unit goes back only when the message certainly did not go out (a hook stopped it, Meta
		// refused or throttled it, or the connection was never made); one that may have been delivered
		// keeps it, as Meta counts it.
		const notSent = !requested || (error instanceof CloudApiError && !error.mayHaveBeenSent);
		if (reservation && notSent) await context.store.releaseDailyLimit(reservation);
		if (error instanceof CloudApiError && error.metaCode === 132001) context.templates.invalidate();
		throw error;
	}

	const { to: _to, ...details } = input;
	const recorded = await recordSent(
		context,
		sent,
		recipient,
		{ type: 'template', text: template.name, payload: { ...details, name: template.name, languageCode: template.language } },
		nowOf(context),
	);
	return {
		...recorded,
		template: {
			name: template.name,
			language: template.language,
			category: template.category,
			...(template.previous_category ? { previousCategory: template.previous_category } : {}),
		},
		window,
		dailyLimit: reservation && {
			counted: reservation.counted,
			used: reservation.used,
			limit: reservation.limit,
			remaining: reservation.remaining,
		},
	};
}
