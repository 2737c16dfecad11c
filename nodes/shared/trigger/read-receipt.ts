/** Message Received: blue ticks (and optionally "typing…") for the message as its workflow starts. */
import type { INodeProperties } from 'n8n-workflow';

import { cloudApiClient } from '../core-access';
import { markReadOnce } from '../read-receipts';
import type { EventTriggerOptions, ParameterSource } from './options';

const MARK_AS_READ = {
	displayName: 'Mark as Read',
	name: 'markAsRead',
	type: 'boolean',
	default: false,
	description: "Whether the customer's message gets blue ticks when the workflow starts (and the messages before it)",
} as const;

/** On in new nodes; version 1 nodes, saved without the parameter, keep their former behaviour (off). */
export const readReceiptProperties: INodeProperties[] = [
	{ ...MARK_AS_READ, displayOptions: { show: { '@version': [1] } } },
	{ ...MARK_AS_READ, default: true, displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } } },
	{
		displayName: 'Show Typing Indicator',
		name: 'typingIndicator',
		type: 'boolean',
		default: false,
		displayOptions: { show: { markAsRead: [true] } },
		description:
			'Whether the customer also sees "typing…" until the workflow sends its answer (WhatsApp removes it after 25 seconds at the latest). Turn on only when the workflow answers every message.',
	},
];

/**
 * The read receipt as the trigger's onEmit: once per message however many workflows it starts
 * (markReadOnce), never for a delivery that was not authenticated (its message id may be forged).
 */
export function readReceiptOnEmit(parameters: ParameterSource): EventTriggerOptions['onEmit'] {
	if (!(parameters.getNodeParameter('markAsRead', false) as boolean)) return undefined;
	const receipt = { typingIndicator: parameters.getNodeParameter('typingIndicator', false) as boolean };
	return (event, { credential, trigger }) => {
		if (event.type !== 'message.received' || event.payload.authenticated === false) return;
		const { message } = event.payload;
		void markReadOnce(cloudApiClient(trigger, credential, message.phoneNumberId), message.phoneNumberId, message.wamid, receipt, trigger.logger);
	};
}
