// One event that cannot become an item never stops a trigger: through the real trigger code, activated
// by n8n-core's trigger machinery, a poisoned event is emitted with `error` (or skipped after bounded
// attempts, with a failed execution recorded) and every event around it is emitted exactly once.
import { waitFor } from '../store-conformance/conformance';
import { textSampleWith, useMessageTriggers } from './support/message-triggers';
import { useWhatsAppFixture } from './support/whatsapp-fixture';

const wa = useWhatsAppFixture();
const triggers = useMessageTriggers(wa, 'trigger-failure-secret', 'failure-verify-token');
const activeTrigger = (workflowId: string) => triggers.activeTrigger(workflowId, { downloadMedia: true });
const { signed } = triggers;

/**
 * One delivery (one commit, so one read batch): an image whose media id Meta no longer knows (as after
 * its expiry), then 100 text messages.
 */
function deliveryWithPoisonFirst(): { body: Buffer; poisoned: string; good: string[] } {
	const poisoned = 'wamid.poisoned-image';
	const good = Array.from({ length: 100 }, (_, index) => `wamid.good-${index}`);
	const body = textSampleWith((text) => [
		{ from: text.from, id: poisoned, timestamp: text.timestamp, type: 'image', image: { id: '999000111222333', mime_type: 'image/jpeg' } },
		...good.map((id, index) => ({ ...text, id, text: { body: `message ${index}` } })),
	]);
	return { body, poisoned, good };
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
