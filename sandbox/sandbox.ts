/**
 * The sandbox: a real n8n with this package installed as a community package, the Meta Cloud API
 * simulator standing in for WhatsApp (with the phone-style chat page), an OpenAI-compatible model (the
 * user's, or an offline stand-in), credentials and the example workflows of sandbox/workflows, all on
 * 127.0.0.1. `npm start` runs it (sandbox/start.ts); the browser tests start it the same way.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

import type { ConversationRecord } from '../core/conversation/types';
import { openConversationStore } from '../core/conversation/open';
import { ConversationService } from '../core/conversation/service';
import type { ConversationStore } from '../core/conversation/store';
import { startN8n, type N8nServer, type Owner, type WorkflowJson } from '../tools/n8n-harness/n8n-server';
import { startMetaSimulator, type MetaSimulator } from '../tools/meta-simulator/meta-simulator';
import { triggerSubscriberId } from '../nodes/shared/trigger/subscriber-id';
import { createChatRoutes, digits, type ChatCustomer, type ChatRoutes, type JumpResult } from './chat/chat-routes';
import { startStandInModel, type StandInModel } from './stand-in-model';

export const PACKAGE_ROOT = resolve(__dirname, '..');
export const PACKAGE_NAME = 'n8n-nodes-whatsapp-conversations';
export const WORKFLOWS_DIR = join(__dirname, 'workflows');

export const SANDBOX_OWNER: Owner = {
	email: 'sandbox@example.com',
	firstName: 'Sandbox',
	lastName: 'Owner',
	password: 'Sandbox-Passw0rd!',
};

const APP_SECRET = 'sandbox-app-secret';
const VERIFY_TOKEN = 'sandbox-verify-token';
const WHATSAPP_CREDENTIAL = 'whatsAppConversationsApi';
const OPENAI_CREDENTIAL = 'openAiCompatibleApi';
/** n8n's own OpenAI credential, for the AI Agent variant's OpenAI Chat Model. */
const N8N_OPENAI_CREDENTIAL = 'openAiApi';
/** Conversations end after this much silence (Conversation Ended → CRM row). */
const INACTIVITY_MINUTES = 5;
const HOUR_MS = 3_600_000;

export const WORKFLOWS = {
	bot: { file: 'ai-support-bot.json', label: 'AI support bot' },
	agent: { file: 'ai-agent-support-bot.json', label: 'AI support bot, AI Agent variant' },
	crm: { file: 'crm-sync.json', label: 'CRM sync (CSV)' },
	reengage: { file: 're-engagement.json', label: 'Re-engagement (templates)' },
	away: { file: 'away-message.json', label: 'Away message (business hours)' },
	booking: { file: 'booking.json', label: 'Booking (Send and Wait)' },
	usage: { file: 'usage-summary.json', label: 'Daily usage summary' },
} as const;
export type WorkflowKey = keyof typeof WORKFLOWS;

/**
 * The AI support bot (AI Reply) and its AI Agent variant: their triggers have the same webhook URL, the
 * simulator's callback URL, so n8n publishes only one of them and a message is answered once. The
 * sandbox publishes the chosen one (`npm start -- --ai-agent`: the variant) and unpublishes the other.
 */
export type SupportBot = Extract<WorkflowKey, 'bot' | 'agent'>;
const SUPPORT_BOTS: readonly SupportBot[] = ['bot', 'agent'];

/** The bot's Message Received trigger: its production URL is the simulator's webhook target. */
const BOT_TRIGGER = 'WhatsApp Message Received';
const REENGAGE_TRIGGER = 'Every 10 Minutes';
const CRM_COLUMNS = [
	'ended_at',
	'conversation_id',
	'customer_phone',
	'customer_name',
	'reason',
	'messages',
	'duration_seconds',
	'summary',
	'extracted_variables',
	'input_variables',
	'transcript',
];

export interface OpenAiSettings {
	apiKey: string;
	baseUrl?: string;
	model?: string;
}

