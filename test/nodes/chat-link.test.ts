// WhatsApp Conversation's Get Chat Link through n8n's own execution engine: the number Meta reports
// for the phone number id (the Meta simulator's GET /<phone-number-id>) or the one typed in, the wa.me
// link, and a QR code in binary data and as SVG that scans back to the link.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { WhatsAppConversation } from '../../nodes/WhatsAppConversation/WhatsAppConversation.node';
import { defaultPhoneNumbers } from '../../tools/meta-simulator/seed';
import { decodeQrPng, decodeQrSvg } from '../support/qr-decode';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { runWorkflow, type WorkflowNode } from './support/workflow-runner';

const [registered] = defaultPhoneNumbers();
/** A second number of the account, reported formatted as Meta's phone number endpoints do. */
const SECOND = { ...registered, id: '106540352242923', display_phone_number: '+44 20 7946 0958' };

const wa = useWhatsAppFixture({ phoneNumbers: [registered, SECOND] });

function chatLinkNode(parameters: INodeParameters, settings: Partial<WorkflowNode> = {}): WorkflowNode {
	return whatsAppNode('Chat Link', 'whatsAppConversation', { operation: 'getChatLink', ...parameters }, settings);
}

async function run(node: WorkflowNode, inputItems: IDataObject[] = [{}], credentialOverrides: IDataObject = {}) {
	return await runWorkflow({
		nodeTypes: { whatsAppConversation: new WhatsAppConversation() },
		credentialTypes,
		credentials: wa.credentials(credentialOverrides),
		workflow: { nodes: [node], connections: {} },
		inputItems: inputItems.map((json) => ({ json })),
	});
}

/** The PNG bytes n8n keeps for a binary field (inline base64 in the default binary mode). */
function pngOf(item: INodeExecutionData, field = 'data'): Buffer {
	const binary = item.binary?.[field];
	if (binary === undefined) throw new Error(`no binary field ${field}`);
	return Buffer.from(binary.data, 'base64');
}

const lookups = () => wa.simulator.requestsTo('GET', `/${registered.id}`).length + wa.simulator.requestsTo('GET', `/${SECOND.id}`).length;

describe('WhatsApp Conversation: get chat link', () => {
	it("links to the credential's number as Meta reports it, with the item's text, and a QR code that opens the link", async () => {
		const before = lookups();
		// Small images keep the test quick: pngjs packs far slower inside Jest than in n8n.
		const result = await run(chatLinkNode({ text: '={{ $json.text }}', options: { size: 128 } }), [{ text: 'Hi, I want to book a table for 2' }, { text: '' }]);
		expect(result.status).toBe('success');
		const [first, second] = result.itemsOf('Chat Link');
		const link = 'https://wa.me/15550783881?text=Hi%2C%20I%20want%20to%20book%20a%20table%20for%202';
		expect(first.json).toEqual({ link, number: '15550783881', text: 'Hi, I want to book a table for 2', svg: expect.stringMatching(/^<svg /) });
		expect(first.pairedItem).toEqual({ item: 0 });
		expect(first.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'whatsapp-chat-15550783881.png', fileExtension: 'png' });
		expect(decodeQrPng(pngOf(first))).toEqual({ text: link, width: 128, height: 128 });
		expect(decodeQrSvg(String(first.json.svg))).toBe(link);

		expect(second.json).toMatchObject({ link: 'https://wa.me/15550783881', text: '' });
		expect(second.pairedItem).toEqual({ item: 1 });
		expect(decodeQrPng(pngOf(second)).text).toBe('https://wa.me/15550783881');
		// One lookup of the number for the whole execution.
		expect(lookups() - before).toBe(1);
	});

	it("uses the picked business number's formatted display number, the QR options and the binary field asked for", async () => {
		const sender = { __rl: true, mode: 'id', value: SECOND.id };
		const result = await run(chatLinkNode({ sender, text: 'Hola', options: { size: 160, margin: 2, errorCorrection: 'H', binaryPropertyName: 'qr' } }));
		const [item] = result.itemsOf('Chat Link');
		expect(item.json).toMatchObject({ link: 'https://wa.me/442079460958?text=Hola', number: '442079460958' });
		expect(Object.keys(item.binary ?? {})).toEqual(['qr']);
		expect(decodeQrPng(pngOf(item, 'qr'))).toEqual({ text: 'https://wa.me/442079460958?text=Hola', width: 160, height: 160 });
		expect(String(item.json.svg)).toContain('width="160" height="160"');
	});

	it('takes a typed Phone Number as given without asking the API, also with 360dialog', async () => {
		const before = wa.simulator.requests.length;
		const typed = chatLinkNode({ text: 'Hi', options: { phoneNumber: '+1 (650) 555-1234', size: 96 } });
		const meta = await run(typed);
		expect(meta.itemsOf('Chat Link')[0].json).toMatchObject({ link: 'https://wa.me/16505551234?text=Hi', number: '16505551234' });
		const dialog = await run(typed, [{}], { provider: '360dialog' });
		expect(dialog.itemsOf('Chat Link')[0].json).toMatchObject({ number: '16505551234' });
		expect(wa.simulator.requests.length).toBe(before);
	});

	it('names the field to fix: a typed number that is no number, 360dialog without one; other items go on with Continue On Fail', async () => {
		const invalid = await run(chatLinkNode({ options: { phoneNumber: '={{ $json.phone }}', size: 64 } }), [{ phone: '+1 999 555 1234' }]);
		expect(invalid.status).toBe('error');
		expect(invalid.error?.message).toBe('Phone Number: The phone number "+1 999 555 1234" is not a valid phone number.');
		expect(invalid.error?.description).toContain('CHAT_LINK_NUMBER_INVALID');

		const dialog = await run(chatLinkNode({}), [{}], { provider: '360dialog' });
		expect(dialog.error?.message).toBe('360dialog does not report the phone number behind the API key');
		expect(dialog.error?.description).toContain('Set the Phone Number option');

		const continuing = await run(chatLinkNode({ options: { phoneNumber: '={{ $json.phone }}', size: 64 } }, { continueOnFail: true }), [
			{ phone: 'call me' },
			{ phone: '+34 612 34 56 78' },
		]);
		const [failed, made] = continuing.itemsOf('Chat Link');
		expect(failed).toMatchObject({ json: { code: 'CHAT_LINK_NUMBER_INVALID', hint: expect.stringContaining('international') }, pairedItem: { item: 0 } });
		expect(failed.binary).toBeUndefined();
		expect(made).toMatchObject({ json: { link: 'https://wa.me/34612345678' }, pairedItem: { item: 1 } });
		expect(decodeQrPng(pngOf(made)).text).toBe('https://wa.me/34612345678');
	});
});
