import { Pool, type ClientConfig } from 'pg';

import { StoreError } from '../../errors';

export const DEFAULT_POSTGRES_SCHEMA = 'whatsapp_conversations';
export const DEFAULT_POOL_SIZE = 5;
const APPLICATION_NAME = 'n8n-whatsapp-conversations';

export interface PostgresConnectionOptions {
	/** `postgres://user:password@host:port/database?sslmode=…`; wins over the separate fields. */
	connectionString?: string;
	host?: string;
	port?: number;
	database?: string;
	user?: string;
	password?: string;
	ssl?: boolean | { rejectUnauthorized?: boolean };
	/** The store's own schema (created when missing); several stores may share one database. */
	schema?: string;
	/** Connections per process; n8n runs one pool per process and store. */
	poolSize?: number;
	connectTimeoutMs?: number;
}

/** Where the store lives, for messages and for sharing one store per database: never the password. */
export interface PostgresTarget {
	host: string;
	port: number;
	database: string;
	user: string;
	schema: string;
}

// An identifier we interpolate into SQL: letters, digits and underscores only, as PostgreSQL's limit allows.
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function validSchemaName(schema: string | undefined): string {
	const name = schema === undefined || schema.trim() === '' ? DEFAULT_POSTGRES_SCHEMA : schema.trim();
	if (!SCHEMA_NAME.test(name)) {
		throw new StoreError(
			'STORE_CONFIG_INVALID',
			`"${name}" cannot be used as the conversation store's schema name`,
			'Use letters, digits and underscores only (at most 63), starting with a letter or underscore.',
		);
	}
	return name;
}

export function quoteIdent(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

/** Parses only what messages may show; the connection string itself is handed to pg untouched. */
export function postgresTarget(options: PostgresConnectionOptions, env: NodeJS.ProcessEnv = process.env): PostgresTarget {
	const schema = validSchemaName(options.schema);
	let fromUrl: Partial<PostgresTarget> = {};
	if (options.connectionString) {
		let url: URL;
		try {
			url = new URL(options.connectionString);
		} catch {
			// No cause attached: Node's URL error carries the input, password included.
			throw new StoreError(
				'STORE_CONFIG_INVALID',
				'The PostgreSQL connection string is not a valid URL',
				'Write it as postgres://user:password@host:5432/database, or fill in host, port and database instead.',
			);
		}
		fromUrl = {
			host: url.hostname ? decodeURIComponent(url.hostname) : undefined,
			port: url.port ? Number(url.port) : undefined,
			database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined,
			user: url.username ? decodeURIComponent(url.username) : undefined,
		};
	}
	const user = fromUrl.user ?? options.user ?? env.PGUSER ?? env.USER ?? 'postgres';
	return {
		host: fromUrl.host ?? options.host ?? env.PGHOST ?? 'localhost',
		port: fromUrl.port ?? options.port ?? (env.PGPORT ? Number(env.PGPORT) : 5432),
		database: fromUrl.database ?? options.database ?? env.PGDATABASE ?? user,
		user,
		schema,
	};
}

export function describeTarget(target: PostgresTarget): string {
	return `${target.host}:${target.port}/${target.database}`;
}

export function clientConfig(options: PostgresConnectionOptions, applicationName = APPLICATION_NAME): ClientConfig {
	return {
		connectionString: options.connectionString || undefined,
		host: options.host || undefined,
		port: options.port,
		database: options.database || undefined,
		user: options.user || undefined,
		password: options.password || undefined,
		ssl: options.ssl,
		application_name: applicationName,
		connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
		keepAlive: true,
		// A transaction left open by a stalled process would hold row locks forever.
		idle_in_transaction_session_timeout: 60_000,
	};
}

export function createPool(options: PostgresConnectionOptions): Pool {
	// allowExitOnIdle: idle pooled connections must not keep a process alive that is otherwise done.
	const pool = new Pool({ ...clientConfig(options), max: options.poolSize ?? DEFAULT_POOL_SIZE, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
	// An idle connection the server dropped (restart, failover) is only removed from the pool; without
	// a listener, pg's 'error' event would end the n8n process.
	pool.on('error', () => undefined);
	return pool;
}

/** SQLSTATE classes and socket codes that mean "the database cannot be used right now". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const UNAVAILABLE_SQLSTATE = /^(08|28|53|57P0|3D000)/;
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|Client has encountered a connection error/i;

// Shapes, not `instanceof Error`: socket errors come from Node's own realm, which differs under
// test runners and bundlers.
function errorCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

function errorMessage(error: unknown): string {
	const message = (error as { message?: unknown } | null)?.message;
	return typeof message === 'string' ? message : String(error);
}

export function isUnavailable(error: unknown): boolean {
	if (error instanceof StoreError) return false;
	const code = errorCode(error);
	if (code && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
	return UNAVAILABLE_MESSAGES.test(errorMessage(error));
}

/**
 * The error users see when the database cannot be reached: it names host, port and database only.
 * The cause is rebuilt from the code and a message with any password removed, because loggers print
 * causes and some connection errors echo their input.
 */
export function unavailableError(target: PostgresTarget, error: unknown, secrets: readonly (string | undefined)[]): StoreError {
	const code = errorCode(error);
	let message = errorMessage(error);
	for (const secret of secrets) if (secret) message = message.split(secret).join('***');
	message = message.replace(/(\/\/[^:/@\s]+:)[^@\s]*@/g, '$1***@');
	const cause = Object.assign(new Error(message), code ? { code } : {});
	const reason =
		code === '28P01' || code === '28000'
			? 'the user name or password was refused'
			: code === '3D000'
				? 'the database does not exist'
				: 'the server cannot be reached';
	return new StoreError(
		'STORE_UNAVAILABLE',
		`The PostgreSQL conversation store at ${describeTarget(target)} is unavailable: ${reason}`,
		'Check that PostgreSQL runs and accepts connections there, and the user, password and SSL settings in the WhatsApp credential.',
		cause,
	);
}
