import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { normalizeRecipient } from '../../../core/policy/phone';
import type { ConversationStore } from '../../../core/store/types';
import { isoTime } from '../../shared/conversation-item';
import type { WhatsAppCredential } from '../../shared/credentials';
import { businessNumberOf, businessNumberProperty } from './common';

export const contactProperties: INodeProperties[] = [
	businessNumberProperty,
	{
		displayName: 'Customer Phone Number',
		name: 'customer',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+16505551234',
		description: 'In international format with the country code; spaces and dashes are fine',
	},
];

/** Opt-out only stops marketing templates; utility and authentication templates and replies still go. */
export async function setContactOptOut(
	context: IExecuteFunctions,
	itemIndex: number,
	store: ConversationStore,
	credential: WhatsAppCredential,
	optedOut: boolean,
): Promise<IDataObject[]> {
	const recipient = normalizeRecipient(context.getNodeParameter('customer', itemIndex) as string);
	const phoneNumberId = businessNumberOf(context, itemIndex, credential);
	const contact = await store.setOptOut(phoneNumberId, recipient.waId, optedOut, Date.now());
	return [
		{
			phoneNumberId: contact.phoneNumberId,
			customerId: contact.customerId,
			customerPhone: recipient.e164,
			customerName: contact.name,
			optedOut: contact.optedOut,
			optedOutAt: isoTime(contact.optedOutAt),
			lastInboundAt: isoTime(contact.lastInboundAt),
		},
	];
}
