import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * One WhatsApp Business number with the rules of its account: how to reach the Cloud API, how to
 * check Meta's webhooks, and where the conversations are kept.
 */
export class WhatsAppConversationsApi implements ICredentialType {
	name = 'whatsAppConversationsApi';

	displayName = 'WhatsApp Business Cloud (Conversations) API';

	icon: Icon = 'file:whatsapp.svg';

	documentationUrl = 'https://github.com/n8n-nodes-whatsapp-conversations/n8n-nodes-whatsapp-conversations/blob/main/docs/credentials.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Provider',
			name: 'provider',
			type: 'options',
			options: [
				{ name: 'Meta Graph API', value: 'meta', description: "Meta's own Cloud API at graph.facebook.com" },
				{ name: '360dialog', value: '360dialog', description: 'The 360dialog WhatsApp API (D360 API key)' },
				{ name: 'Custom Base URL', value: 'custom', description: 'A proxy or a local simulator speaking the Graph API' },
			],
			default: 'meta',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A permanent System User token (Meta) or the D360 API key (360dialog)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080',
			required: true,
			displayOptions: { show: { provider: ['custom'] } },
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: 'v25.0',
			displayOptions: { show: { provider: ['meta', 'custom'] } },
		},
		{
			displayName: 'Phone Number ID',
			name: 'phoneNumberId',
			type: 'string',
			default: '',
			required: true,
			description: 'The ID of the business phone number (WhatsApp Manager > Phone numbers), not the number itself',
		},
		{
			displayName: 'WhatsApp Business Account ID',
			name: 'businessAccountId',
			type: 'string',
			default: '',
			required: true,
			description: 'Needed to list templates and phone numbers; also the scope of the daily messaging limit',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"The Meta app's secret (App Dashboard > App settings > Basic > App secret). Meta signs every webhook with it; a delivery without that signature is refused (with provider Custom, the header secret below is accepted instead). Required with provider Meta: WhatsApp triggers do not activate without it.",
			displayOptions: { show: { provider: ['meta', 'custom'] } },
		},
		{
			displayName: 'Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Any string you choose; enter the same one in the Meta app when saving the callback URL. Required with provider Meta.',
			displayOptions: { show: { provider: ['meta', 'custom'] } },
		},
		{
			displayName: 'Webhook Header Name',
			name: 'webhookHeaderName',
			type: 'string',
			default: '',
			placeholder: 'X-Webhook-Secret',
			description:
				"A header the provider adds to every webhook (360dialog: the webhook's custom headers). With its secret below, deliveries without it are refused.",
			displayOptions: { show: { provider: ['360dialog', 'custom'] } },
		},
		{
			displayName: 'Webhook Header Secret',
			name: 'webhookHeaderSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'A long random value the provider sends in that header. 360dialog does not sign webhooks, so WhatsApp triggers need this unless they accept unsigned deliveries (testing only).',
			displayOptions: { show: { provider: ['360dialog', 'custom'] } },
		},
		{
			displayName: 'Messaging Tier',
			name: 'messagingTier',
			type: 'options',
			options: [
				{
					name: 'Automatic (From Meta)',
					value: 'AUTO',
					description: "Meta's current limit, read every few minutes; the last known one when Meta cannot be reached",
				},
				{ name: '250 Customers per 24 Hours', value: 'TIER_250' },
				{ name: '2,000 Customers per 24 Hours', value: 'TIER_2K' },
				{ name: '10,000 Customers per 24 Hours', value: 'TIER_10K' },
				{ name: '100,000 Customers per 24 Hours', value: 'TIER_100K' },
				{ name: 'Unlimited', value: 'TIER_UNLIMITED' },
			],
			default: 'AUTO',
			description:
				"Your daily messaging limit: templates to customers outside their 24-hour window are refused beyond it. Automatic follows Meta's limit (250 until Meta has been read once); or pick the one WhatsApp Manager > Insights shows.",
		},
		{
			displayName: 'Conversation Inactivity Timeout (Minutes)',
			name: 'inactivityTimeoutMinutes',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'A conversation with no message for this long ends (Conversation Ended fires) and the next message starts a new one',
		},
		{
			displayName: 'Keep Messages for (Days)',
			name: 'retentionDays',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 90,
			description:
				"Messages older than this, and ended conversations whose last message is, are deleted from the store (transcripts included); 0 keeps them forever. Contacts and their opt-outs are always kept.",
		},
		{
			displayName: 'Forget Inactive Triggers After (Days)',
			name: 'forgetInactiveTriggersAfterDays',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 7,
			description:
				'A trigger keeps the events that happen while its workflow is inactive, for this long; after that its place in the event log is dropped, and once activated again it starts from new events',
		},
		{
			displayName: 'Business Hours',
			name: 'businessHours',
			type: 'boolean',
			default: false,
			description:
				"Whether the business has opening hours. Off: always open (Message Received's withinBusinessHours is always true). On: the hours below, in the time zone below.",
		},
		{
			displayName: 'Time Zone',
			name: 'businessTimeZone',
			type: 'string',
			default: '',
			placeholder: 'Europe/Berlin',
			description: 'The IANA time zone of the hours below (e.g. Europe/Berlin, America/New_York, UTC); summer time follows its rules',
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Monday',
			name: 'hoursMonday',
			type: 'string',
			default: '09:00-17:00',
			placeholder: '09:00-12:30, 13:30-17:00',
			description: 'Opening times as HH:MM-HH:MM, several separated by commas; 22:00-02:00 runs past midnight; 00:00-24:00 all day; empty: closed',
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Tuesday',
			name: 'hoursTuesday',
			type: 'string',
			default: '09:00-17:00',
			placeholder: '09:00-12:30, 13:30-17:00',
			description: 'Like Monday; empty: closed',
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Wednesday',
			name: 'hoursWednesday',
			type: 'string',
			default: '09:00-17:00',
			placeholder: '09:00-12:30, 13:30-17:00',
			description: 'Like Monday; empty: closed',
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Thursday',
			name: 'hoursThursday',
			type: 'string',
			default: '09:00-17:00',
			placeholder: '09:00-12:30, 13:30-17:00',
			description: 'Like Monday; empty: closed',
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Friday',
			name: 'hoursFriday',
			type: 'string',
			default: '09:00-17:00',
			placeholder: '09:00-12:30, 13:30-17:00',
			description: 'Like Monday; empty: closed',
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Saturday',
			name: 'hoursSaturday',
			type: 'string',
			default: '',
			placeholder: '09:00-12:30, 13:30-17:00',
			description: 'Like Monday; empty: closed',
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Sunday',
			name: 'hoursSunday',
			type: 'string',
			default: '',
			placeholder: '09:00-12:30, 13:30-17:00',
			description: 'Like Monday; empty: closed',
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Closed Dates',
			name: 'closedDates',
			type: 'string',
			default: '',
			placeholder: '2025-12-24, 2025-12-25, 2026-01-01',
			description: "Days closed all day (holidays), as YYYY-MM-DD separated by commas; a closed day's openings are cancelled, including their part after midnight",
			displayOptions: { show: { businessHours: [true] } },
		},
		{
			displayName: 'Conversation Store',
			name: 'storeEngine',
			type: 'options',
			options: [
				{ name: 'Embedded (SQLite File)', value: 'sqlite', description: 'A file in the n8n user folder; one n8n instance or several processes on one host' },
				{ name: 'PostgreSQL (Queue Mode)', value: 'postgres', description: 'For n8n in queue mode: main, webhook and worker processes on one or several hosts' },
			],
			default: 'sqlite',
		},
		{
			displayName: 'Store File Path',
			name: 'sqlitePath',
			type: 'string',
			default: '',
			placeholder: '~/.n8n/whatsapp-conversations.sqlite',
			description:
				"Leave empty for the default file in the n8n user folder. Any other file must be inside that folder (a relative path is taken there) or in a folder listed in n8n's WHATSAPP_CONVERSATIONS_STORE_DIRS environment variable, and must be this store's own file: another program's database is refused.",
			displayOptions: { show: { storeEngine: ['sqlite'] } },
		},
		{
			displayName: 'Connection String',
			name: 'postgresConnectionString',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'postgres://user:password@host:5432/database',
			description: 'Leave empty to use the fields below',
			displayOptions: { show: { storeEngine: ['postgres'] } },
		},
		{
			displayName: 'Host',
			name: 'postgresHost',
			type: 'string',
			default: 'localhost',
			displayOptions: { show: { storeEngine: ['postgres'], postgresConnectionString: [''] } },
		},
		{
			displayName: 'Port',
			name: 'postgresPort',
			type: 'number',
			default: 5432,
			displayOptions: { show: { storeEngine: ['postgres'], postgresConnectionString: [''] } },
		},
		{
			displayName: 'Database',
			name: 'postgresDatabase',
			type: 'string',
			default: 'n8n',
			displayOptions: { show: { storeEngine: ['postgres'], postgresConnectionString: [''] } },
		},
		{
			displayName: 'User',
			name: 'postgresUser',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { storeEngine: ['postgres'], postgresConnectionString: [''] } },
		},
		{
			displayName: 'Password',
			name: 'postgresPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { storeEngine: ['postgres'], postgresConnectionString: [''] } },
		},
		{
			displayName: 'SSL',
			name: 'postgresSsl',
			type: 'options',
			options: [
				{ name: 'Disable', value: 'disable' },
				{ name: 'Require (Do Not Verify the Certificate)', value: 'require' },
				{ name: 'Verify the Certificate', value: 'verify' },
			],
			default: 'disable',
			displayOptions: { show: { storeEngine: ['postgres'] } },
		},
		{
			displayName: 'Schema',
			name: 'postgresSchema',
			type: 'string',
			default: 'whatsapp_conversations',
			description: "The store's own schema, created when missing",
			displayOptions: { show: { storeEngine: ['postgres'] } },
		},
		{
			displayName: 'Connections per n8n Process',
			name: 'postgresPoolSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			displayOptions: { show: { storeEngine: ['postgres'] } },
		},
	];
}
