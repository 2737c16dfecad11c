// WhatsApp Conversation through n8n's own execution engine, on the embedded store in a temporary
// folder; conversations come from the store's ingest and from WhatsApp Send Template against the
// Meta simulator.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { ConversationRecord } from '../../core/conversation/types';
import { WhatsAppConversation } from '../../nodes/WhatsAppConversation/WhatsAppConversation.node';
import { WhatsAppSendTemplate } from '../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { BUSINESS, inbound, webhookOf } from '../../tools/traffic/builders';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { chain, loadOptionsContext, runWorkflow, type WorkflowNode } from './support/workflow-runner';

const nodeTypes = { whatsAppConversation: new WhatsAppConversation(), whatsAppSendTemplate: new WhatsAppSendTemplate() };
const HOUR = 3_600_000;
const MARIA = '16505551234';
const JUAN = '34612345678';
/** A customer who uses a WhatsApp username: known by this business-scoped user id only. */
const BSUID = 'US.13491208655302741918';

const wa = useWhatsAppFixture();
beforeEach(async () => {
	await wa.store.subscribe('test', 'now');
});


const byId = (value: string, mode = 'id') => ({ __rl: true, mode, value });

function conversationNode(parameters: INodeParameters, settings: Partial<WorkflowNode> = {}): WorkflowNode {
	return whatsAppNode('Conversation', 'whatsAppConversation', parameters, settings);
}

/** A Send Template node named Send, for the conversations a business opens. */
function templateNode(to: string, template: string, values: Record<string, string>, settings: Partial<WorkflowNode> = {}): WorkflowNode {
	const variables = { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] };
	return whatsAppNode('Send', 'whatsAppSendTemplate', { to, template: byId(template, 'list'), variables }, settings);
}

/** Runs one node, or several chained in order, on the input items. */
async function run(nodes: WorkflowNode | WorkflowNode[], inputItems: IDataObject[] = [{}]) {
	const chained = [nodes].flat();
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: wa.credentials(),
		workflow: { nodes: chained, connections: chain(...chained.map((node) => node.name)) },
		inputItems: inputItems.map((json) => ({ json })),
	});
}

/** Customer messages into the store as the webhook ingress would put them; returns the conversation. */
async function customerSays(customerId: string, texts: string[], at = Date.now(), name = 'Maria'): Promise<ConversationRecord> {
	for (const [offset, text] of texts.entries()) {
		await wa.store.ingest(webhookOf({ messages: [inbound({ customerId, customerName: name, text, timestamp: at + offset * 1000 })] }), {
			now: at + offset * 1000,
			inactivityTimeoutMs: HOUR,
		});
	}
	const conversation = await wa.store.findOpenConversation(BUSINESS.phoneNumberId, customerId);
	if (conversation === null) throw new Error('no conversation');
	return conversation;
}

async function businessSays(customerId: string, text: string, at: number): Promise<void> {
	await wa.store.recordOutbound(
		{
			wamid: `wamid.out-${at}`,
			businessAccountId: BUSINESS.businessAccountId,
			phoneNumberId: BUSINESS.phoneNumberId,
			customerId,
			type: 'text',
			text,
			payload: {},
			timestamp: at,
		},
		{ now: at, inactivityTimeoutMs: HOUR },
	);
}

