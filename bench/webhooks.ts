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

/** One inbound text message from `customer`, at BENCH_EPOCH_MS + `second` seconds. */
export function textWebhook(wamid: string, customer: string, second: number, text: string): SignedWebhook {
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
								messages: [{ from: customer, id: wamid, timestamp: String(BENCH_EPOCH_MS / 1000 + second), type: 'text', text: { body: text } }],
							},
						},
					],
				},
			],
		}),
	);
	return { wamid, rawBody, signature: signPayload(rawBody, APP_SECRET) };
}

/** `count` deliveries from `customers` customers (each writes again every `customers` webhooks). */
export function benchWebhooks(count: number, customers: number, prefix = 'wamid.bench-'): SignedWebhook[] {
	return Array.from({ length: count }, (_, index) =>
		textWebhook(`${prefix}${index}`, benchCustomer(index, customers), index, `Message number ${index}: does it come in another color?`),
	);
}
