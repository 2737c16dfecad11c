import type { INodeProperties } from 'n8n-workflow';

export const callbackNotice: INodeProperties = {
	displayName:
		"Give Meta the production URL above as the callback URL (WhatsApp > Configuration), with the credential's verify token. One URL serves every WhatsApp trigger of this package in every workflow, so any trigger's URL will do.",
	name: 'callbackNotice',
	type: 'notice',
	default: '',
};

export const phoneNumberScopeProperty: INodeProperties = {
	displayName: 'Business Phone Numbers',
	name: 'phoneNumberScope',
	type: 'options',
	options: [
		{ name: "The Credential's Phone Number", value: 'credential' },
		{ name: 'Every Phone Number', value: 'all', description: 'All numbers whose webhooks reach this n8n' },
	],
	default: 'credential',
};