describe('WhatsApp Conversation: get', () => {
	it('returns the conversation with its transcript as items and as text', async () => {
		const at = Date.now() - 60_000;
		const conversation = await customerSays(MARIA, ['Hi, is my order on its way?'], at);
		await businessSays(MARIA, 'Yes, it arrives tomorrow.', at + 30_000);

		const result = await run(conversationNode({ operation: 'get', conversationId: byId(conversation.id) }));
		expect(result.status).toBe('success');
		const [item] = result.itemsOf('Conversation');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			conversationId: conversation.id,
			status: 'open',
			customerId: MARIA,
			customerPhone: `+${MARIA}`,
			customerName: 'Maria',
			phoneNumberId: BUSINESS.phoneNumberId,
			initiatedBy: 'customer',
			startedAt: new Date(at).toISOString(),
			lastMessageAt: new Date(at + 30_000).toISOString(),
			closedAt: null,
			messageCount: 2,
			aiEnabled: true,
			transcriptText: 'Customer: Hi, is my order on its way?\nBusiness: Yes, it arrives tomorrow.',
		});
		expect(item.json.transcript).toEqual([
			{ direction: 'inbound', type: 'text', text: 'Hi, is my order on its way?', timestamp: new Date(at).toISOString(), status: null, wamid: expect.any(String), delivery: null },
			{
				direction: 'outbound',
				type: 'text',
				text: 'Yes, it arrives tomorrow.',
				timestamp: new Date(at + 30_000).toISOString(),
				status: 'accepted',
				wamid: `wamid.out-${at + 30_000}`,
				// Meta has reported nothing yet: accepted when sent.
				delivery: { status: 'accepted', at: new Date(at + 30_000).toISOString(), errorCode: null, errorTitle: null, errorDetails: null, failureReason: null, fixHint: null },
			},
		]);
		expect(item.json.failedMessages).toBe(0);
	});

	it('keeps the latest messages within the limit, or leaves the transcript out', async () => {
		const conversation = await customerSays(MARIA, ['one', 'two', 'three']);
		const limited = await run(conversationNode({ operation: 'get', conversationId: byId(conversation.id), transcriptLimit: 2 }));
		expect(limited.itemsOf('Conversation')[0].json.transcriptText).toBe('Customer: two\nCustomer: three');

		const bare = await run(conversationNode({ operation: 'get', conversationId: byId(conversation.id), includeTranscript: false }));
		expect(bare.itemsOf('Conversation')[0].json).not.toHaveProperty('transcript');
		expect(bare.itemsOf('Conversation')[0].json).toMatchObject({ conversationId: conversation.id, messageCount: 3 });
	});

	it('reads the template a Send Template node just sent, by the id it output', async () => {
		const result = await run([
			templateNode(`+${MARIA}`, 'order_tracking|en_US', { 'body.1': 'SKBUP2', 'button.0': 'SKBUP2' }),
			conversationNode({ operation: 'get', conversationId: byId('={{ $json.conversationId }}') }),
		]);
		expect(result.status).toBe('success');
		expect(result.itemsOf('Conversation')[0].json).toMatchObject({
			initiatedBy: 'business',
			messageCount: 1,
			transcriptText: 'Business: [template order_tracking]',
		});
	});
});

describe('WhatsApp Conversation: list', () => {
	it('filters by status, customer (any phone format) and time, newest first', async () => {
		const old = Date.now() - 3 * HOUR;
		const first = await customerSays(MARIA, ['first'], old);
		await wa.store.closeConversation(first.id, { now: old + 1000 });
		const second = await customerSays(MARIA, ['second']);
		const juan = await customerSays(JUAN, ['hola'], Date.now() + 1000, 'Juan');

		const ids = async (parameters: INodeParameters) =>
			(await run(conversationNode({ operation: 'list', returnAll: true, ...parameters }))).itemsOf('Conversation').map((item) => item.json.conversationId);

		expect(await ids({})).toEqual([juan.id, second.id, first.id]);
		expect(await ids({ filters: { status: 'open' } })).toEqual([juan.id, second.id]);
		expect(await ids({ filters: { status: 'closed' } })).toEqual([first.id]);
		expect(await ids({ filters: { customer: '+1 (650) 555-1234' } })).toEqual([second.id, first.id]);
		expect(await ids({ filters: { customer: '0034 612 345 678' } })).toEqual([juan.id]);
		expect(await ids({ filters: { since: new Date(old + HOUR).toISOString() } })).toEqual([juan.id, second.id]);
		expect(await ids({ filters: { customer: 'US.1349120865530274' } })).toEqual([]);
		// A username customer's conversation, by the business-scoped user id the trigger gave.
		await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: BSUID, customerWaId: null, customerUserId: BSUID, text: 'hey', timestamp: Date.now() + 2000 })] }), {
			now: Date.now() + 2000,
			inactivityTimeoutMs: HOUR,
		});
		const username = await wa.store.findOpenConversation(BUSINESS.phoneNumberId, BSUID);
		expect(await ids({ filters: { customer: ` ${BSUID} ` } })).toEqual([username?.id]);
		// Another business number's conversations are not listed.
		expect(await ids({ sender: byId('999999999999') })).toEqual([]);
	});

	it('pages through more than one store page with Return All, and stops at the limit otherwise', async () => {
		const base = Date.now() - HOUR;
		for (let index = 0; index < 130; index++) {
			await wa.store.ingest(webhookOf({ messages: [inbound({ customerId: `1650555${String(index).padStart(4, '0')}`, timestamp: base + index })] }), {
				now: base + index,
				inactivityTimeoutMs: HOUR,
			});
		}
		const all = await run(conversationNode({ operation: 'list', returnAll: true }));
		const ids = all.itemsOf('Conversation').map((item) => item.json.conversationId);
		expect(ids).toHaveLength(130);
		expect(new Set(ids).size).toBe(130);
		expect(all.itemsOf('Conversation').every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);

		const limited = await run(conversationNode({ operation: 'list', limit: 5 }));
		expect(limited.itemsOf('Conversation').map((item) => item.json.customerId)).toEqual(
			[129, 128, 127, 126, 125].map((index) => `1650555${String(index).padStart(4, '0')}`),
		);
	});

	it('refuses a Since that is not a date', async () => {
		const result = await run(conversationNode({ operation: 'list', filters: { since: 'yesterday-ish' } }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('"yesterday-ish" is not a date and time');
	});
});

