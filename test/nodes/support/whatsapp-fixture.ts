import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { WhatsAppConversationsApi } from '../../../credentials/WhatsAppConversationsApi.credentials';
import { acquireStore, releaseStore } from '../../../core/conversation/open';
import type { ConversationStore } from '../../../core/conversation/store';
import { STORE_DIRS_ENV } from '../../../nodes/shared/store-path';
import { startMetaSimulator, type MetaSimulator, type MetaSimulatorOptions } from '../../../tools/meta-simulator/meta-simulator';
import type { CredentialDataMap } from './credentials-helper';
import type { WorkflowNode } from './workflow-runner';

export const credentialTypes = { whatsAppConversationsApi: new WhatsAppConversationsApi() };

/** The credential reference a node of this package carries in a test workflow. */
export const whatsAppCredentialRef = { whatsAppConversationsApi: { id: '1', name: 'WhatsApp' } };

/** A node of this package in a test workflow, carrying the test's credential. */
export function whatsAppNode(name: string, type: string, parameters: INodeParameters, settings: Partial<WorkflowNode> = {}): WorkflowNode {
	return { name, type, parameters, credentials: whatsAppCredentialRef, ...settings };
}

export interface WhatsAppFixture {
	readonly simulator: MetaSimulator;
	/** The test's own store file, fresh for every test. */
	readonly sqlitePath: string;
	/** The same store the nodes use (shared within the process), open for the test. */
	readonly store: ConversationStore;
	/** WhatsApp credential data pointing at the simulator and the test's store. */
	credentials(overrides?: IDataObject): CredentialDataMap;
}

/**
 * Node tests' common ground: one Meta simulator per file, a fresh store file per test, and a
 * credential wired to both. Call at the top of a test file.
 */
export function useWhatsAppFixture(simulatorOptions: MetaSimulatorOptions = {}): WhatsAppFixture {
	let simulator: MetaSimulator | undefined;
	let folder = '';
	let sqlitePath = '';
	let store: ConversationStore | undefined;

	beforeAll(async () => {
		simulator = await startMetaSimulator(simulatorOptions);
	});
	afterAll(async () => {
		await simulator?.close();
	});
	let allowedBefore: string | undefined;
	beforeEach(() => {
		// The real path: the nodes resolve links in a Store File Path, and one file must be one store.
		folder = realpathSync(mkdtempSync(join(tmpdir(), 'wa-node-test-')));
		sqlitePath = join(folder, 'store.sqlite');
		store = acquireStore({ engine: 'sqlite', path: sqlitePath });
		// Outside the n8n user folder, so the folder is allowed as an operator would allow it.
		allowedBefore = process.env[STORE_DIRS_ENV];
		process.env[STORE_DIRS_ENV] = folder;
	});
	afterEach(async () => {
		if (allowedBefore === undefined) delete process.env[STORE_DIRS_ENV];
		else process.env[STORE_DIRS_ENV] = allowedBefore;
		if (store) await releaseStore(store);
		rmSync(folder, { recursive: true, force: true });
	});

	const fixture: WhatsAppFixture = {
		get simulator() {
			if (!simulator) throw new Error('the simulator starts in beforeAll');
			return simulator;
		},
		get sqlitePath() {
			return sqlitePath;
		},
		get store() {
			if (!store) throw new Error('the store opens in beforeEach');
			return store;
		},
		credentials(overrides = {}) {
			const sim = fixture.simulator;
			return {
				whatsAppConversationsApi: {
					provider: 'custom',
					baseUrl: sim.url,
					accessToken: sim.accessToken,
					phoneNumberId: sim.phoneNumberId,
					businessAccountId: sim.businessAccountId,
					messagingTier: 'TIER_250',
					inactivityTimeoutMinutes: 60,
					sqlitePath,
					...overrides,
				},
			};
		},
	};
	return fixture;
}
