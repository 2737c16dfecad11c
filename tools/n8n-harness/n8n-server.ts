/**
 * Starts and drives a real n8n server (the one scripts/ensure-n8n.sh installs in e2e/n8n-server) for the
 * end-to-end suite, the sandbox (`npm start`) and the browser suite: a temporary user folder (or a kept
 * one), free ports (or given ones), offline and headless settings, the package loaded as a custom
 * extension or installed as a community package, an owner (set up, or logged in again) and a public-API
 * key; helpers to import, activate and run workflows and to read their executions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

import { installTarball } from './community-package';

/**
 * The n8n the suite's install (e2e/n8n-server) links to, or another install's folder given in
 * N8N_E2E_INSTALL (scripts/test-matrix.sh runs the smoke suite on other n8n and Node versions).
 */
export const N8N_BIN = process.env.N8N_E2E_INSTALL
	? join(process.env.N8N_E2E_INSTALL, 'node_modules/n8n/bin/n8n')
	: resolve(__dirname, '../../e2e/n8n-server/node_modules/n8n/bin/n8n');

/**
 * The scopes the harness needs (n8n 2.30: @n8n/permissions API_KEY_RESOURCES / OWNER_API_KEY_SCOPES).
 * The key it creates carries every scope the owner may grant (GET /rest/api-keys/scopes), these included.
 */
export const REQUIRED_API_KEY_SCOPES = [
	'workflow:create',
	'workflow:read',
	'workflow:update',
	'workflow:delete',
	'workflow:list',
	'workflow:activate',
	'workflow:deactivate',
	'execution:read',
	'execution:list',
	'credential:create',
	'credential:delete',
];

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export interface StartOptions {
	/**
	 * Folder(s) n8n scans for `**\/*.node.js` and `*.credentials.js` (N8N_CUSTOM_EXTENSIONS); usually
	 * `<package>/dist`. Node types then carry the prefix `CUSTOM.`.
	 */
	customExtensionsDir?: string;
	/**
	 * Package folders (package.json with its `n8n` section, and `dist/`) installed the way n8n's Community
	 * Nodes installs them: into `<user folder>/.n8n/nodes/node_modules/<name>` (package.json copied, dist
	 * linked). Node types then carry the package name (`n8n-nodes-whatsapp-conversations.whatsAppSendMessage`),
	 * as in a user's own n8n.
	 */
	communityPackages?: string[];
	/**
	 * Tarballs (`npm pack`, see community-package.ts) installed as Community Nodes installs a package from
	 * the registry: unpacked into `<user folder>/.n8n/nodes/node_modules/<name>` and its runtime dependencies
	 * installed by npm. Node types carry the package name, as with communityPackages.
	 */
	communityTarballs?: string[];
	/**
	 * A user folder kept across starts (the editor's database, owner, workflows and credentials stay);
	 * default: a fresh temporary folder removed by stop().
	 */
	userFolder?: string;
	/** n8n's port (default: a free one). */
	port?: number;
	/** The owner to set up on a fresh user folder, or to log in as on a kept one (default OWNER). */
	owner?: Owner;
	/** Extra environment for the n8n process (wins over the harness's defaults). */
	env?: Record<string, string>;
	/** Milliseconds to wait for a start (default 120 s; a first start runs the migrations: 10-35 s here). */
	startTimeoutMs?: number;
}

export interface Execution {
	id: string;
	workflowId: string;
	status: string;
	finished: boolean;
	mode: string;
	startedAt: string;
	stoppedAt: string | null;
	/** The run data (`includeData=true`): `data.resultData.runData[<node name>][<run>].data.main[<output>][<item>].json`. */
	data?: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> } }>>;
			error?: { message: string };
			lastNodeExecuted?: string;
		};
	};
	[key: string]: unknown;
}

export interface WorkflowJson {
	name?: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	staticData?: unknown;
	[key: string]: unknown;
}

