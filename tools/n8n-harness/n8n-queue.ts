/**
 * n8n in queue mode for the end-to-end suite: a main process (editor, public API, triggers), a webhook
 * process (production webhooks) and a worker (executions), from the same install, sharing this machine's
 * Redis and a PostgreSQL database created for the run and dropped by stop(). Keys in Redis carry a
 * per-run prefix, so runs never see each other's queue.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { Client } from 'pg';

import {
	freePort,
	N8N_BIN,
	n8nEnv,
	readyLine,
	spawnN8n,
	startN8n,
	stopN8nProcess,
	type N8nProcess,
	type N8nServer,
} from './n8n-server';

export interface QueueStartOptions {
	/** `<package>/dist`, loaded by every process (N8N_CUSTOM_EXTENSIONS). */
	customExtensionsDir: string;
	/** PostgreSQL to create the run's database on (default postgres://postgres@127.0.0.1:5432/postgres). */
	postgresAdminUrl?: string;
	redisHost?: string;
	redisPort?: number;
	/** Extra environment for all three processes. */
	env?: Record<string, string>;
}

export interface N8nQueue {
	/** The main process: editor, public API, triggers (its own production webhooks are off). */
	main: N8nServer;
	/** `<webhook process>/webhook/<path>`: where production webhooks are served. */
	webhookUrl(path: string): string;
	/** The run's own database (n8n's tables; the package's store may use a schema of it). */
	database: string;
	/** A connection string to that database, as the package's PostgreSQL store takes it. */
	databaseUrl: string;
	/** The running worker's pid (its process group id), undefined while none runs. */
	workerPid(): number | undefined;
	/** Kills the worker and its task runner at once (SIGKILL to its process group), as a crash would. */
	killWorker(): Promise<void>;
	/** Starts a worker (after killWorker) and waits until it takes jobs. */
	startWorker(): Promise<void>;
	/** How long each start took, in milliseconds. */
	timings: Record<string, number>;
	/** The last lines of the three logs. */
	logTail(lines?: number): string;
	/** One process's whole log (the worker's spans its restarts). */
	log(process: 'main' | 'webhook' | 'worker'): string;
	/** Stops the three processes, drops the database and removes the run's Redis keys. */
	stop(): Promise<void>;
}

const READY = { webhook: 'Webhook listener waiting for requests.', worker: 'n8n worker is now ready' };

