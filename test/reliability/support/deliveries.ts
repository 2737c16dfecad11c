/** Signed deliveries in Meta's format, built from message lists, for the HTTP-level tests. */
import { signPayload } from '../../../core/webhook/signature';

export const PHONE_NUMBER_ID = '106540352242922';

export interface Delivery {
	rawBody: Buffer;
	signature: string;
	wamids: string[];
}

export interface TextMessage {
	wamid: string;
	from: string;
	text: string;
	/** Unix seconds. */
	timestamp?: number;
}

/** One `messages` change holding every message, with the senders' profiles beside them. */
export function delivery(messages: readonly TextMessage[], appSecret: string): Delivery {
	const senders = [...new Set(messages.map((message) => message.from))];
	const rawBody = Buffer.from(
		JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '102290129340398',
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
								contacts: senders.map((from) => ({ profile: { name: `Customer ${from}` }, wa_id: from })),
								messages: messages.map((message) => ({
									from: message.from,
									id: message.wamid,
									timestamp: String(message.timestamp ?? Math.floor(Date.now() / 1000)),
									type: 'text',
									text: { body: message.text },
								})),
							},
						},
					],
				},
			],
		}),
	);
	return { rawBody, signature: signPayload(rawBody, appSecret), wamids: messages.map((message) => message.wamid) };
}
