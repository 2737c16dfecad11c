import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TRANSCRIPTION_MODEL } from '../../core';

/** The chat model AI Reply and the triggers' end-of-conversation extraction use unless told otherwise. */
export const DEFAULT_MODEL = 'gpt-4o-mini';

/** Voice transcription settings, offered alike by AI Reply (an option) and Message Received. */
export const transcriptionModelProperty: INodeProperties = {
	displayName: 'Transcription Model',
	name: 'transcriptionModel',
	type: 'string',
	default: DEFAULT_TRANSCRIPTION_MODEL,
};
export const transcriptionLanguageProperty: INodeProperties = {
	displayName: 'Transcription Language',
	name: 'transcriptionLanguage',
	type: 'string',
	default: '',
	placeholder: 'en',
	description: 'ISO-639-1 code of the spoken language; empty lets the model detect it',
};

/** The sender picker every sending node shows; empty means the credential's phone number. */
export const senderProperty: INodeProperties = {
	displayName: 'Sender',
	name: 'sender',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: "The business phone number to send from; leave empty for the credential's",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchSenders', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: '106540352242922',
			validation: [{ type: 'regex', properties: { regex: '^\\d+$', errorMessage: 'A phone number ID is digits only' } }],
		},
	],
};

/** What a customer field accepts: a phone number, a business-scoped user id, or a trigger's customerId (one of the two). */
export const CUSTOMER_ID_DESCRIPTION =
	"The customer's phone number in international format (spaces and dashes are fine), or their business-scoped user ID (e.g. US.13491208655302741918) if they use a WhatsApp username; a trigger's customerId works as is";

export const recipientProperty: INodeProperties = {
	displayName: 'Recipient',
	name: 'to',
	type: 'string',
	default: '',
	required: true,
	placeholder: '+16505551234 or US.13491208655302741918',
	description: CUSTOMER_ID_DESCRIPTION,
};

/** n8n's usual Return All / Limit pair of list operations. */
export const returnAllProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];