export async function startN8nQueue(options: QueueStartOptions): Promise<N8nQueue> {
	const adminUrl = options.postgresAdminUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	const redisHost = options.redisHost ?? '127.0.0.1';
	const redisPort = options.redisPort ?? 6379;
	const run = `e2e_queue_${process.pid}_${randomBytes(3).toString('hex')}`;
	const database = run;
	const admin = new URL(adminUrl);
	const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
	const timings: Record<string, number> = {};

	const webhookPort = await freePort();
	const webhookBase = `http://127.0.0.1:${webhookPort}`;
	await adminQuery(adminUrl, `CREATE DATABASE "${database}"`);
	const shared: Record<string, string> = {
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: admin.hostname,
		DB_POSTGRESDB_PORT: admin.port || '5432',
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: decodeURIComponent(admin.username) || 'postgres',
		DB_POSTGRESDB_PASSWORD: decodeURIComponent(admin.password),
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redisHost,
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		QUEUE_BULL_PREFIX: `bull_${run}`,
		N8N_REDIS_KEY_PREFIX: `n8n_${run}`,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// A killed worker's jobs are found stalled within seconds instead of half a minute.
		QUEUE_WORKER_LOCK_DURATION: '15000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		// "Enqueued execution N" (main), "Worker started execution N" (worker).
		N8N_LOG_LEVEL: process.env.N8N_E2E_LOG_LEVEL ?? 'info',
		// Every process builds URLs on the webhook process, as n8n asks of queue mode: a waiting
		// execution's $execution.resumeUrl is built where it runs (the worker), and only the webhook
		// process serves /webhook-waiting (main's production webhooks are off). N8N_WEBHOOK_URL wins over
		// WEBHOOK_URL in n8n 2.x and n8nEnv sets it to each process's own port otherwise.
		WEBHOOK_URL: `${webhookBase}/`,
		N8N_WEBHOOK_URL: `${webhookBase}/`,
		...options.env,
	};

	let main: N8nServer | undefined;
	let webhook: N8nProcess | undefined;
	let worker: N8nProcess | undefined;
	const root = (): string => join(main?.userFolder ?? '', '..');
	const logOf = (name: string) => join(root(), `${name}.log`);

	/** Starts `n8n webhook` or `n8n worker` beside main, in a user folder of its own. */
	async function startProcess(command: 'webhook' | 'worker', port: number, env: Record<string, string> = {}): Promise<N8nProcess> {
		const userFolder = join(root(), command);
		mkdirSync(userFolder, { recursive: true });
		const logFile = logOf(command);
		const started = Date.now();
		const processEnv = n8nEnv({ userFolder, port, brokerPort: await freePort(), customExtensionsDir: options.customExtensionsDir, env: { ...shared, ...env } });
		const offset = fileSize(logFile);
		const spawned = spawnN8n(command, processEnv, logFile);
		let exitCode: number | null | undefined;
		spawned.proc.once('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
		const deadline = started + 120_000;
		while (!readyLine(logFile, offset, READY[command])) {
			if (exitCode !== undefined || Date.now() > deadline) {
				await stopN8nProcess(spawned, 'SIGKILL');
				throw new Error(`n8n ${command} ${exitCode === undefined ? 'did not start in 120 s' : `exited (code ${exitCode})`}; log ${logFile}:\n${tail(logFile, 40)}`);
			}
			await new Promise((wait) => setTimeout(wait, 250));
		}
		timings[`${command} start`] = Date.now() - started;
		return spawned;
	}

	const startWorker = async (): Promise<void> => {
		const healthPort = await freePort();
		worker = await startProcess('worker', await freePort(), {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		});
	};

	const stopAll = async (): Promise<void> => {
		await Promise.all([worker && stopN8nProcess(worker), webhook && stopN8nProcess(webhook)]);
		worker = webhook = undefined;
		await main?.stop();
		main = undefined;
	};

	try {
		// Main first: it creates n8n's tables on the fresh database, the others would race it.
		const started = Date.now();
		main = await startN8n({
			customExtensionsDir: options.customExtensionsDir,
			env: { ...shared, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
		});
		timings['main start'] = Date.now() - started;
		// Both settle before a failure is thrown, so the one that did start is stopped with main.
		const [webhookStart, workerStart] = await Promise.allSettled([startProcess('webhook', webhookPort), startWorker()]);
		if (webhookStart.status === 'fulfilled') webhook = webhookStart.value;
		for (const start of [webhookStart, workerStart]) if (start.status === 'rejected') throw start.reason;
	} catch (error) {
		await stopAll();
		await dropRun(adminUrl, database, shared);
		throw error;
	}
	const server = main;

	return {
		main: server,
		database,
		databaseUrl,
		timings,
		webhookUrl: (path) => `${webhookBase}/webhook/${path.replace(/^\/+/, '')}`,
		workerPid: () => worker?.proc.pid,
		async killWorker() {
			if (worker) await stopN8nProcess(worker, 'SIGKILL');
			worker = undefined;
		},
		startWorker,
		log(name) {
			return name === 'main' ? readText(server.logFile) : readText(logOf(name));
		},
		logTail(lines = 30) {
			return ['main', 'webhook', 'worker']
				.map((name) => `--- ${name} ---\n${name === 'main' ? server.logTail(lines) : tail(logOf(name), lines)}`)
				.join('\n');
		},
		async stop() {
			await stopAll();
			await dropRun(adminUrl, database, shared);
		},
	};
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
	const client = new Client({ connectionString: adminUrl });
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}

/** Drops the run's database (closing what is left connected) and its Redis keys. */
async function dropRun(adminUrl: string, database: string, shared: Record<string, string>): Promise<void> {
	await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
	await deleteRedisKeys(shared.QUEUE_BULL_REDIS_HOST, Number(shared.QUEUE_BULL_REDIS_PORT), [shared.QUEUE_BULL_PREFIX, shared.N8N_REDIS_KEY_PREFIX]);
}

/** Deletes the keys under the prefixes, with the Redis client n8n itself uses (from its install). */
async function deleteRedisKeys(host: string, port: number, prefixes: string[]): Promise<void> {
	type Redis = { scanStream(options: { match: string; count: number }): AsyncIterable<string[]>; del(...keys: string[]): Promise<number>; quit(): Promise<unknown> };
	const RedisClient = createRequire(N8N_BIN)('ioredis') as new (options: { host: string; port: number; lazyConnect?: boolean }) => Redis;
	const redis = new RedisClient({ host, port });
	try {
		for (const prefix of prefixes) {
			for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) if (keys.length > 0) await redis.del(...keys);
		}
	} finally {
		await redis.quit();
	}
}

function fileSize(file: string): number {
	try {
		return statSync(file).size;
	} catch {
		return 0;
	}
}

function readText(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

function tail(file: string, lines: number): string {
	return readText(file).split('\n').slice(-lines).join('\n');
}
