import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import {
	buildChatLink,
	ChatLinkError,
	chatNumber,
	qrCodeImages,
	QR_MARGIN_RANGE,
	QR_SIZE_RANGE,
	reportedChatNumber,
	type QrErrorCorrection,
} from '../../../core';
import { cloudApiClient } from '../../shared/core-access';
import type { WhatsAppCredential } from '../../shared/credentials';
import { businessNumberOf, businessNumberProperty, type ItemsExecute } from './common';

// The QR defaults are the core's (DEFAULT_QR_CODE_OPTIONS), written out for n8n's linter.
const properties: INodeProperties[] = [
	{
		...businessNumberProperty,
		description: "The business phone number customers will chat with; leave empty for the credential's",
	},
	{
		displayName: 'Prefilled Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'Hi! I would like to book a table',
		description: 'The message already typed in when the customer opens the chat; they can change it before sending',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Error Correction Level',
				name: 'errorCorrection',
				type: 'options',
				default: 'M',
				description: 'How much of the QR code may be covered or damaged and still scan; higher levels make a denser code',
				options: [
					{ name: 'Low (7%)', value: 'L' },
					{ name: 'Medium (15%)', value: 'M' },
					{ name: 'Quartile (25%)', value: 'Q' },
					{ name: 'High (30%)', value: 'H', description: 'For a logo over the code or print on rough surfaces' },
				],
			},
			{
				displayName: 'Margin',
				name: 'margin',
				type: 'number',
				typeOptions: { minValue: QR_MARGIN_RANGE.min, maxValue: QR_MARGIN_RANGE.max },
				default: 4,
				description: 'The light border around the QR code, in modules (its small squares); scanners want 4',
			},
			{
				displayName: 'Phone Number',
				name: 'phoneNumber',
				type: 'string',
				default: '',
				placeholder: '+1 650-555-1234',
				description:
					"The business's WhatsApp number in international format, used as given instead of asking Meta for the Business Phone Number's (needed with 360dialog)",
			},
			{
				displayName: 'Put QR Code in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'The binary field the PNG image goes into',
			},
			{
				displayName: 'QR Code Size (Px)',
				name: 'size',
				type: 'number',
				typeOptions: { minValue: QR_SIZE_RANGE.min, maxValue: QR_SIZE_RANGE.max },
				default: 512,
				description: 'Width and height of the PNG and SVG images, in pixels',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getChatLink'] } }, properties);

interface ChatLinkOptions {
	errorCorrection?: QrErrorCorrection;
	margin?: number;
	phoneNumber?: string;
	binaryPropertyName?: string;
	size?: number;
}

// One number lookup per phone number id and execution, however many items ask.
const lookups = new WeakMap<IExecuteFunctions, Map<string, Promise<string>>>();

/** The number Meta has registered for the phone number id (display_phone_number), in wa.me form. */
function registeredNumber(context: IExecuteFunctions, credential: WhatsAppCredential, phoneNumberId: string): Promise<string> {
	if (credential.provider === '360dialog') {
		throw new ChatLinkError(
			'CHAT_LINK_NUMBER_UNKNOWN',
			'phoneNumber',
			'360dialog does not report the phone number behind the API key',
			"Set the Phone Number option to the business's WhatsApp number in international format, e.g. +1 650-555-1234.",
		);
	}
	const known = lookups.get(context) ?? new Map<string, Promise<string>>();
	lookups.set(context, known);
	let number = known.get(phoneNumberId);
	if (number === undefined) {
		number = cloudApiClient(context, credential, phoneNumberId)
			.getPhoneNumber()
			.then((phone) => reportedChatNumber(phone.displayPhoneNumber, phoneNumberId));
		known.set(phoneNumberId, number);
	}
	return number;
}

export const executeItems: ItemsExecute = async function (itemIndex, _store, credential) {
	const options = this.getNodeParameter('options', itemIndex, {}) as ChatLinkOptions;
	const typed = options.phoneNumber?.trim() ?? '';
	const number = typed !== '' ? chatNumber(typed) : await registeredNumber(this, credential, businessNumberOf(this, itemIndex, credential));
	const chat = buildChatLink(number, this.getNodeParameter('text', itemIndex, '') as string);
	const { png, svg } = await qrCodeImages(chat.link, { size: options.size, errorCorrection: options.errorCorrection, margin: options.margin });
	const field = options.binaryPropertyName?.trim() || 'data';
	const image = await this.helpers.prepareBinaryData(png, `whatsapp-chat-${number}.png`, 'image/png');
	return [{ json: { link: chat.link, number: chat.number, text: chat.text, svg }, binary: { [field]: image } }];
};
