/**
 * The deliveries the benches ingest: Meta's documented text-message webhook shape, one message each,
 * from a fixed set of customers, signed as Meta signs them.
 */
import { signPayload } from '../core/webhook/signature';

export const APP_SECRET = 'bench-app-secret';
export const BUSINESS_ACCOUNT_ID = '102290129340398';
export const PHONE_NUMBER_ID = '106540352242922';
/** Epoch ms where the benches' own traffic starts; the pre-filled history ends here. */
export const BENCH_EPOCH_MS = 1_767_000_000_000;
export const INACTIVITY_TIMEOUT_MS = 30 * 60_000;

export interface SignedWebhook {
	wamid: string;
	rawBody: Buffer;
	signature: string;
}

/** `1650555` + 4 digits: customers the benches write as, never among the pre-filled ones. */
export function benchCustomer(index: number, customers: number): string {
	return `1650555${String(index % customers).padStart(4, '0')}`;
}

/** A delivery of one inbound message object from `customer`, signed. */
function messageWebhook(customer: string, message: Record<string, unknown>): SignedWebhook {
	const rawBody = Buffer.from(
		JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: BUSINESS_ACCOUNT_ID,
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
								contacts: [{ profile: { name: `Customer ${customer}` }, wa_id: customer }],
								messages: [{ from: customer, ...message }],
							},
						},
					],
				},
			],
		}),
	);
	return { wamid: String(message.id), rawBody, signature: signPayload(rawBody, APP_SECRET) };
}

/** One inbound text message from `customer`, at BENCH_EPOCH_MS + `second` seconds. */
export function textWebhook(wamid: string, customer: string, second: number, text: string): SignedWebhook {
	return messageWebhook(customer, { id: wamid, timestamp: String(BENCH_EPOCH_MS / 1000 + second), type: 'text', text: { body: text } });
}

/**
 * A WhatsApp Flow's answers (`interactive.nfm_reply`) of about `bytes` bytes: Meta's largest delivery
 * (3 MB) is a single message this big, the one field without a size limit of its own.
 */
export function flowReplyWebhook(wamid: string, customer: string, bytes: number): SignedWebhook {
	const answer = { question: 'Which of these describe your order?', choice: 'a long free-text answer '.repeat(8) };
	const answers = Array.from({ length: Math.ceil(bytes / JSON.stringify(answer).length) }, () => answer);
	return messageWebhook(customer, {
		id: wamid,
		timestamp: String(BENCH_EPOCH_MS / 1000),
		type: 'interactive',
		interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify({ flow_token: 'bench-flow', answers }) } },
	});
}

/** `count` deliveries from `customers` customers (each writes again every `customers` webhooks). */
export function benchWebhooks(count: number, customers: number, prefix = 'wamid.bench-'): SignedWebhook[] {
	return Array.from({ length: count }, (_, index) =>
		textWebhook(`${prefix}${index}`, benchCustomer(index, customers), index, `Message number ${index}: does it come in another color?`),
	);
}
