// Every active trigger keeps its store bounded with its credential's retention (core/conversation/maintenance.ts
// does the pruning and has its own tests); this checks the wiring through n8n-core's trigger machinery.
import * as maintenance from '../../core/conversation/maintenance';
import { WhatsAppConversationEndedTrigger } from '../../nodes/WhatsAppConversationEndedTrigger/WhatsAppConversationEndedTrigger.node';
import { WhatsAppMessageReceivedTrigger } from '../../nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
import { createTriggerHarness } from './support/trigger-runner';
import { credentialTypes, useWhatsAppFixture } from './support/whatsapp-fixture';

const DAY = 24 * 60 * 60 * 1000;
const wa = useWhatsAppFixture();

describe('retention on active triggers', () => {
	afterEach(() => jest.restoreAllMocks());

	it("starts the store's maintenance with the credential's retention while a trigger is active, and ends it on deactivation", async () => {
		const releases: jest.Mock[] = [];
		const spy = jest.spyOn(maintenance, 'maintainStore').mockImplementation(() => {
			const release = jest.fn(async () => undefined);
			releases.push(release);
			return release;
		});
		const credentials = wa.credentials({ appSecret: 'secret', verifyToken: 'token', retentionDays: 30, forgetInactiveTriggersAfterDays: 3 });
		const triggers = await Promise.all(
			[new WhatsAppConversationEndedTrigger(), new WhatsAppMessageReceivedTrigger()].map((nodeType, index) =>
				createTriggerHarness({ nodeType, node: { parameters: {}, webhookId: `hook-${index}` }, credentials, credentialTypes, workflowId: `wf-${index}` }),
			),
		);
		const active = await Promise.all(triggers.map((trigger) => trigger.activate()));

		expect(spy).toHaveBeenCalledTimes(2);
		for (const [store, policy] of spy.mock.calls) {
			expect(store).toBe(wa.store);
			expect(policy).toEqual({ phoneNumberId: wa.simulator.phoneNumberId, keepMessagesMs: 30 * DAY, forgetInactiveTriggersAfterMs: 3 * DAY });
		}
		await Promise.all(active.map((trigger) => trigger.close()));
		expect(releases.map((release) => release.mock.calls.length)).toEqual([1, 1]);
	});
});
