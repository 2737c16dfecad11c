// One event that cannot become an item never stops a trigger: through the real trigger code, activated
// by n8n-core's trigger machinery, a poisoned event is emitted with `error` (or skipped after bounded
// attempts, with a failed execution recorded) and every event around it is emitted exactly once.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { signPayload } from '../../core/webhook/signature';
import { WhatsAppMessageReceivedTrigger } from '../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { waitFor } from '../store-conformance/conformance';
import { createTriggerHarness } from './support/trigger-runner';
import { credentialTypes, useWhatsAppFixture } from './support/whatsapp-fixture';

const APP_SECRET = 'trigger-failure-secret';
const SAMPLES = resolve(__dirname, '../fixtures/meta-samples');

const wa = useWhatsAppFixture();
const actives: Array<{ close(): Promise<void> }> = [];

// Deactivated even when an assertion failed, or the trigger would keep jest alive.
afterEach(async () => {
	for (const active of actives.splice(0)) await active.close();
});

async function activeTrigger(workflowId: string) {
	const harness = await createTriggerHarness({
		nodeType: new WhatsAppMessageReceivedTrigger(),
		node: { parameters: { downloadMedia: true }, webhookId: `hook-${workflowId}` },
		credentials: wa.credentials({ appSecret: APP_SECRET, verifyToken: 'failure-verify-token' }),
		credentialTypes,
		workflowId,
	});
	const active = await harness.activate();
	actives.push(active);
	return { harness, active };
}

/**
 * One delivery (one commit, so one read batch): an image whose media id Meta no longer knows (as after
 * its expiry), then 100 text messages.
 */
function deliveryWithPoisonFirst(): { body: Buffer; poisoned: string; good: string[] } {
	const payload = JSON.parse(readFileSync(join(SAMPLES, 'meta_docs_text.json'), 'utf8')) as {
		entry: Array<{ changes: Array<{ value: { messages: IDataObject[] } }> }>;
	};
	const value = payload.entry[0].changes[0].value;
	const [text] = value.messages;
	const poisoned = 'wamid.poisoned-image';
	const good = Array.from({ length: 100 }, (_, index) => `wamid.good-${index}`);
	value.messages = [
		{ from: text.from, id: poisoned, timestamp: text.timestamp, type: 'image', image: { id: '999000111222333', mime_type: 'image/jpeg' } },
		...good.map((id, index) => ({ ...text, id, text: { body: `message ${index}` } })),
	];
	return { body: Buffer.from(JSON.stringify(payload)), poisoned, good };
}

function signed(body: Buffer) {
	return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, APP_SECRET) } };
}

describe('a trigger with an event that cannot become an item', () => {
	it('emits it with `error` and no media, and emits the 100 good messages after it exactly once', async () => {
		const { harness, active } = await activeTrigger('wf-poison-degraded');
		const { body, poisoned, good } = deliveryWithPoisonFirst();
		await harness.webhook(signed(body));
		await waitFor(() => active.recorder.emitted.length >= 101, 15_000);
		await new Promise((wait) => setTimeout(wait, 500));

		const items = active.recorder.emitted.map(({ data }) => data[0][0]);
		expect(items.map((item) => item.json.messageId)).toEqual([poisoned, ...good]);
		expect(items[0].json).toMatchObject({
			type: 'image',
			media: expect.objectContaining({ id: '999000111222333' }),
			error: { code: expect.any(String), message: expect.any(String), hint: expect.any(String) },
		});
		expect(items[0].binary).toBeUndefined();
		expect(items.slice(1).every((item) => item.json.error === undefined)).toBe(true);
		expect(JSON.stringify(items[0].json.error)).not.toContain(wa.simulator.accessToken);
		expect(new Set(active.recorder.emitted.map((emit) => emit.deduplicationKey)).size).toBe(101);
		expect(active.recorder.failedExecutions).toEqual([]);
	});

	it('skips it after 3 failed emits, records why, and emits the 100 good messages after it exactly once', async () => {
		const { harness, active } = await activeTrigger('wf-poison-skipped');
		const { body, poisoned, good } = deliveryWithPoisonFirst();
		let refused = 0;
		active.recorder.refuse = ([[item]]) => {
			if (item.json.messageId !== poisoned) return undefined;
			refused++;
			return new Error('the execution could not be queued');
		};
		await harness.webhook(signed(body));
		// Back-off between tries: 1 s, then 2 s.
		await waitFor(() => active.recorder.emitted.length >= 100, 20_000);
		await new Promise((wait) => setTimeout(wait, 500));

		expect(refused).toBe(3);
		expect(active.recorder.emitted.map(({ data }) => data[0][0].json.messageId)).toEqual(good);
		expect(active.recorder.failedExecutions).toHaveLength(1);
		expect(active.recorder.failedExecutions[0].message).toMatch(/skipped event \d+ \(message\.received\) after 3 failed attempts: the execution could not be queued/);
		expect(harness.logs.filter((log) => log.level === 'warn').map((log) => log.message)).toEqual(
			expect.arrayContaining([expect.stringMatching(/skipped event \d+ \(message\.received\) after 3 failed attempts/)]),
		);
	});
});