export interface SandboxOptions {
	/** Where n8n's user folder, the conversation store and the CRM file live (kept across starts). */
	stateDir: string;
	/** Start from nothing: the state folder is emptied first. */
	reset?: boolean;
	/** Preferred ports (a busy one falls back to a free one); 0 picks a free port. */
	n8nPort?: number;
	chatPort?: number;
	/** A real OpenAI-compatible model; without it an offline stand-in answers. */
	openAi?: OpenAiSettings;
	/** The support bot to publish: the AI Reply one (default) or its AI Agent variant. */
	supportBot?: SupportBot;
	/** Use the PostgreSQL store (needs the credential's PostgreSQL option). */
	postgres?: { connectionString: string };
	log?: (line: string) => void;
}

export interface Sandbox {
	n8n: N8nServer;
	simulator: MetaSimulator;
	chat: ChatRoutes;
	standInModel: StandInModel | null;
	store: ConversationStore;
	owner: Owner;
	urls: { editor: string; chat: string; workflows: Record<WorkflowKey, string> };
	workflowIds: Record<WorkflowKey, string>;
	/** `openAi` is this package's OpenAI-compatible credential; `n8nOpenAi` is n8n's own, for its OpenAI Chat Model. */
	credentialIds: { whatsApp: string; openAi: string; n8nOpenAi: string };
	/** The support bot published now. */
	supportBot: SupportBot;
	/**
	 * Publishes this support bot and unpublishes the other. The one published starts with new messages:
	 * what the other answered meanwhile is not answered again.
	 */
	useSupportBot(bot: SupportBot): Promise<void>;
	crmCsvPath: string;
	storeDescription: string;
	modelDescription: string;
	/** How long n8n took to start (ms). */
	n8nStartMs: number;
	/** Ages a customer's chat (what the page's "25 hours later" does): a phone number, or the page's customer. */
	jump(customer: string | ChatCustomer, hours: number): Promise<JumpResult>;
	stop(): Promise<void>;
}

interface SavedState {
	credentials?: { whatsApp?: string; openAi?: string; n8nOpenAi?: string };
	workflows?: Partial<Record<WorkflowKey, string>>;
}

type Json = Record<string, unknown>;

/** `preferred` when it is free on 127.0.0.1, otherwise any free port. */
export function portOr(preferred: number): Promise<number> {
	const probe = (port: number) =>
		new Promise<number>((resolvePort, reject) => {
			const server = createServer();
			server.unref();
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				const address = server.address();
				server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
			});
		});
	return preferred === 0 ? probe(0) : probe(preferred).catch(() => probe(0));
}

/** Whether the built WhatsApp credential offers the PostgreSQL store (older builds have SQLite only). */
export function credentialOffersPostgres(): boolean {
	const file = join(PACKAGE_ROOT, 'dist/credentials/WhatsAppConversationsApi.credentials.js');
	if (!existsSync(file)) return false;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const loaded = require(file) as Record<string, new () => { properties: Array<{ name: string; options?: Array<{ value?: unknown }> }> }>;
	const credential = Object.values(loaded)[0];
	const engine = credential === undefined ? undefined : new credential().properties.find((property) => property.name === 'storeEngine');
	return engine?.options?.some((option) => option.value === 'postgres') ?? false;
}

/** The sandbox's own schema, so its conversations never mix with a real store's in the same database. */
export const SANDBOX_PG_SCHEMA = 'whatsapp_conversations_sandbox';

/**
 * The sandbox's "later": this customer's records age by `ms`, as if everything had happened that long
 * ago: the last inbound message (the 24-hour window) and the open conversation's last activity (the
 * inactivity timeout). Written through the store's own transaction primitives, so any engine does it.
 */
async function ageCustomer(store: ConversationStore, phoneNumberId: string, customerId: string, ms: number): Promise<ConversationRecord | null> {
	// Below the lifecycle rules, in the engine's own transaction: the sandbox is the one place that may rewrite time.
	if (!(store instanceof ConversationService)) throw new Error('This store engine cannot be aged.');
	const { storage }: ConversationService = store;
	return storage.write(async (tx) => {
		const contact = await tx.getContact(phoneNumberId, customerId);
		if (contact?.lastInboundAt != null) await tx.putContact({ ...contact, lastInboundAt: contact.lastInboundAt - ms }, Date.now());
		const open = await tx.findOpenConversation(phoneNumberId, customerId);
		if (open === null) return null;
		const aged = { ...open, startedAt: open.startedAt - ms, lastMessageAt: open.lastMessageAt - ms };
		await tx.updateConversation(aged);
		return aged;
	});
}

