import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { signPayload } from '../../../core/webhook/signature';
import { WhatsAppMessageReceivedTrigger } from '../../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { createTriggerHarness } from './trigger-runner';
import { credentialTypes, type WhatsAppFixture } from './whatsapp-fixture';
import type { WorkflowNode } from './workflow-runner';

/** Meta's documented text webhook, its messages replaced by what `messages` makes of its text message. */
export function textSampleWith(messages: (text: IDataObject) => IDataObject[]): Buffer {
	const path = resolve(__dirname, '../../fixtures/meta-samples/meta_docs_text.json');
	const payload = JSON.parse(readFileSync(path, 'utf8')) as {
		entry: Array<{ changes: Array<{ value: { messages: IDataObject[] } }> }>;
	};
	const value = payload.entry[0].changes[0].value;
	value.messages = messages(value.messages[0]);
	return Buffer.from(JSON.stringify(payload));
}

/**
 * Message Received triggers activated through n8n-core on the fixture's store, with deliveries signed by
 * `appSecret`. Each is deactivated after its test, a failed one too, or it would keep jest alive; call
 * after useWhatsAppFixture, so that this runs before the fixture drops the store.
 */
export function useMessageTriggers(wa: WhatsAppFixture, appSecret: string, verifyToken: string) {
	const actives: Array<{ close(): Promise<void> }> = [];
	afterEach(async () => {
		for (const active of actives.splice(0)) await active.close();
	});
	return {
		/** `node`: further node settings, e.g. the typeVersion (1 unless given). */
		async activeTrigger(workflowId: string, parameters: INodeParameters = {}, node: Partial<WorkflowNode> = {}) {
			const harness = await createTriggerHarness({
				nodeType: new WhatsAppMessageReceivedTrigger(),
				node: { parameters, webhookId: `hook-${workflowId}`, ...node },
				credentials: wa.credentials({ appSecret, verifyToken }),
				credentialTypes,
				workflowId,
			});
			const active = await harness.activate();
			actives.push(active);
			return { harness, active };
		},
		signed(body: Buffer) {
			return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, appSecret) } };
		},
	};
}