describe('WhatsApp Conversation: close and AI replies', () => {
	it('closes once, fires Conversation Ended with reason manual, and is idempotent', async () => {
		const conversation = await customerSays(MARIA, ['bye']);
		const first = await run(conversationNode({ operation: 'close', conversationId: byId(conversation.id) }));
		expect(first.itemsOf('Conversation')[0].json).toMatchObject({ status: 'closed', closeReason: 'manual', closedNow: true, closedAt: expect.any(String) });

		const again = await run(conversationNode({ operation: 'close', conversationId: byId(conversation.id) }));
		expect(again.itemsOf('Conversation')[0].json).toMatchObject({ status: 'closed', closedNow: false });

		const { events } = await wa.store.readEvents('test', { types: ['conversation.ended'] });
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({ type: 'conversation.ended', conversationId: conversation.id, payload: { reason: 'manual' } });
	});

	it('turns AI replies off and on again', async () => {
		const conversation = await customerSays(MARIA, ['I want a human']);
		const off = await run(conversationNode({ operation: 'setAi', conversationId: byId(conversation.id), aiEnabled: false }));
		expect(off.itemsOf('Conversation')[0].json).toMatchObject({ conversationId: conversation.id, aiEnabled: false });
		expect((await wa.store.getConversation(conversation.id))?.aiEnabled).toBe(false);

		const on = await run(conversationNode({ operation: 'setAi', conversationId: byId('={{ $json.id }}'), aiEnabled: '={{ $json.ai }}' }), [
			{ id: conversation.id, ai: true },
		]);
		expect(on.itemsOf('Conversation')[0].json.aiEnabled).toBe(true);
	});

	it.each(['get', 'close', 'setAi'])('%s: an unknown id is CONVERSATION_NOT_FOUND, as an item or as the error', async (operation) => {
		const continuing = await run(conversationNode({ operation, conversationId: byId('={{ $json.id }}') }, { continueOnFail: true }), [
			{ id: 'nope' },
			{ id: '' },
		]);
		expect(continuing.status).toBe('success');
		expect(continuing.itemsOf('Conversation')).toEqual([
			{ json: expect.objectContaining({ code: 'CONVERSATION_NOT_FOUND', error: 'No conversation with id "nope" exists in the conversation store' }), pairedItem: { item: 0 } },
			{ json: expect.objectContaining({ code: 'CONVERSATION_NOT_FOUND', error: 'No conversation id was given' }), pairedItem: { item: 1 } },
		]);

		const failing = await run(conversationNode({ operation, conversationId: byId('nope') }));
		expect(failing.status).toBe('error');
		expect(failing.error?.message).toBe('No conversation with id "nope" exists in the conversation store');
		expect(failing.error?.description).toContain('(code CONVERSATION_NOT_FOUND)');
	});
});