function readWorkflow(key: WorkflowKey): WorkflowJson {
	return JSON.parse(readFileSync(join(WORKFLOWS_DIR, WORKFLOWS[key].file), 'utf8')) as WorkflowJson;
}

/** The workflow file wired to this sandbox: credentials by id, the CRM file path, the model name. */
function wireWorkflow(workflow: WorkflowJson, wiring: { whatsApp: string; openAi: string; n8nOpenAi: string; crmCsvPath: string; model?: string }): WorkflowJson {
	const nodes = workflow.nodes.map((node) => {
		const copy: Json = JSON.parse(JSON.stringify(node)) as Json;
		const credentials = copy.credentials as Record<string, { id: string; name: string }> | undefined;
		if (credentials?.[WHATSAPP_CREDENTIAL]) credentials[WHATSAPP_CREDENTIAL] = { id: wiring.whatsApp, name: 'WhatsApp (sandbox simulator)' };
		if (credentials?.[OPENAI_CREDENTIAL]) credentials[OPENAI_CREDENTIAL] = { id: wiring.openAi, name: 'OpenAI-compatible (sandbox)' };
		if (credentials?.[N8N_OPENAI_CREDENTIAL]) credentials[N8N_OPENAI_CREDENTIAL] = { id: wiring.n8nOpenAi, name: 'OpenAI (sandbox)' };
		const parameters = copy.parameters as Json;
		if (copy.type === 'n8n-nodes-base.readWriteFile') parameters.fileName = wiring.crmCsvPath;
		if (String(copy.type).endsWith('.whatsAppAiReply') && wiring.model) parameters.model = wiring.model;
		if (copy.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi' && wiring.model) parameters.model = { __rl: true, mode: 'id', value: wiring.model };
		if (String(copy.type).endsWith('.whatsAppConversationEndedTrigger') && wiring.model && parameters.extractVariables) parameters.extractionModel = wiring.model;
		return copy;
	});
	return { ...workflow, nodes };
}

type Cleanups = Array<() => Promise<void> | void>;
type Log = (line: string) => void;
type CredentialIds = Sandbox['credentialIds'];
type WorkflowIds = Record<WorkflowKey, string>;

/** The model the workflows call: its key, address and name (none: each workflow's own). */
interface ModelSettings {
	apiKey: string;
	baseUrl: string;
	name: string | undefined;
}

/** The state folder (emptied first on `reset`), with what an earlier start saved and the CRM file. */
function prepareStateDir(options: SandboxOptions) {
	const stateDir = resolve(options.stateDir);
	if (options.reset) rmSync(stateDir, { recursive: true, force: true });
	mkdirSync(stateDir, { recursive: true });
	const statePath = join(stateDir, 'state.json');
	const saved: SavedState = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as SavedState) : {};
	const crmDir = join(stateDir, 'crm');
	mkdirSync(crmDir, { recursive: true });
	const crmCsvPath = join(crmDir, 'conversations.csv');
	if (!existsSync(crmCsvPath)) writeFileSync(crmCsvPath, `${CRM_COLUMNS.join(',')}\n`);
	const storePath = join(stateDir, 'conversations.sqlite');
	return { stateDir, statePath, saved, crmDir, crmCsvPath, storePath };
}

/** The WhatsApp credential's store fields for PostgreSQL, or null for the SQLite file. */
function postgresCredentialData(postgres: SandboxOptions['postgres']): Json | null {
	if (!postgres) return null;
	if (!credentialOffersPostgres()) throw new Error('The PostgreSQL store is not available in this build yet: run the sandbox without --postgres.');
	return {
		storeEngine: 'postgres',
		postgresConnectionString: postgres.connectionString,
		postgresSsl: 'disable',
		postgresSchema: SANDBOX_PG_SCHEMA,
	};
}

/** The model: the user's, or the offline stand-in (started here, closed by `cleanups`). */
async function startModel(openAi: OpenAiSettings | undefined, cleanups: Cleanups): Promise<{ standInModel: StandInModel | null; model: ModelSettings }> {
	if (openAi) return { standInModel: null, model: { apiKey: openAi.apiKey, baseUrl: openAi.baseUrl ?? 'https://api.openai.com/v1', name: openAi.model } };
	const standInModel = await startStandInModel();
	cleanups.push(() => standInModel.close());
	return { standInModel, model: { apiKey: 'sandbox-stand-in', baseUrl: standInModel.url, name: undefined } };
}

