// Message Received's "Combine Messages Sent Within (Seconds)" as n8n drives the trigger: a customer's
// quick messages start one execution together, in every workflow on its own, once; statuses go at once;
// a burst pending when the workflow stops (n8n restarts) is emitted once when it runs again.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { textSampleWith, useMessageTriggers } from './support/message-triggers';
import { useWhatsAppFixture } from './support/whatsapp-fixture';

const APP_SECRET = 'burst-test-secret';
const wa = useWhatsAppFixture();
const { activeTrigger, signed } = useMessageTriggers(wa, APP_SECRET, 'burst-verify-token');
const COMBINE = { combineWithinSeconds: 1 };

let sent = 0;
/** One webhook delivery of a text message from the sample's customer, sent now (so one conversation). */
function message(text: string): Buffer {
	sent++;
	const timestamp = String(Math.floor(Date.now() / 1000));
	return textSampleWith((sample) => [{ ...sample, id: `wamid.burst-${process.pid}-${sent}`, timestamp, text: { body: text } }]);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Message Received combining a burst of messages', () => {
	it('starts one execution with the three messages sent within the quiet period, in each workflow, and the next message starts the next one', async () => {
		const first = await activeTrigger('wf-burst-a', COMBINE);
		const second = await activeTrigger('wf-burst-b', COMBINE);
		const started = Date.now();
		for (const text of ['hi', 'my order #123', 'arrived broken']) {
			await first.harness.webhook(signed(message(text)));
			await pause(300);
		}
		const [[item]] = await first.active.nextEmit(5000);
		const [[other]] = await second.active.nextEmit(5000);
		// Quiet for 1 s after the last message, which came 600 ms after the first.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1600);
		expect(item.json).toMatchObject({
			event: 'message',
			type: 'text',
			text: 'hi\nmy order #123\narrived broken',
			messageId: `wamid.burst-${process.pid}-${sent}`,
			messageCount: 3,
			isNewConversation: true,
			customerPhone: '+16505551234',
		});
		const messages = item.json.messages as IDataObject[];
		expect(messages.map((one) => one.text)).toEqual(['hi', 'my order #123', 'arrived broken']);
		expect(messages.map((one) => one.isNewConversation)).toEqual([true, false, false]);
		expect(new Set(messages.map((one) => one.conversationId))).toEqual(new Set([item.json.conversationId]));
		expect(other.json.text).toBe(item.json.text);
		expect(first.active.recorder.emitted[0].deduplicationKey).toMatch(/:burst:\d+$/);

		await first.harness.webhook(signed(message('hello?')));
		const [[next]] = await first.active.nextEmit(5000);
		expect(next.json).toMatchObject({ text: 'hello?', messageCount: 1, isNewConversation: false });
		await pause(1500);
		expect(first.active.recorder.emitted).toHaveLength(2);
		expect(second.active.recorder.emitted).toHaveLength(2);
	});

	it('emits statuses at once, and one message per execution when the option is 0', async () => {
		const combined = await activeTrigger('wf-burst-status', { ...COMBINE, includeStatuses: true });
		const single = await activeTrigger('wf-single', {});
		await combined.harness.webhook(signed(message('one')));
		await combined.harness.webhook(signed(message('two')));
		const body = Buffer.from(
			JSON.stringify({
				object: 'whatsapp_business_account',
				entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, statuses: [{ id: `wamid.burst-${process.pid}-${sent}`, status: 'read', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '16505551234' }] } }] }],
			}),
		);
		await combined.harness.webhook(signed(body));
		const [[status]] = await combined.active.nextEmit(5000);
		expect(status.json).toMatchObject({ event: 'status', status: 'read' });
		const [[burst]] = await combined.active.nextEmit(5000);
		expect(burst.json).toMatchObject({ text: 'one\ntwo', messageCount: 2 });
		const singles: INodeExecutionData[] = [(await single.active.nextEmit(5000))[0][0], (await single.active.nextEmit(5000))[0][0]];
		expect(singles.map((one) => [one.json.text, one.json.messages])).toEqual([
			['one', undefined],
			['two', undefined],
		]);
	});

	it('emits a burst left pending when the workflow stopped once it is active again, and only then', async () => {
		const { harness, active } = await activeTrigger('wf-burst-restart', COMBINE);
		await harness.webhook(signed(message('before')));
		await harness.webhook(signed(message('the restart')));
		await pause(200);
		await active.close();
		await pause(1500);
		expect(active.recorder.emitted).toHaveLength(0);

		const again = await harness.activate();
		try {
			const [[item]] = await again.nextEmit(5000);
			expect(item.json).toMatchObject({ text: 'before\nthe restart', messageCount: 2 });
			await pause(1500);
			expect(again.recorder.emitted).toHaveLength(1);
		} finally {
			await again.close();
		}
	});
});
