/**
 * The same fuzzing through the whole ingest (signature, parse, one SQLite transaction), fewer cases
 * because each one commits: a refused delivery writes nothing, an accepted one stores every new
 * message once with its message.received event (redeliveries of known ids store nothing), and no
 * error other than a 4xx WebhookError ever comes out, nor any unhandled rejection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';

import { ingestWebhookRequest } from '../../core/ingress';
import { SqliteConversationStore } from '../../core/conversation/open';
import { parseWebhookBody } from '../../core/webhook/parse';
import { signPayload } from '../../core/webhook/signature';
import { generatedWebhook } from './support/generated';
import { byteMutated, structurallyMutated } from './support/mutations';
import { asyncOutcomeOf, watchUnhandledRejections } from './support/outcome';
import { webhookSamples } from './support/samples';
import { acceptedVariant, refusedVariant } from './support/variants';

const APP_SECRET = 'fuzz-app-secret';
const samples = webhookSamples();

const anyDelivery: fc.Arbitrary<Buffer> = fc.oneof(
	{ weight: 3, arbitrary: structurallyMutated(samples) },
	{ weight: 1, arbitrary: byteMutated(samples) },
	{ weight: 3, arbitrary: generatedWebhook.map((generated) => Buffer.from(JSON.stringify(generated.body))) },
	{ weight: 2, arbitrary: acceptedVariant(samples).map((variant) => variant.body) },
	{ weight: 1, arbitrary: refusedVariant(samples) },
);

describe('ingest under fuzzing', () => {
	let folder: string;
	let store: SqliteConversationStore;
	const rejections = watchUnhandledRejections();

	beforeAll(async () => {
		folder = mkdtempSync(join(tmpdir(), 'wa-fuzz-ingest-'));
		store = new SqliteConversationStore({ path: join(folder, 'store.sqlite') });
		await store.subscribe('audit', 'now');
	});

	afterAll(async () => {
		rejections.stop();
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	/** The message.received wamids committed since the last call. */
	async function newlyReceived(): Promise<string[]> {
		const batch = await store.readEvents('audit', { limit: 10_000 });
		await store.acknowledge('audit', batch.position);
		return batch.events.flatMap((event) => (event.type === 'message.received' ? [event.payload.message.wamid] : []));
	}

	it('stores what it accepts, once, and refuses the rest with a 4xx without writing', async () => {
		const known = new Set<string>();
		let accepted = 0;
		let refused = 0;
		await fc.assert(
			fc.asyncProperty(anyDelivery, async (rawBody) => {
				const outcome = await asyncOutcomeOf(() =>
					ingestWebhookRequest({ rawBody, signature: signPayload(rawBody, APP_SECRET) }, { store, appSecret: APP_SECRET, inactivityTimeoutMs: 3_600_000 }),
				);
				const received = await newlyReceived();
				if (!outcome.accepted) {
					refused++;
					expect(received).toEqual([]);
					return;
				}
				accepted++;
				const wamids = parseWebhookBody(rawBody).messages.map((message) => message.wamid);
				const fresh = [...new Set(wamids)].filter((wamid) => !known.has(wamid));
				expect(outcome.value.messagesStored + outcome.value.duplicateMessages).toBe(wamids.length);
				expect(received).toEqual(fresh);
				for (const wamid of fresh) known.add(wamid);
			}),
			{ numRuns: 3_000, seed: 11 },
		);
		// Both verdicts were exercised in earnest.
		expect(accepted).toBeGreaterThan(1_000);
		expect(refused).toBeGreaterThan(500);
		expect(rejections.seen).toEqual([]);
	});

	// An unknown field nested 10,000 levels deep used to parse (zod passes unknown fields through) and
	// then overflow the stack when stored: a 500 Meta would retry forever. The parser bounds the depth.
	it('refuses a delivery nested 10,000 levels deep with a 4xx', async () => {
		const deep = '['.repeat(10_000) + ']'.repeat(10_000);
		const rawBody = Buffer.from(
			`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},"messages":[{"id":"wamid.deep","from":"16505551234","timestamp":"1700000000","type":"text","text":{"body":"x"},"x_extra":${deep}}]}}]}]}`,
		);
		const outcome = await asyncOutcomeOf(() => ingestWebhookRequest({ rawBody, signature: signPayload(rawBody, APP_SECRET) }, { store, appSecret: APP_SECRET, inactivityTimeoutMs: 3_600_000 }));
		expect(outcome.accepted).toBe(false);
	});
});