export interface N8nServer {
	/** `http://127.0.0.1:<port>` (no trailing slash). */
	baseUrl: string;
	port: number;
	/** The N8N_USER_FOLDER (the SQLite database lives in `<userFolder>/.n8n`). */
	userFolder: string;
	/** The owner (log in to the editor with it). */
	owner: Owner;
	/** The server's stdout and stderr, appended across restarts. */
	logFile: string;
	/** The public-API key (header `X-N8N-API-KEY`). */
	apiKey: string;
	/** The pid (and process group id) of the running n8n, undefined once stopped. */
	pid: number | undefined;
	/** How long each start took, in milliseconds (the first includes the migrations). */
	startDurationsMs: number[];
	/** `<baseUrl>/webhook/<path>`; for a node without `isFullPath` the path is `<webhookId>/<path>`. */
	webhookUrl(path: string): string;
	/** `<baseUrl>/webhook-test/<path>`: the URL a manual ("listen for test event") run waits on. */
	webhookTestUrl(path: string): string;
	/** Creates the workflow through the public API; returns its id. Nodes without an `id` get one. */
	importWorkflow(workflow: WorkflowJson): Promise<string>;
	activate(workflowId: string): Promise<void>;
	deactivate(workflowId: string): Promise<void>;
	/** All executions of the workflow with their data, newest first. */
	executions(workflowId: string): Promise<Execution[]>;
	/** Waits until the workflow has at least `count` finished executions (any status but new/running/waiting). */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number): Promise<Execution[]>;
	/** Creates a credential through the public API; returns its id. */
	createCredential(type: string, name: string, data: Record<string, unknown>): Promise<string>;
	/**
	 * What the editor's "Execute workflow" / "Listen for test event" does (POST /rest/workflows/:id/run with
	 * `triggerToStartFrom`): for a node with webhooks n8n answers `{ waitingForWebhook: true }` and waits
	 * (2 minutes) for one call to webhookTestUrl(); otherwise it answers `{ executionId }`.
	 */
	runManually(workflowId: string, triggerNodeName: string): Promise<{ waitingForWebhook?: boolean; executionId?: string }>;
	/** A call to the public API (`/api/v1` + path) with the API key; throws on a non-2xx answer. */
	api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
	/** A call to the editor's REST API (`/rest` + path) as the owner; throws on a non-2xx answer. */
	rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
	/** The node and credential types n8n loaded (the editor's /types/nodes.json and credentials.json). */
	loadedTypes(): Promise<{ nodes: string[]; credentials: string[] }>;
	/** Stops the server (gracefully) and starts it again on the same user folder and port. */
	restart(): Promise<void>;
	/** Stops the server and everything it started; removes the temporary folder unless N8N_E2E_KEEP is set. */
	stop(): Promise<void>;
	/** The last lines of the server log (for error messages). */
	logTail(lines?: number): string;
}

/** The owner the harness sets up (log in to the editor at baseUrl with it when N8N_E2E_KEEP debugging). */
export const OWNER: Owner = {
	email: 'owner@e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Passw0rd!',
};

