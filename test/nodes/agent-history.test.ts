// WhatsApp Conversation's Get History for AI Agent through n8n's own execution engine: the stored
// conversation as AI Reply would send it to the model (failed sends left out, one side's messages
// joined, the answered message and its burst left out, the oldest dropped past the token budget).
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { WhatsAppConversation } from '../../nodes/WhatsAppConversation/WhatsAppConversation.node';
import { BUSINESS, inbound, status, webhookOf } from '../../tools/traffic/builders';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { runWorkflow } from './support/workflow-runner';

const HOUR = 3_600_000;
const MARIA = '16505551234';
const AT = Date.UTC(2026, 0, 1, 12, 0, 0);

const wa = useWhatsAppFixture();

async function customerSays(wamid: string, text: string, at: number): Promise<void> {
	await wa.store.ingest(webhookOf({ messages: [inbound({ wamid, customerId: MARIA, text, timestamp: at })] }), { now: at, inactivityTimeoutMs: HOUR });
}

async function businessSays(wamid: string, text: string, at: number): Promise<void> {
	const message = { wamid, businessAccountId: BUSINESS.businessAccountId, phoneNumberId: BUSINESS.phoneNumberId, customerId: MARIA, type: 'text', text, payload: {}, timestamp: at };
	await wa.store.recordOutbound(message, { now: at, inactivityTimeoutMs: HOUR });
}

/** Maria's conversation: a question answered, a failed send, then a burst of two messages. */
async function seedConversation(): Promise<string> {
	await customerSays('wamid.q1', 'Do you ship to Spain?', AT);
	await businessSays('wamid.a1', 'Yes, in 3 days.', AT + 1000);
	await businessSays('wamid.a2', 'Anything else?', AT + 2000);
	await businessSays('wamid.failed', 'This one never arrived.', AT + 3000);
	await wa.store.ingest(webhookOf({ statuses: [status('wamid.failed', 'failed', { timestamp: AT + 3500 })] }), { now: AT + 3500, inactivityTimeoutMs: HOUR });
	await customerSays('wamid.b1', 'Great.', AT + 4000);
	await customerSays('wamid.b2', 'How much is it?', AT + 5000);
	const conversation = await wa.store.findOpenConversation(BUSINESS.phoneNumberId, MARIA);
	if (conversation === null) throw new Error('no conversation');
	return conversation.id;
}

async function run(parameters: INodeParameters, input: IDataObject) {
	const node = whatsAppNode('History', 'whatsAppConversation', { operation: 'getAgentHistory', ...parameters });
	const result = await runWorkflow({
		nodeTypes: { whatsAppConversation: new WhatsAppConversation() },
		credentialTypes,
		credentials: wa.credentials(),
		workflow: { nodes: [node], connections: {} },
		inputItems: [{ json: input }],
	});
	return result.itemsOf('History').map((item) => item.json);
}

const conversationId = (id: string) => ({ __rl: true, mode: 'id', value: id });

describe('WhatsApp Conversation: get history for AI Agent', () => {
	it("ends before the message the Agent answers and leaves out its burst, in AI Reply's roles and order", async () => {
		const id = await seedConversation();
		// Message Received's item for a burst: the answered message id is the burst's last.
		const burst = { conversationId: id, messageId: 'wamid.b2', messages: [{ messageId: 'wamid.b1' }, { messageId: 'wamid.b2' }] };
		const [item] = await run({ conversationId: conversationId('={{ $json.conversationId }}') }, burst);
		expect(item).toMatchObject({ conversationId: id, status: 'open', aiEnabled: true, dropped: 0 });
		expect(item.messages).toEqual([
			{ role: 'user', content: 'Do you ship to Spain?' },
			{ role: 'assistant', content: 'Yes, in 3 days.\nAnything else?' },
		]);
		expect(item.historyText).toBe('Customer: Do you ship to Spain?\nBusiness: Yes, in 3 days.\nAnything else?');
		expect(item.tokens).toBeGreaterThan(0);
	});

	it('returns the whole conversation without a message id, and keeps the newest within the token budget', async () => {
		const id = await seedConversation();
		const [whole] = await run({ conversationId: conversationId(id), messageId: '' }, {});
		expect(whole.messages).toEqual([
			{ role: 'user', content: 'Do you ship to Spain?' },
			{ role: 'assistant', content: 'Yes, in 3 days.\nAnything else?' },
			{ role: 'user', content: 'Great.\nHow much is it?' },
		]);
		const [fitted] = await run({ conversationId: conversationId(id), messageId: '', historyTokenBudget: 12 }, {});
		expect(fitted.messages).toEqual([{ role: 'user', content: 'Great.\nHow much is it?' }]);
		expect(fitted.dropped).toBe(2);
	});

	it('reports an unknown conversation as an error item when the node continues on fail', async () => {
		const node = whatsAppNode('History', 'whatsAppConversation', { operation: 'getAgentHistory', conversationId: conversationId('nope') }, { onError: 'continueRegularOutput' });
		const result = await runWorkflow({
			nodeTypes: { whatsAppConversation: new WhatsAppConversation() },
			credentialTypes,
			credentials: wa.credentials(),
			workflow: { nodes: [node], connections: {} },
			inputItems: [{ json: {} }],
		});
		expect(result.itemsOf('History')[0].json.error).toMatch(/No conversation with id "nope"/);
	});
});
