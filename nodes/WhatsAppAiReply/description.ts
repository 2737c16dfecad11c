import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MODEL, senderProperty, transcriptionLanguageProperty, transcriptionModelProperty } from '../shared/descriptions';
import { variableRowsProperty } from '../shared/variables';

export const DEFAULT_INSTRUCTIONS =
	'You are a friendly assistant answering customers on WhatsApp. Answer briefly and accurately. If you do not know something, say so and offer to connect the customer with a person.';

export const aiReplyProperties: INodeProperties[] = [
	{
		displayName: 'Customer',
		name: 'customer',
		type: 'string',
		default: '={{ $json.customerPhone || $json.customerId }}',
		required: true,
		placeholder: '+16505551234 or US.13491208655302741918',
		description:
			"The customer's phone number or business-scoped user ID (US.13491208655302741918, for WhatsApp username users), as a trigger's customerId gives it: links to their WhatsApp conversation. Any other stable ID, such as an email or CRM ID, keeps a conversation of its own.",
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '={{ $json.text }}',
		description: "The customer's message to answer. May be empty when Message ID points at an image or voice note.",
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '={{ $json.messageId }}',
		description:
			'ID of the WhatsApp message being answered, as the WhatsApp triggers give it: the message is then not stored twice, and its image or voice note can be used. Leave empty for messages from other channels.',
	},
	{
		displayName: 'Instructions',
		name: 'instructions',
		type: 'string',
		typeOptions: { rows: 6 },
		default: DEFAULT_INSTRUCTIONS,
		description: 'The system prompt: who the assistant is, what it knows and how it should answer',
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'string',
		default: DEFAULT_MODEL,
		required: true,
		description: 'Model name as the server knows it, e.g. gpt-4o-mini, llama3.1 (Ollama) or openai/gpt-4o (OpenRouter)',
	},
	{
		displayName: 'Send Reply Through WhatsApp',
		name: 'sendReply',
		type: 'boolean',
		default: false,
		description:
			'Whether to send the reply to the customer in this step. Sends only inside the 24-hour window; otherwise the output says sent: false with the reason.',
	},
	{
		...senderProperty,
		displayName: 'Business Phone Number',
		description: "The business number whose conversation this is, and that sends the reply; leave empty for the credential's",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Add WhatsApp Style Hint',
				name: 'styleHint',
				type: 'boolean',
				default: true,
				description: 'Whether to tell the model it is writing in WhatsApp (short answers, no tables or headings)',
			},
			variableRowsProperty('contextVariables', 'Context Variables', "Facts for the prompt (name, plan, order...); stored on the conversation and reported by Conversation Ended as input variables"),
			{
				displayName: 'History Token Budget',
				name: 'historyTokenBudget',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 3000,
				description: 'How many tokens of earlier messages to send along (estimated); the oldest are left out first. The instructions are always sent.',
			},
			{
				displayName: 'Image Detail',
				name: 'imageDetail',
				type: 'options',
				options: [
					{ name: 'Auto', value: 'auto' },
					{ name: 'High', value: 'high', description: 'Finer detail, more tokens' },
					{ name: 'Low', value: 'low', description: 'Faster and cheaper' },
				],
				default: 'auto',
			},
			{
				displayName: 'Image Media ID',
				name: 'imageMediaId',
				type: 'string',
				default: '',
				description: "A WhatsApp media ID of an image to show the model, when it is not the message's own image",
			},
			{
				displayName: 'Look at Images',
				name: 'useImages',
				type: 'boolean',
				default: true,
				description: "Whether to show the customer's image to the model (needs a vision model)",
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 5 },
				default: 2,
				description: 'How often to try again after a rate limit or a server failure',
			},
			{
				displayName: 'Max Tokens',
				name: 'maxTokens',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1024,
				description: 'Upper bound for the length of the answer, in tokens',
			},
			{
				displayName: 'Record Reply',
				name: 'recordReply',
				type: 'boolean',
				default: true,
				description:
					'Whether to store a reply that is not sent in this step in the conversation. Turn off when a WhatsApp Send Message node sends it afterwards (that node stores it).',
			},
			{
				displayName: 'Sampling Temperature',
				name: 'temperature',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
				default: 0.7,
				description: 'Higher values give more varied answers, lower values more focused ones',
			},
			{
				displayName: 'Show Typing Indicator',
				name: 'typingIndicator',
				type: 'boolean',
				default: true,
				description:
					'Whether the customer sees "typing…" (and blue ticks on their message) while the model answers a WhatsApp message; WhatsApp removes it when the answer is sent, or after 25 seconds',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 120,
				description: 'How long to wait for one answer from the model server',
			},
			{
				displayName: 'Top P',
				name: 'topP',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 1,
				description: 'Nucleus sampling: consider only the most likely tokens making up this probability mass',
			},
			{
				displayName: 'Transcribe Voice Notes',
				name: 'transcribeVoice',
				type: 'boolean',
				default: true,
				description: "Whether to turn the customer's voice note into text with the transcription endpoint and answer that",
			},
			transcriptionLanguageProperty,
			transcriptionModelProperty,
		],
	},
];