export async function startN8n(options: StartOptions): Promise<N8nServer> {
	if (!existsSync(N8N_BIN)) {
		throw new Error(`n8n is not installed at ${N8N_BIN}: run \`bash scripts/with-node.sh bash scripts/ensure-n8n.sh\``);
	}
	// n8n runs on this process's Node: it must be one that n8n release accepts (2.x: >= 22.22).
	const n8nManifest = JSON.parse(readFileSync(join(dirname(N8N_BIN), '../package.json'), 'utf8')) as { version: string; engines?: { node?: string } };
	const minimum = /^>=\s*(\d+)\.(\d+)/.exec(n8nManifest.engines?.node ?? '');
	const [major, minor] = process.versions.node.split('.').map(Number);
	if (minimum && (major < Number(minimum[1]) || (major === Number(minimum[1]) && minor < Number(minimum[2])))) {
		throw new Error(`n8n ${n8nManifest.version} needs Node ${n8nManifest.engines?.node}, this is ${process.version}: run the suite under scripts/with-node.sh`);
	}
	const startTimeoutMs = options.startTimeoutMs ?? 120_000;
	const owner = options.owner ?? OWNER;
	// A kept user folder holds its log beside it; a temporary one lives (and goes) with its root.
	const root = options.userFolder === undefined ? mkdtempSync(join(tmpdir(), 'n8n-e2e-')) : undefined;
	const userFolder = options.userFolder ?? join(root as string, 'user');
	mkdirSync(userFolder, { recursive: true });
	const logFile = root === undefined ? join(userFolder, 'n8n.log') : join(root, 'n8n.log');
	for (const packageDir of options.communityPackages ?? []) installCommunityPackage(userFolder, packageDir);
	for (const tarball of options.communityTarballs ?? []) installTarball(userFolder, tarball);
	const port = options.port ?? (await freePort());
	const baseUrl = `http://127.0.0.1:${port}`;
	// Each server needs its own task-runner broker port too (default 5679), or two suites collide.
	const brokerPort = await freePort();
	const browserId = randomUUID();
	let cookie = '';
	let apiKey = '';
	let child: ChildProcess | undefined;
	let exited: Promise<void> = Promise.resolve();
	const startDurations: number[] = [];

	const env = n8nEnv({ userFolder, port, brokerPort, customExtensionsDir: options.customExtensionsDir, env: options.env });

	const logTail = (lines = 60): string => {
		try {
			return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	};

	async function request(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
		return fetch(url, {
			method,
			headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	}

	async function json<T>(response: Response, what: string): Promise<T> {
		const text = await response.text();
		if (!response.ok) throw new Error(`${what} → ${response.status}: ${text.slice(0, 2000)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	async function rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await request(`${baseUrl}/rest${path}`, method, { cookie, 'browser-id': browserId }, body);
		const parsed = await json<{ data: T }>(response, `${method} /rest${path}`);
		return parsed?.data as T;
	}

	async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await request(`${baseUrl}/api/v1${path}`, method, { 'x-n8n-api-key': apiKey }, body);
		return json<T>(response, `${method} /api/v1${path}`);
	}

	async function launch(): Promise<void> {
		// The log is appended across restarts: only what this start writes counts.
		closeSync(openSync(logFile, 'a'));
		const logOffset = statSync(logFile).size;
		const started = Date.now();
		const spawned = spawnN8n('start', env, logFile);
		const proc = spawned.proc;
		child = proc;
		exited = spawned.exited;
		let exitCode: number | null | undefined;
		proc.once('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
		const deadline = started + startTimeoutMs;
		// Ready when the editor's REST API answers and the start-up log line (printed after the active
		// workflows were activated) is there.
		for (;;) {
			if (exitCode !== undefined) throw new Error(`n8n exited during start-up (code ${exitCode}); log ${logFile}:\n${logTail()}`);
			if (Date.now() > deadline) {
				await stopProcess();
				throw new Error(`n8n did not start within ${startTimeoutMs} ms; log ${logFile}:\n${logTail()}`);
			}
			if (readyLine(logFile, logOffset)) {
				try {
					const response = await fetch(`${baseUrl}/healthz/readiness`);
					if (response.ok) break;
				} catch {
					// not listening yet
				}
			}
			await sleep(250);
		}
		startDurations.push(Date.now() - started);
	}

	async function stopProcess(): Promise<void> {
		const proc = child;
		child = undefined;
		if (proc) await stopN8nProcess({ proc, exited });
	}

	const launchAndTrack = async (): Promise<void> => {
		await launch();
		if (child?.pid !== undefined) livePgids.add(child.pid);
	};

	try {
		await launchAndTrack();
		// The owner (set up on a fresh folder, logged in on a kept one), then an API key for the public API.
		const settings = await json<{ data: { userManagement?: { showSetupOnFirstLoad?: boolean } } }>(
			await request(`${baseUrl}/rest/settings`, 'GET', { 'browser-id': browserId }),
			'GET /rest/settings',
		);
		if (settings.data.userManagement?.showSetupOnFirstLoad === false) {
			const login = await request(`${baseUrl}/rest/login`, 'POST', { 'browser-id': browserId }, { emailOrLdapLoginId: owner.email, password: owner.password });
			await json(login, 'POST /rest/login');
			cookie = sessionCookie(login);
		} else {
			const setup = await request(`${baseUrl}/rest/owner/setup`, 'POST', { 'browser-id': browserId }, owner);
			await json(setup, 'POST /rest/owner/setup');
			cookie = sessionCookie(setup);
		}
		const scopes = await rest<string[]>('GET', '/api-keys/scopes');
		const missing = REQUIRED_API_KEY_SCOPES.filter((scope) => !scopes.includes(scope));
		if (missing.length > 0) throw new Error(`the owner may not grant the API key scopes ${missing.join(', ')}`);
		// One key per harness label: a kept folder would otherwise collect one per start.
		const label = root === undefined ? 'harness (kept user folder)' : 'e2e';
		// n8n 2.30 answers { items, counts, ... }; older releases a plain array.
		const existing = await rest<{ items?: Array<{ id: string; label: string }> } | Array<{ id: string; label: string }>>('GET', '/api-keys');
		for (const old of Array.isArray(existing) ? existing : (existing.items ?? [])) {
			if (old.label === label) await rest('DELETE', `/api-keys/${old.id}`);
		}
		const key = await rest<{ rawApiKey: string }>('POST', '/api-keys', { label, expiresAt: null, scopes });
		apiKey = key.rawApiKey;
	} catch (error) {
		await stopProcess();
		throw error;
	}

	const server: N8nServer = {
		baseUrl,
		port,
		userFolder,
		owner,
		logFile,
		get apiKey() {
			return apiKey;
		},
		get pid() {
			return child?.pid;
		},
		startDurationsMs: startDurations,
		webhookUrl: (path) => `${baseUrl}/webhook/${path.replace(/^\/+/, '')}`,
		webhookTestUrl: (path) => `${baseUrl}/webhook-test/${path.replace(/^\/+/, '')}`,
		api,
		rest,
		logTail,
		async loadedTypes() {
			const names = async (file: string): Promise<string[]> => {
				const list = await json<Array<{ name: string }>>(await request(`${baseUrl}/types/${file}`, 'GET', { cookie, 'browser-id': browserId }), `GET /types/${file}`);
				return [...new Set(list.map((type) => type.name))];
			};
			return { nodes: await names('nodes.json'), credentials: await names('credentials.json') };
		},
		async importWorkflow(workflow) {
			const body = {
				name: workflow.name ?? `e2e ${randomBytes(4).toString('hex')}`,
				nodes: workflow.nodes.map((node) => ({ id: randomUUID(), ...node })),
				connections: workflow.connections,
				settings: workflow.settings ?? {},
				...(workflow.staticData === undefined ? {} : { staticData: workflow.staticData }),
			};
			const created = await api<{ id: string }>('POST', '/workflows', body);
			return created.id;
		},
		async activate(workflowId) {
			await api('POST', `/workflows/${workflowId}/activate`);
		},
		async deactivate(workflowId) {
			await api('POST', `/workflows/${workflowId}/deactivate`);
		},
		async executions(workflowId) {
			const all: Execution[] = [];
			let cursor: string | undefined;
			do {
				const query = new URLSearchParams({ workflowId, includeData: 'true', limit: '250' });
				if (cursor) query.set('cursor', cursor);
				const page = await api<{ data: Execution[]; nextCursor: string | null }>('GET', `/executions?${query}`);
				all.push(...page.data);
				cursor = page.nextCursor ?? undefined;
			} while (cursor);
			return all;
		},
		async waitForExecutions(workflowId, count, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			let seen: Execution[] = [];
			for (;;) {
				seen = (await server.executions(workflowId)).filter((e) => !['new', 'running', 'waiting'].includes(e.status));
				if (seen.length >= count) return seen;
				if (Date.now() > deadline) {
					throw new Error(`workflow ${workflowId}: ${seen.length} of ${count} executions after ${timeoutMs} ms; log ${logFile}:\n${logTail(30)}`);
				}
				await sleep(250);
			}
		},
		async runManually(workflowId, triggerNodeName) {
			return rest('POST', `/workflows/${workflowId}/run`, { triggerToStartFrom: { name: triggerNodeName } });
		},
		async createCredential(type, name, data) {
			const created = await api<{ id: string }>('POST', '/credentials', { type, name, data });
			return created.id;
		},
		async restart() {
			await stopProcess();
			await launchAndTrack();
		},
		async stop() {
			await stopProcess();
			if (root !== undefined && !process.env.N8N_E2E_KEEP) rmSync(root, { recursive: true, force: true });
		},
	};
	return server;
}

/** The settings of one n8n process (main, webhook or worker) the harness starts. */
export interface N8nProcessSettings {
	userFolder: string;
	port: number;
	/** The JavaScript task runner's broker port (default 5679: two processes would collide). */
	brokerPort: number;
	customExtensionsDir?: string;
	/** Extra environment (wins over the defaults). */
	env?: Record<string, string>;
}

/** The environment of an n8n process: this Node, offline and headless, on 127.0.0.1. */
export function n8nEnv(settings: N8nProcessSettings): NodeJS.ProcessEnv {
	const baseUrl = `http://127.0.0.1:${settings.port}`;
	return {
		...withoutN8nEnv(process.env),
		// n8n starts its JavaScript task runner as `node` from PATH: the same Node as this one.
		PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
		NODE_ENV: 'production',
		N8N_USER_FOLDER: settings.userFolder,
		...(settings.customExtensionsDir === undefined ? {} : { N8N_CUSTOM_EXTENSIONS: settings.customExtensionsDir }),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(settings.port),
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_RUNNERS_BROKER_PORT: String(settings.brokerPort),
		N8N_LOG_OUTPUT: 'console',
		...settings.env,
	};
}

/** A running n8n command and the promise of its exit. */
export interface N8nProcess {
	proc: ChildProcess;
	exited: Promise<void>;
}

/** Starts `n8n <command>` in a process group of its own (stop reaches its task runner too), logging to `logFile`. */
export function spawnN8n(command: 'start' | 'webhook' | 'worker', env: NodeJS.ProcessEnv, logFile: string): N8nProcess {
	const log = openSync(logFile, 'a');
	const proc = spawn(process.execPath, [N8N_BIN, command], { env, detached: true, stdio: ['ignore', log, log] });
	closeSync(log);
	// Tracked from the spawn on: a test process that exits while n8n is still starting takes it along.
	if (proc.pid !== undefined) livePgids.add(proc.pid);
	const exited = new Promise<void>((resolveExit) => proc.once('exit', () => resolveExit()));
	return { proc, exited };
}

/** SIGTERM, then SIGKILL after 45 s; whatever n8n left in its group goes too. `signal` SIGKILL kills at once. */
export async function stopN8nProcess({ proc, exited }: N8nProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
	if (proc.pid === undefined) return;
	const pgid = proc.pid;
	if (proc.exitCode === null && proc.signalCode === null) {
		signalGroup(pgid, signal);
		// n8n waits for running executions up to N8N_GRACEFUL_SHUTDOWN_TIMEOUT (30 s by default).
		let timer: NodeJS.Timeout | undefined;
		const done = await Promise.race([
			exited.then(() => true),
			new Promise<boolean>((resolveTimeout) => (timer = setTimeout(() => resolveTimeout(false), 45_000))),
		]);
		clearTimeout(timer);
		if (!done) signalGroup(pgid, 'SIGKILL');
		await exited;
	}
	for (let i = 0; i < 50 && groupAlive(pgid); i++) {
		signalGroup(pgid, i < 20 && signal !== 'SIGKILL' ? 'SIGTERM' : 'SIGKILL');
		await sleep(100);
	}
	livePgids.delete(pgid);
}

/**
 * What n8n's Community Nodes does on install, without the registry: the package in
 * `<user folder>/.n8n/nodes/node_modules/<name>`. package.json is copied and `dist` linked, so a rebuild
 * is picked up by the next start and require() resolves the package's own dependencies from its folder.
 */
function installCommunityPackage(userFolder: string, packageDir: string): void {
	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name?: string };
	if (typeof manifest.name !== 'string' || !/^(@[^/]+\/)?n8n-nodes-/.test(manifest.name)) {
		throw new Error(`${packageDir}: n8n loads community packages named n8n-nodes-* only (got ${String(manifest.name)})`);
	}
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', manifest.name);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	copyFileSync(join(packageDir, 'package.json'), join(target, 'package.json'));
	symlinkSync(resolve(packageDir, 'dist'), join(target, 'dist'), 'dir');
}

/** Process groups of servers still running: killed if the test process exits without stop(). */
const livePgids = new Set<number>();
process.once('exit', () => {
	for (const pgid of livePgids) signalGroup(pgid, 'SIGKILL');
});

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch {
		// already gone
	}
}

function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Whether the log has, after `fromOffset`, the line n8n prints once start-up is complete (main: after
 * the active workflows were activated).
 */
export function readyLine(logFile: string, fromOffset: number, line = 'Editor is now accessible via'): boolean {
	try {
		if (statSync(logFile).size <= fromOffset) return false;
		return readFileSync(logFile).subarray(fromOffset).includes(line);
	} catch {
		return false;
	}
}

function withoutN8nEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const clean: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(env)) {
		if (key.startsWith('N8N_') || key.startsWith('DB_') || key === 'WEBHOOK_URL' || key === 'NODE_OPTIONS') continue;
		clean[key] = value;
	}
	return clean;
}

function sessionCookie(response: Response): string {
	const cookies = response.headers.getSetCookie();
	const auth = cookies.map((c) => c.split(';')[0]).filter((c) => c.startsWith('n8n-auth='));
	if (auth.length === 0) throw new Error(`owner setup set no n8n-auth cookie (got ${cookies.join(' | ')})`);
	return auth.join('; ');
}

/** Ports this process handed out: each goes to one server only, though it is free again until bound. */
const portsGiven = new Set<number>();

/**
 * Where the system draws the ports of outgoing connections and of `listen(0)`. A port handed out
 * below it cannot be taken by n8n's own connections to PostgreSQL or Redis in the seconds before the
 * server that was given it binds it (seen: a worker refused to start on a port one of them held).
 */
function ephemeralPortsStart(): number {
	try {
		const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
		return Number.isInteger(low) && low > 2048 ? low : 32_768;
	} catch {
		return 32_768;
	}
}

function listensOn(port: number): Promise<boolean> {
	return new Promise((resolveProbe) => {
		const probe = createServer();
		probe.unref();
		probe.once('error', () => resolveProbe(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolveProbe(true)));
	});
}

/** A port free now, below the ephemeral range, and not handed out before by this process. */
export async function freePort(): Promise<number> {
	const high = ephemeralPortsStart();
	const low = Math.max(1024, high - 20_000);
	for (let attempt = 0; attempt < 200; attempt++) {
		const port = low + Math.floor(Math.random() * (high - low));
		if (portsGiven.has(port)) continue;
		portsGiven.add(port);
		if (await listensOn(port)) return port;
	}
	throw new Error(`no free port found between ${low} and ${high}`);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
