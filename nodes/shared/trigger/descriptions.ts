import type { INodeProperties } from 'n8n-workflow';

export const callbackNotice: INodeProperties = {
	displayName:
		"Give the production URL above to your provider: Meta as the callback URL (WhatsApp > Configuration) with the credential's verify token; 360dialog as the webhook URL with the credential's header secret. One URL serves every WhatsApp trigger of this package in every workflow, so any trigger's URL will do.",
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

export const ACCEPT_UNSIGNED = 'acceptUnsignedDeliveries';

/** Each trigger decides for its own URL; the notice stays in view while the option is on. */
export const acceptUnsignedProperties: INodeProperties[] = [
	{
		displayName: 'Accept Unsigned Deliveries (Testing Only)',
		name: ACCEPT_UNSIGNED,
		type: 'boolean',
		default: false,
		description:
			"Whether this trigger's URL also accepts deliveries that carry no valid signature or header secret, and this trigger emits the items they produce (marked authenticated: false). Provider Meta still needs the App Secret.",
	},
	{
		displayName:
			'Anyone who knows this URL can post fake customer messages to it (fake STOPs, AI replies paid by you). Their items carry authenticated: false; triggers without this option ignore them. Turn it off before going live.',
		name: 'acceptUnsignedNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { [ACCEPT_UNSIGNED]: [true] } },
	},
];