describe('WhatsApp Conversation: opt-out and opt-in', () => {
	it('opts a customer out of marketing templates and in again, with any phone format', async () => {
		const out = await run(conversationNode({ operation: 'optOut', customer: '+1 650-555-1234' }));
		expect(out.itemsOf('Conversation')).toEqual([
			{
				json: {
					phoneNumberId: wa.simulator.phoneNumberId,
					customerId: MARIA,
					customerPhone: `+${MARIA}`,
					customerName: null,
					optedOut: true,
					optedOutAt: expect.any(String),
					lastInboundAt: null,
				},
				pairedItem: { item: 0 },
			},
		]);
		expect((await wa.store.getContact(wa.simulator.phoneNumberId, MARIA))?.optedOut).toBe(true);

		const marketing = await sendMarketingTemplate(`+${MARIA}`);
		expect(marketing.itemsOf('Send')[0].json.code).toBe('CONTACT_OPTED_OUT');

		const back = await run(conversationNode({ operation: 'optIn', customer: MARIA }));
		expect(back.itemsOf('Conversation')[0].json).toMatchObject({ customerId: MARIA, optedOut: false, optedOutAt: null });
	});

	/** A marketing template through Send Template, failing items kept: what an opt-out must stop. */
	function sendMarketingTemplate(to: string) {
		return run(templateNode(to, 'seasonal_promotion|en_US', { 'body.1': 'summer', 'body.2': '20%' }, { continueOnFail: true }));
	}

	it('keeps the contact it knows: name and last message', async () => {
		await customerSays(MARIA, ['STOP please not yet'], Date.now(), 'Maria');
		const out = await run(conversationNode({ operation: 'optOut', customer: `+${MARIA}`, sender: byId(wa.simulator.phoneNumberId) }));
		expect(out.itemsOf('Conversation')[0].json).toMatchObject({ customerName: 'Maria', optedOut: true, lastInboundAt: expect.any(String) });
	});

	it('opts a username customer out by their business-scoped user id, and their marketing templates stop', async () => {
		const out = await run(conversationNode({ operation: 'optOut', customer: BSUID }));
		expect(out.itemsOf('Conversation')[0].json).toMatchObject({ customerId: BSUID, customerPhone: null, optedOut: true });
		const marketing = await sendMarketingTemplate(BSUID);
		expect(marketing.itemsOf('Send')[0].json.code).toBe('CONTACT_OPTED_OUT');
		expect(wa.simulator.sentTo(BSUID)).toHaveLength(0);
	});

	it('refuses a customer that is neither a phone number nor a business-scoped user id', async () => {
		const result = await run(conversationNode({ operation: 'optOut', customer: '={{ $json.phone }}' }, { continueOnFail: true }), [
			{ phone: 'call me' },
			{ phone: '12345' },
			{ phone: `+${JUAN}` },
		]);
		expect(result.itemsOf('Conversation').map((item) => [item.json.code ?? item.json.customerId, item.pairedItem])).toEqual([
			['INVALID_RECIPIENT', { item: 0 }],
			['INVALID_PHONE_NUMBER', { item: 1 }],
			[JUAN, { item: 2 }],
		]);
		const failing = await run(conversationNode({ operation: 'optOut', customer: 'call me' }));
		expect(failing.error?.name).toBe('NodeOperationError');
		expect(failing.error?.description).toMatch(/\+16505551234.*US\.13491208655302741918/);
	});
});

describe('WhatsApp Conversation: picking a conversation in the editor', () => {
	it('lists the latest conversations of the credential number, searchable by name or phone', async () => {
		const maria = await customerSays(MARIA, ['hi'], Date.now() - 1000, 'Maria');
		const juan = await customerSays(JUAN, ['hola'], Date.now(), 'Juan');
		const node = conversationNode({ operation: 'get', conversationId: byId('', 'list') });
		const context = await loadOptionsContext({ nodeTypes, credentials: wa.credentials(), credentialTypes, node, parameterPath: 'parameters.conversationId' });
		const search = nodeTypes.whatsAppConversation.methods.listSearch.searchConversations;

		const all = await search.call(context);
		expect(all.results.map((result) => result.value)).toEqual([juan.id, maria.id]);
		expect(all.results[0].name).toMatch(/^Juan \(\+34612345678\) · open · \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
		expect((await search.call(context, 'maria')).results.map((result) => result.value)).toEqual([maria.id]);
		expect((await search.call(context, '3461')).results.map((result) => result.value)).toEqual([juan.id]);
	});
});
