import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { toRecipient, type ConversationStore } from '../../../core';
import { isoTime } from '../../shared/conversation-item';
import { CUSTOMER_ID_DESCRIPTION } from '../../shared/descriptions';
import type { WhatsAppCredential } from '../../shared/credentials';
import { businessNumberOf, businessNumberProperty } from './common';

export const contactProperties: INodeProperties[] = [
	businessNumberProperty,
	{
		displayName: 'Customer',
		name: 'customer',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+16505551234 or US.13491208655302741918',
		description: CUSTOMER_ID_DESCRIPTION,
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
	const recipient = toRecipient(context.getNodeParameter('customer', itemIndex) as string);
	const phoneNumberId = businessNumberOf(context, itemIndex, credential);
	const contact = await store.setOptOut(phoneNumberId, recipient.customerId, optedOut, Date.now());
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