/** The chat page, served by the simulator, drives the simulator and the sandbox: both exist once started. */
function sandboxChatRoutes(live: { sandbox?: Sandbox; simulator?: MetaSimulator }): ChatRoutes {
	return createChatRoutes({
		simulator: () => {
			if (!live.simulator) throw new Error('the simulator is not running');
			return live.simulator;
		},
		onJump: (customer, hours) => {
			if (!live.sandbox) throw new Error('the sandbox is still starting');
			return live.sandbox.jump(customer, hours);
		},
		links: () => {
			const running = live.sandbox;
			if (!running) return {};
			return {
				'n8n editor': running.urls.editor,
				...Object.fromEntries((Object.keys(WORKFLOWS) as WorkflowKey[]).map((key) => [`Workflow: ${WORKFLOWS[key].label}`, running.urls.workflows[key]])),
			};
		},
	});
}

/** The Meta Cloud API simulator, which also serves the chat page. */
function startChatSimulator(chat: ChatRoutes, port: number): Promise<MetaSimulator> {
	return startMetaSimulator({
		webhook: { appSecret: APP_SECRET, statuses: { stages: ['sent', 'delivered'], delayMs: 300 } },
		extraRoutes: (request, response, rawBody) => chat.handle(request, response, rawBody),
		port,
	});
}

/** n8n, with the package installed the way Community Nodes installs it. */
function startSandboxN8n(stateDir: string, crmDir: string, port: number): Promise<N8nServer> {
	return startN8n({
		communityPackages: [PACKAGE_ROOT],
		userFolder: join(stateDir, 'n8n'),
		port,
		owner: SANDBOX_OWNER,
		env: {
			// Read/Write Files from Disk may touch the CRM folder only.
			N8N_RESTRICT_FILE_ACCESS_TO: crmDir,
			// The store file sits beside the sandbox's state, outside n8n's user folder: allow that folder.
			WHATSAPP_CONVERSATIONS_STORE_DIRS: stateDir,
		},
	});
}

/** The WhatsApp credential pointing at the simulator, with the store `storeData` names. */
function whatsAppCredentialData(meta: MetaSimulator, storeData: Json): Json {
	return {
		provider: 'custom',
		baseUrl: meta.url,
		apiVersion: 'v25.0',
		accessToken: meta.accessToken,
		phoneNumberId: meta.phoneNumberId,
		businessAccountId: meta.businessAccountId,
		appSecret: APP_SECRET,
		verifyToken: VERIFY_TOKEN,
		messagingTier: 'TIER_250',
		inactivityTimeoutMinutes: INACTIVITY_MINUTES,
		...storeData,
	};
}

/** Credentials: created once, brought up to date on every start (ports and keys may change). */
async function upsertCredentials(n8n: N8nServer, saved: SavedState, data: { whatsApp: Json; openAi: Json; n8nOpenAi: Json }, log: Log): Promise<CredentialIds> {
	const upsertCredential = async (id: string | undefined, type: string, name: string, credentialData: Json): Promise<string> => {
		if (id !== undefined) {
			try {
				await n8n.rest('PATCH', `/credentials/${id}`, { name, type, data: credentialData });
				return id;
			} catch (error) {
				log(`credential ${name} is recreated (${error instanceof Error ? error.message.slice(0, 120) : String(error)})`);
			}
		}
		return n8n.createCredential(type, name, credentialData);
	};
	return {
		whatsApp: await upsertCredential(saved.credentials?.whatsApp, WHATSAPP_CREDENTIAL, 'WhatsApp (sandbox simulator)', data.whatsApp),
		openAi: await upsertCredential(saved.credentials?.openAi, OPENAI_CREDENTIAL, 'OpenAI-compatible (sandbox)', data.openAi),
		n8nOpenAi: await upsertCredential(saved.credentials?.n8nOpenAi, N8N_OPENAI_CREDENTIAL, 'OpenAI (sandbox)', data.n8nOpenAi),
	};
}

