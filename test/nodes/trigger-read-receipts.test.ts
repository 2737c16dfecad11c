// Message Received's read receipt and typing indicator, through n8n-core's trigger machinery against
// the Meta simulator: on by default in new nodes only, once per message across workflows, and never
// in the way of the emit.
import { randomUUID } from 'node:crypto';

import type { INodeParameters } from 'n8n-workflow';

import { waitFor } from '../store-conformance/conformance';
import { textSampleWith, useMessageTriggers } from './support/message-triggers';
import { useWhatsAppFixture } from './support/whatsapp-fixture';

const wa = useWhatsAppFixture();
const triggers = useMessageTriggers(wa, 'read-receipt-secret', 'read-receipt-verify-token');
const { signed } = triggers;
const CURRENT = { typeVersion: 1.1 };

/** A node of the current version (Mark as Read on unless `parameters` say otherwise). */
const currentTrigger = (workflowId: string, parameters: INodeParameters = {}) => triggers.activeTrigger(workflowId, parameters, CURRENT);

/** A customer message Meta knows (so it accepts a read receipt for it), as its webhook delivery. */
function customerMessage(known = true): { wamid: string; body: Buffer } {
	const wamid = `wamid.read-${randomUUID()}`;
	if (known) {
		wa.simulator.state.inbound.push({ wamid, phoneNumberId: wa.simulator.phoneNumberId, from: '16505551234', type: 'text', at: wa.simulator.now() });
	}
	return { wamid, body: textSampleWith((text) => [{ ...text, id: wamid }]) };
}

const receiptsFor = (wamid: string) => wa.simulator.state.readReceipts.filter((receipt) => receipt.wamid === wamid);
const isReadReceipt = (request: { body: unknown }) => (request.body as { status?: string } | null)?.status === 'read';
const readRequestsFor = (wamid: string) => wa.simulator.requests.filter((request) => isReadReceipt(request) && (request.body as { message_id?: string }).message_id === wamid);
const settle = () => new Promise((wait) => setTimeout(wait, 400));

describe('Message Received: Mark as Read', () => {
	it('marks the message read when the workflow starts, on by default in new nodes', async () => {
		const { harness, active } = await currentTrigger('wf-read-default');
		const { wamid, body } = customerMessage();
		await harness.webhook(signed(body));
		const [[item]] = await active.nextEmit(5000);
		expect(item.json.messageId).toBe(wamid);
		await waitFor(() => receiptsFor(wamid).length > 0, 5000);
		expect(receiptsFor(wamid)).toEqual([expect.objectContaining({ typingIndicator: false })]);
	});

	it('keeps the former behaviour in a version 1 node (no read receipt) and when turned off', async () => {
		const old = await triggers.activeTrigger('wf-read-v1');
		const off = await currentTrigger('wf-read-off', { markAsRead: false });
		const { wamid, body } = customerMessage();
		await old.harness.webhook(signed(body));
		await old.active.nextEmit(5000);
		await off.active.nextEmit(5000);
		await settle();
		expect(readRequestsFor(wamid)).toEqual([]);
	});

	it('shows the typing indicator with the read receipt when asked', async () => {
		const { harness, active } = await currentTrigger('wf-read-typing', { typingIndicator: true });
		const { wamid, body } = customerMessage();
		await harness.webhook(signed(body));
		await active.nextEmit(5000);
		await waitFor(() => receiptsFor(wamid).length > 0, 5000);
		expect(receiptsFor(wamid)).toEqual([expect.objectContaining({ typingIndicator: true })]);
		expect(readRequestsFor(wamid).at(-1)?.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: wamid, typing_indicator: { type: 'text' } });
	});

	it('sends one read receipt for a message that starts several workflows', async () => {
		const first = await currentTrigger('wf-read-fan-a', { typingIndicator: true });
		const second = await currentTrigger('wf-read-fan-b', { typingIndicator: true });
		const third = await currentTrigger('wf-read-fan-c');
		const { wamid, body } = customerMessage();
		await first.harness.webhook(signed(body));
		for (const { active } of [first, second, third]) expect((await active.nextEmit(5000))[0][0].json.messageId).toBe(wamid);
		await waitFor(() => receiptsFor(wamid).length > 0, 5000);
		await settle();
		expect(receiptsFor(wamid)).toEqual([expect.objectContaining({ typingIndicator: true })]);
	});

	it('emits without waiting for a slow read receipt', async () => {
		const { harness, active } = await currentTrigger('wf-read-slow');
		const { wamid, body } = customerMessage();
		wa.simulator.failNext(1, { delayMs: 3000, match: isReadReceipt });
		const started = Date.now();
		await harness.webhook(signed(body));
		await active.nextEmit(5000);
		expect(Date.now() - started).toBeLessThan(2500);
		expect(receiptsFor(wamid)).toEqual([]);
		await waitFor(() => receiptsFor(wamid).length > 0, 6000);
	});

	it('emits as usual when Meta refuses the read receipt, and logs why without the token', async () => {
		const { harness, active } = await currentTrigger('wf-read-refused');
		const unknown = customerMessage(false);
		await harness.webhook(signed(unknown.body));
		expect((await active.nextEmit(5000))[0][0].json.messageId).toBe(unknown.wamid);
		await waitFor(() => harness.logs.some((log) => log.message.includes('could not mark message')), 5000);
		const warnings = harness.logs.filter((log) => log.level === 'warn').map((log) => log.message);
		expect(warnings).toEqual([expect.stringMatching(new RegExp(`could not mark message ${unknown.wamid.replace(/[.]/g, '\\.')} as read: META_131009`))]);
		expect(JSON.stringify(harness.logs)).not.toContain(wa.simulator.accessToken);

		// A server failure (tried again, then given up) does not hold back the next message either.
		wa.simulator.failNext(3, { code: 131000, match: isReadReceipt });
		const next = customerMessage();
		await harness.webhook(signed(next.body));
		expect((await active.nextEmit(5000))[0][0].json.messageId).toBe(next.wamid);
		expect(active.recorder.failedExecutions).toEqual([]);
		await waitFor(() => harness.logs.some((log) => log.message.includes(`could not mark message ${next.wamid}`)), 10_000);
		expect(readRequestsFor(next.wamid)).toHaveLength(3);
	});
});
