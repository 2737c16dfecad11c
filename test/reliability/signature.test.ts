/**
 * X-Hub-Signature-256, property-based and end to end (HTTP endpoint → store). The fixed cases on
 * verifySignature itself — one tampered body, one wrong secret, missing/blank/non-hex/short/long
 * headers, a header sent twice, one escaped body — are in test/unit/webhook/signature.test.ts; here
 * the same rules hold for any change, any secret, any header and any text: a delivery is stored only
 * when its exact bytes were signed with the app secret, and Meta's \u-escaped form (what it signs)
 * stores the text the customer wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';

import { SqliteConversationStore } from '../../core/conversation/open';
import { signPayload } from '../../core/webhook/signature';
import { startWebhookServer } from '../../core/webhook-server';
import { escapeLikeMeta } from './support/json-paths';

const APP_SECRET = 'signature-app-secret';
const CUSTOMER = '16505551234';
let serial = 0;

/** A text message delivery as a JSON text (not yet bytes: the tests choose how to encode it). */
function deliveryJson(text: string): { json: string; wamid: string } {
	const wamid = `wamid.sig-${++serial}`;
	const body = {
		object: 'whatsapp_business_account',
		entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, contacts: [{ profile: { name: 'Zoë / زهرة' }, wa_id: CUSTOMER }], messages: [{ from: CUSTOMER, id: wamid, timestamp: '1767000000', type: 'text', text: { body: text } }] } }] }],
	};
	return { json: JSON.stringify(body), wamid };
}

describe('webhook signatures end to end', () => {
	let folder: string;
	let store: SqliteConversationStore;
	let server: Awaited<ReturnType<typeof startWebhookServer>>;

	beforeAll(async () => {
		folder = mkdtempSync(join(tmpdir(), 'wa-signature-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		server = await startWebhookServer({ store, appSecret: APP_SECRET, verifyToken: 'unused', inactivityTimeoutMs: 3_600_000 });
		await store.subscribe('audit', 'now');
	});

	afterAll(async () => {
		await server.close();
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	async function post(body: Buffer, signature?: string): Promise<{ status: number; text: string }> {
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (signature !== undefined) headers['x-hub-signature-256'] = signature;
		const response = await fetch(server.url, { method: 'POST', headers, body });
		return { status: response.status, text: await response.text() };
	}

	/** Texts of the messages stored since the last call. */
	async function storedTexts(): Promise<Map<string, string | null>> {
		const batch = await store.readEvents('audit', { limit: 1000, types: ['message.received'] });
		await store.acknowledge('audit', batch.position);
		return new Map(batch.events.flatMap((event) => (event.type === 'message.received' ? [[event.payload.message.wamid, event.payload.message.text] as const] : [])));
	}

	it('refuses any change to a signed body (byte flipped, inserted, removed, cut) and stores nothing', async () => {
		const change = fc.oneof(
			fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
			fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
			fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), byte: fc.constant(0) }),
			fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), byte: fc.constant(0) }),
		);
		await fc.assert(
			fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 30 }), change, async (text, { kind, at, byte }) => {
				const original = Buffer.from(escapeLikeMeta(deliveryJson(text).json));
				const position = at % original.length;
				const changed =
					kind === 'flip'
						? Buffer.concat([original.subarray(0, position), Buffer.from([byte === original[position] ? byte ^ 1 : byte]), original.subarray(position + 1)])
						: kind === 'insert'
							? Buffer.concat([original.subarray(0, position), Buffer.from([byte]), original.subarray(position)])
							: kind === 'remove'
								? Buffer.concat([original.subarray(0, position), original.subarray(position + 1)])
								: original.subarray(0, position);
				const answer = await post(changed, signPayload(original, APP_SECRET));
				expect(answer.status).toBe(401);
				expect((await storedTexts()).size).toBe(0);
			}),
			{ numRuns: 300, seed: 21 },
		);
	});

	it('refuses a signature made with any other secret', async () => {
		await fc.assert(
			fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }).filter((secret) => secret !== APP_SECRET), async (secret) => {
				const body = Buffer.from(deliveryJson('hi').json);
				expect((await post(body, signPayload(body, secret))).status).toBe(401);
			}),
			{ numRuns: 100, seed: 22 },
		);
		expect((await storedTexts()).size).toBe(0);
	});

	it('reads the header strictly: missing is 401, any form but sha256=<the 64 hex digits> is 401, letter case is free', async () => {
		const body = Buffer.from(deliveryJson('hi').json);
		const hex = signPayload(body, APP_SECRET).slice('sha256='.length);
		expect(await post(body)).toMatchObject({ status: 401, text: expect.stringMatching(/no X-Hub-Signature-256 header/) });
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(
					fc.string({ maxLength: 80 }),
					fc.stringMatching(/^sha256=[0-9a-f]{0,70}$/),
					fc.tuple(fc.nat({ max: 63 }), fc.constantFrom('g', 'z', ' ', '-', 'é', '0x')).map(([at, junk]) => `sha256=${hex.slice(0, at)}${junk}${hex.slice(at + 1)}`),
				),
				async (header) => {
					fc.pre(header.trim() !== '' && header.trim().toLowerCase() !== `sha256=${hex}`);
					expect((await post(body, header)).status).toBe(401);
				},
			),
			{ numRuns: 200, seed: 23 },
		);
		expect((await storedTexts()).size).toBe(0);
		expect((await post(body, `SHA256=${hex.toUpperCase()}`)).status).toBe(200);
		expect((await storedTexts()).size).toBe(1);
	});

	it("stores the customer's exact text from Meta's escaped bytes, and only when those bytes were signed", async () => {
		await fc.assert(
			fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.boolean(), async (text, escapeSlashes) => {
				const { json, wamid } = deliveryJson(text);
				// Meta's bytes: non-ASCII as \uXXXX (emoji as surrogate pairs), sometimes "/" as "\/".
				const escaped = escapeSlashes ? escapeLikeMeta(json).replace(/\//g, '\\/') : escapeLikeMeta(json);
				const escapedBytes = Buffer.from(escaped);
				const plainBytes = Buffer.from(json);
				if (!plainBytes.equals(escapedBytes)) {
					// A signature over the other encoding of the same JSON is not Meta's: refused.
					expect((await post(escapedBytes, signPayload(plainBytes, APP_SECRET))).status).toBe(401);
					expect((await post(plainBytes, signPayload(escapedBytes, APP_SECRET))).status).toBe(401);
					expect((await storedTexts()).size).toBe(0);
				}
				expect((await post(escapedBytes, signPayload(escapedBytes, APP_SECRET))).status).toBe(200);
				expect((await storedTexts()).get(wamid)).toBe(text);
			}),
			{ numRuns: 300, seed: 24 },
		);
	});
});