/** Workflows: imported once (the user's edits in the editor stay); a saved one n8n no longer has is imported again. */
async function importWorkflows(n8n: N8nServer, saved: SavedState, wiring: Parameters<typeof wireWorkflow>[1], log: Log): Promise<WorkflowIds> {
	const workflowIds = {} as WorkflowIds;
	for (const key of Object.keys(WORKFLOWS) as WorkflowKey[]) {
		let id = saved.workflows?.[key];
		if (id !== undefined) {
			try {
				await n8n.api('GET', `/workflows/${id}`);
			} catch {
				id = undefined;
			}
		}
		if (id === undefined) {
			const workflow = wireWorkflow(readWorkflow(key), wiring);
			id = await n8n.importWorkflow(workflow);
			log(`imported workflow "${workflow.name}"`);
		}
		workflowIds[key] = id;
	}
	return workflowIds;
}

/** Activated on every start, but the support bots (publishSupportBot); one that fails is logged and the others still run. */
async function activateWorkflows(n8n: N8nServer, workflowIds: WorkflowIds, log: Log): Promise<void> {
	for (const key of Object.keys(WORKFLOWS) as WorkflowKey[]) {
		if ((SUPPORT_BOTS as readonly WorkflowKey[]).includes(key)) continue;
		try {
			await n8n.activate(workflowIds[key]);
		} catch (error) {
			log(`workflow ${WORKFLOWS[key].label} could not be activated: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
}

/**
 * Publishes `bot` and unpublishes the other support bot first (n8n refuses two workflows with one
 * webhook URL). A bot that was unpublished gets its triggers' cursors dropped before it is published:
 * a trigger catches up on what happened while its workflow was inactive, which here would answer again
 * every message the other bot answered meanwhile. Without its cursor it starts with new messages.
 */
async function publishSupportBot(n8n: N8nServer, store: ConversationStore, workflowIds: WorkflowIds, bot: SupportBot): Promise<void> {
	const workflow = (key: SupportBot) => n8n.api<{ active: boolean; nodes: Array<{ id: string; type: string }> }>('GET', `/workflows/${workflowIds[key]}`);
	for (const other of SUPPORT_BOTS) {
		if (other !== bot && (await workflow(other)).active) await n8n.deactivate(workflowIds[other]);
	}
	const chosen = await workflow(bot);
	if (!chosen.active) {
		for (const node of chosen.nodes) {
			if (node.type.startsWith(`${PACKAGE_NAME}.`) && node.type.endsWith('Trigger')) await store.unsubscribe(triggerSubscriberId(workflowIds[bot], node.id));
		}
	}
	// n8n may still hold the other bot's webhook for a moment after unpublishing it (409 conflict).
	const deadline = Date.now() + 15_000;
	for (;;) {
		try {
			await n8n.activate(workflowIds[bot]);
			return;
		} catch (error) {
			if (Date.now() > deadline || !/→ 409/.test(error instanceof Error ? error.message : String(error))) throw error;
			await new Promise((wait) => setTimeout(wait, 500));
		}
	}
}

/** The simulator's memory of open 24-hour windows, restored from the store's last day. */
async function reopenWindows(store: ConversationStore, meta: MetaSimulator): Promise<void> {
	for (const conversation of await store.listConversations({ phoneNumberId: meta.phoneNumberId, since: Date.now() - 24 * HOUR_MS, limit: 500 })) {
		const contact = await store.getContact(meta.phoneNumberId, conversation.customerId);
		if (contact?.lastInboundAt != null && !meta.state.lastInboundAt.has(conversation.customerId)) meta.openWindow(conversation.customerId, contact.lastInboundAt);
	}
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
	const log = options.log ?? (() => undefined);
	const { stateDir, statePath, saved, crmDir, crmCsvPath, storePath } = prepareStateDir(options);

	const cleanups: Cleanups = [];
	const stop = async () => {
		for (const cleanup of cleanups.splice(0).reverse()) {
			try {
				await cleanup();
			} catch (error) {
				log(`while stopping: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
	};

	try {
		const postgresData = postgresCredentialData(options.postgres);
		const { standInModel, model } = await startModel(options.openAi, cleanups);

		// Ports first: the simulator must know the trigger URL on n8n's port before either starts.
		const n8nPort = await portOr(options.n8nPort ?? 5678);
		const live: { sandbox?: Sandbox; simulator?: MetaSimulator } = {};
		const chat = sandboxChatRoutes(live);
		cleanups.push(() => chat.close());
		const meta = await startChatSimulator(chat, await portOr(options.chatPort ?? 5680));
		live.simulator = meta;
		cleanups.push(() => meta.close());

		const started = Date.now();
		const n8n = await startSandboxN8n(stateDir, crmDir, n8nPort);
		const n8nStartMs = Date.now() - started;
		cleanups.push(() => n8n.stop());

		const credentialIds = await upsertCredentials(
			n8n,
			saved,
			{
				whatsApp: whatsAppCredentialData(meta, postgresData ?? { storeEngine: 'sqlite', sqlitePath: storePath }),
				openAi: { apiKey: model.apiKey, baseUrl: model.baseUrl, organization: '' },
				// Its Base URL sends the OpenAI Chat Model's requests to the same model.
				n8nOpenAi: { apiKey: model.apiKey, url: model.baseUrl, header: false },
			},
			log,
		);
		const workflowIds = await importWorkflows(n8n, saved, { ...credentialIds, crmCsvPath, model: model.name }, log);
		writeFileSync(statePath, `${JSON.stringify({ credentials: credentialIds, workflows: workflowIds } satisfies SavedState, null, '\t')}\n`);

		// The sandbox's own handle on the store (time travel, support bot switches, the simulator's memory of open windows).
		const store = openConversationStore(
			options.postgres ? { engine: 'postgres', connectionString: options.postgres.connectionString, schema: SANDBOX_PG_SCHEMA } : { engine: 'sqlite', path: storePath },
		);
		cleanups.push(() => store.close());

		await activateWorkflows(n8n, workflowIds, log);
		let supportBot = options.supportBot ?? 'bot';
		try {
			await publishSupportBot(n8n, store, workflowIds, supportBot);
		} catch (error) {
			log(`workflow ${WORKFLOWS[supportBot].label} could not be activated: ${error instanceof Error ? error.message : String(error)}`);
		}

		// Meta calls the bot's trigger: its production URL is the "callback URL" of this fake Meta app.
		const bot = readWorkflow('bot').nodes.find((node) => node.name === BOT_TRIGGER);
		meta.configureWebhook({ url: n8n.webhookUrl(`${String(bot?.webhookId)}/webhook`) });

		await reopenWindows(store, meta);

		// A failed run of an example workflow shows in the customer's chat (with the node and the reason),
		// so a broken edit in the editor is not silent there.
		const reportFailures = await watchFailedExecutions(n8n, workflowIds, (phone, text) => chat.note(phone, text));
		cleanups.push(reportFailures);

		const editor = n8n.baseUrl;
		const sandbox: Sandbox = {
			n8n,
			simulator: meta,
			chat,
			standInModel,
			store,
			owner: SANDBOX_OWNER,
			urls: {
				editor,
				chat: `${meta.url}/chat`,
				workflows: Object.fromEntries((Object.keys(WORKFLOWS) as WorkflowKey[]).map((key) => [key, `${editor}/workflow/${workflowIds[key]}`])) as WorkflowIds,
			},
			workflowIds,
			credentialIds,
			get supportBot() {
				return supportBot;
			},
			useSupportBot: async (bot) => {
				await publishSupportBot(n8n, store, workflowIds, bot);
				supportBot = bot;
			},
			crmCsvPath,
			storeDescription: options.postgres
				? `PostgreSQL ${redactPassword(options.postgres.connectionString)}, schema ${SANDBOX_PG_SCHEMA}`
				: `embedded SQLite (${storePath})`,
			modelDescription: options.openAi
				? `${model.baseUrl} with your OPENAI_API_KEY${model.name ? ` (model ${model.name})` : ''}`
				: `offline stand-in model at ${model.baseUrl} (canned answers, labelled in every reply; set OPENAI_API_KEY for a real model)`,
			n8nStartMs,
			jump: (who, hours) => jumpAhead(sandbox, who, hours),
			stop,
		};
		live.sandbox = sandbox;
		return sandbox;
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * What the chat page's "25 hours later" does: ages the customer's chat by `hours`, runs the inactivity
 * sweep and the re-engagement workflow at once, and tells the chat what happened.
 */
async function jumpAhead(sandbox: Sandbox, who: string | ChatCustomer, hours: number): Promise<JumpResult> {
	const { simulator: meta, store, chat, n8n, workflowIds, crmCsvPath } = sandbox;
	// A username customer is known to the business (and its store) by the BSUID only.
	const customerId = typeof who === 'string' ? digits(who) : (who.userId ?? who.phone);
	const ms = hours * HOUR_MS;
	const notes: string[] = [];
	const lastInbound = meta.state.lastInboundAt.get(meta.state.userKey(customerId));
	if (lastInbound !== undefined) meta.openWindow(customerId, lastInbound - ms);
	const aged = await ageCustomer(store, meta.phoneNumberId, customerId, ms);
	notes.push(`${hours} hours later: the 24-hour window is closed`);
	chat.note(customerId, notes[0]);
	// The inactivity sweep the Conversation Ended trigger runs, done at once.
	const closed = await store.sweepIdleConversations({ now: Date.now(), inactivityTimeoutMs: INACTIVITY_MINUTES * 60_000, phoneNumberId: meta.phoneNumberId });
	if (aged !== null && closed.some((conversation) => conversation.id === aged.id)) {
		const note = 'Conversation ended (inactivity): the CRM sync workflow appends it to the CSV file';
		notes.push(note);
		chat.note(customerId, note);
		void waitForCsvRow(crmCsvPath, aged.id, 20_000).then((found) => {
			if (found) chat.note(customerId, `CRM row written to ${crmCsvPath}`);
		});
	}
	// The re-engagement schedule, run now (by its trigger's name: an edit in the editor may rename it).
	let run = 'Re-engagement workflow ran: outside the window only an approved template may be sent';
	try {
		await n8n.runManually(workflowIds.reengage, REENGAGE_TRIGGER);
	} catch (error) {
		run = `The re-engagement workflow could not be run from here (${error instanceof Error ? error.message.slice(0, 160) : String(error)}); its schedule still runs it`;
	}
	notes.push(run);
	chat.note(customerId, run);
	return { notes };
}

function redactPassword(connectionString: string): string {
	try {
		const url = new URL(connectionString);
		if (url.password) url.password = '***';
		return url.toString();
	} catch {
		return '(connection string)';
	}
}

type RunData = Record<string, Array<{ data?: { main: Array<Array<{ json: Json }> | null> } }>>;

/** The customer of a run: the first item with a customerPhone (or, for a username customer, customerId), in node order. */
function customerOfRun(runData: RunData): string | null {
	for (const runs of Object.values(runData)) {
		for (const output of runs[0]?.data?.main ?? []) {
			const json = output?.[0]?.json;
			const id = json?.customerPhone ?? json?.customerId;
			if (typeof id === 'string' && id !== '') return id;
		}
	}
	return null;
}

async function watchFailedExecutions(n8n: N8nServer, workflowIds: Record<WorkflowKey, string>, report: (phone: string, text: string) => void): Promise<() => void> {
	const seen = new Set<string>();
	const poll = async (announce: boolean) => {
		for (const key of Object.keys(WORKFLOWS) as WorkflowKey[]) {
			const query = new URLSearchParams({ workflowId: workflowIds[key], status: 'error', includeData: 'true', limit: '20' });
			const page = await n8n.api<{ data: Array<{ id: string; data?: { resultData: { runData: RunData; error?: { message: string }; lastNodeExecuted?: string } } }> }>('GET', `/executions?${query}`);
			for (const execution of page.data) {
				if (seen.has(execution.id)) continue;
				seen.add(execution.id);
				const result = execution.data?.resultData;
				const phone = result ? customerOfRun(result.runData) : null;
				if (announce && phone !== null) {
					report(phone, `⚠ n8n: "${WORKFLOWS[key].label}" failed at "${result?.lastNodeExecuted ?? '?'}": ${result?.error?.message ?? 'see the execution in the editor'}`);
				}
			}
		}
	};
	await poll(false).catch(() => undefined);
	let busy = false;
	const timer = setInterval(() => {
		if (busy) return;
		busy = true;
		void poll(true)
			.catch(() => undefined)
			.finally(() => (busy = false));
	}, 2000);
	timer.unref();
	return () => clearInterval(timer);
}

async function waitForCsvRow(path: string, conversationId: string, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (existsSync(path) && readFileSync(path, 'utf8').includes(conversationId)) return true;
		await new Promise((done) => setTimeout(done, 500));
	}
	return false;
}
