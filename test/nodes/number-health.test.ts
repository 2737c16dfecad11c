// The Automatic messaging tier and the Conversation node's Get Number Health through n8n's own
// execution engine, against the Meta simulator over HTTP, on a fresh embedded store per test.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { clearMessagingLimitReads } from '../../core/number-health';
import { WhatsAppConversation } from '../../nodes/WhatsAppConversation/WhatsAppConversation.node';
import { WhatsAppSendTemplate } from '../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { credentialTypes, useWhatsAppFixture, whatsAppNode } from './support/whatsapp-fixture';
import { chain, runWorkflow, type WorkflowNode } from './support/workflow-runner';

const nodeTypes = { whatsAppConversation: new WhatsAppConversation(), whatsAppSendTemplate: new WhatsAppSendTemplate() };
const wa = useWhatsAppFixture();

beforeEach(() => {
	// Each test starts as a fresh process would: no read of Meta's limit yet (the store is new too).
	clearMessagingLimitReads();
	wa.simulator.state.messagingLimit = 'TIER_250';
	wa.simulator.clearFaults();
});

const healthNode = (parameters: INodeParameters = {}): WorkflowNode => whatsAppNode('Health', 'whatsAppConversation', { operation: 'getNumberHealth', ...parameters });

function sendNode(to: string): WorkflowNode {
	const variables = { mappingMode: 'defineBelow', value: null, matchingColumns: [], schema: [] };
	return whatsAppNode('Send', 'whatsAppSendTemplate', { to, template: { __rl: true, mode: 'list', value: 'hello_world|en_US' }, variables });
}

async function run(node: WorkflowNode, credential: IDataObject = {}) {
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: wa.credentials(credential),
		workflow: { nodes: [node], connections: chain(node.name) },
		inputItems: [{ json: {} }],
	});
}

/** The credential as a new one is saved: every field but the tier, which takes the default. */
const AUTOMATIC = { messagingTier: undefined };

describe('Automatic messaging tier', () => {
	it('is the default: a credential that never stored a tier follows Meta', async () => {
		wa.simulator.state.messagingLimit = 'TIER_2K';
		const result = await run(sendNode('16505550101'), AUTOMATIC);
		expect(result.itemsOf('Send')[0].json.dailyLimit).toEqual({
			counted: true,
			used: 1,
			limit: 2000,
			remaining: 1999,
			tier: 'TIER_2K',
			limitSource: 'meta',
			limitKnownAt: expect.any(String),
		});
		expect(await wa.store.getMessagingLimit(wa.simulator.businessAccountId)).toMatchObject({ tier: 'TIER_2K', reportedBy: 'graphApi' });
	});

	it("refuses beyond Meta's limit, and a tier picked in the credential still wins", async () => {
		wa.simulator.state.messagingLimit = 'TIER_250';
		// 250 customers already reached in the last 24 hours (the daily limit's own reservations).
		for (let index = 0; index < 250; index++) {
			await wa.store.reserveDailyLimit({ scope: wa.simulator.businessAccountId, customerId: `1650555${String(index).padStart(4, '0')}`, tier: 'TIER_250', now: Date.now() });
		}
		const refused = await run({ ...sendNode('34612345678'), continueOnFail: true }, AUTOMATIC);
		expect(refused.itemsOf('Send')[0].json).toMatchObject({ code: 'DAILY_LIMIT_REACHED' });
		const picked = await run(sendNode('34612345678'), { messagingTier: 'TIER_2K' });
		expect(picked.itemsOf('Send')[0].json.dailyLimit).toEqual({ counted: true, used: 251, limit: 2000, remaining: 1749, tier: 'TIER_2K' });
	});

	it('falls back to the last known limit when Meta cannot be reached, and says so', async () => {
		wa.simulator.state.messagingLimit = 'TIER_10K';
		await run(healthNode(), AUTOMATIC);
		clearMessagingLimitReads();
		wa.simulator.failNext(3, { code: 131000 });
		const result = await run(sendNode('16505550102'), AUTOMATIC);
		expect(result.itemsOf('Send')[0].json.dailyLimit).toMatchObject({
			limit: 10000,
			tier: 'TIER_10K',
			limitSource: 'lastKnown',
			limitProblem: { code: 'META_131000' },
		});
	});
});

describe('WhatsApp Conversation: Get Number Health', () => {
	it("reports Meta's view of the number, its messaging limit and the daily limit's use", async () => {
		const phone = wa.simulator.state.phoneNumbers.get(wa.simulator.phoneNumberId)!;
		phone.quality_rating = 'YELLOW';
		phone.throughput = { level: 'HIGH' };
		wa.simulator.state.messagingLimit = 'TIER_100K';
		await run(sendNode('16505550103'));

		const result = await run(healthNode());
		expect(result.itemsOf('Health')).toHaveLength(1);
		expect(result.itemsOf('Health')[0].json).toEqual({
			phoneNumberId: wa.simulator.phoneNumberId,
			displayPhoneNumber: '15550783881',
			verifiedName: 'Lucky Shrub',
			qualityRating: 'YELLOW',
			status: 'CONNECTED',
			nameStatus: 'APPROVED',
			codeVerificationStatus: 'VERIFIED',
			throughputLevel: 'HIGH',
			messagingLimit: {
				tier: 'TIER_100K',
				limit: 100000,
				reported: 'TIER_100K',
				reportedBy: 'graphApi',
				limitSource: 'meta',
				limitKnownAt: expect.any(String),
			},
			// The fixture's credential picks 250: the sends check against that, whatever Meta allows.
			dailyLimit: { tier: 'TIER_250', tierFrom: 'credential', limit: 250, used: 1, remaining: 249 },
			account: { id: wa.simulator.businessAccountId, name: 'Lucky Shrub', reviewStatus: 'APPROVED' },
			metaError: null,
			checkedAt: expect.any(String),
		});
		phone.quality_rating = 'GREEN';
		phone.throughput = { level: 'STANDARD' };
	});

	it('still answers when Meta cannot be reached: the last known limit, when Meta said it, and why', async () => {
		wa.simulator.state.messagingLimit = 'TIER_2K';
		const first = await run(healthNode(), AUTOMATIC);
		const knownAt = (first.itemsOf('Health')[0].json.messagingLimit as IDataObject).limitKnownAt;

		wa.simulator.failNext(6, { dropConnection: true });
		const result = await run(healthNode(), AUTOMATIC);
		expect(result.itemsOf('Health')[0].json).toMatchObject({
			qualityRating: null,
			status: null,
			messagingLimit: { tier: 'TIER_2K', limit: 2000, reported: null, limitSource: 'lastKnown', limitKnownAt: knownAt, limitProblem: { code: 'NETWORK_ERROR' } },
			dailyLimit: { tier: 'TIER_2K', tierFrom: 'automatic', limit: 2000, used: 0, remaining: 2000 },
			metaError: { code: 'NETWORK_ERROR', message: expect.any(String), hint: expect.any(String) },
		});
	});

	it('with nothing known and Meta unreachable, applies the lowest tier and says so', async () => {
		wa.simulator.failNext(6, { code: 190, httpStatus: 401 });
		const result = await run(healthNode(), AUTOMATIC);
		expect(result.itemsOf('Health')[0].json).toMatchObject({
			messagingLimit: { tier: 'TIER_250', limit: 250, limitSource: 'lowest', limitKnownAt: null, limitProblem: { code: 'META_190' } },
			dailyLimit: { tier: 'TIER_250', tierFrom: 'automatic' },
			metaError: { code: 'META_190' },
		});
	});
});
