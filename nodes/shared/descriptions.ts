import type { INodeProperties } from 'n8n-workflow';

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

export const recipientProperty: INodeProperties = {
	displayName: 'Recipient Phone Number',
	name: 'to',
	type: 'string',
	default: '',
	required: true,
	placeholder: '+16505551234',
	description: 'In international format with the country code; spaces and dashes are fine',
};
