import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { StoreError } from '../errors';
import { copyStore, type CopySummary } from './migrate-data';
import { PostgresEngine } from './postgres/postgres-engine';
import { SqliteEngine } from './sqlite/sqlite-engine';

/**
 * `copy-store`: copies a conversation store into a new, empty one, keeping every id.
 *
 *   node scripts/run-ts.js scripts/copy-store.ts --from sqlite:<file> --to postgres://user@host:5432/db [--to-schema name]
 *   node <package>/dist/core/store/copy-command.js …the same arguments…
 *
 * A store is `sqlite:<file>` or a `postgres://` / `postgresql://` URL; `--from-schema` and
 * `--to-schema` pick a PostgreSQL schema (default whatsapp_conversations). Give the password in
 * PGPASSWORD rather than in the URL, so it does not show in the process list.
 */
/** The copy moves rows between engines; no conversation rule runs on them. */
type Engine = SqliteEngine | PostgresEngine;

function usage(message: string): StoreError {
	return new StoreError(
		'STORE_CONFIG_INVALID',
		message,
		'Usage: copy-store --from sqlite:<file> --to postgres://user@host:5432/database [--to-schema name] (or the other way round).',
	);
}

function openSpec(spec: string | undefined, schema: string | undefined, role: 'from' | 'to'): Engine {
	if (!spec) throw usage(`--${role} is missing`);
	if (spec.startsWith('sqlite:')) {
		const path = resolve(spec.slice('sqlite:'.length));
		// Opening a missing file would create an empty store and copy nothing.
		if (role === 'from' && !existsSync(path)) throw usage(`There is no SQLite store at ${path}`);
		return new SqliteEngine({ path });
	}
	if (/^postgres(ql)?:\/\//.test(spec)) return new PostgresEngine({ connectionString: spec, schema, poolSize: 2 });
	throw usage(`--${role} must be sqlite:<file> or a postgres:// URL`);
}

function parseArgs(args: readonly string[]): Map<string, string> {
	const options = new Map<string, string>();
	for (let index = 0; index < args.length; index += 2) {
		const [name, value] = [args[index], args[index + 1]];
		if (!['--from', '--to', '--from-schema', '--to-schema'].includes(name) || value === undefined) throw usage(`Unexpected argument ${name}`);
		options.set(name.slice(2), value);
	}
	return options;
}

export async function runCopyCommand(args: readonly string[]): Promise<CopySummary> {
	const options = parseArgs(args);
	const from = openSpec(options.get('from'), options.get('from-schema'), 'from');
	let to: Engine | null = null;
	try {
		to = openSpec(options.get('to'), options.get('to-schema'), 'to');
		if (to instanceof PostgresEngine) await to.ready();
		return await copyStore(from, to);
	} finally {
		await from.close();
		await to?.close();
	}
}

/** Runs the command: prints the summary as one JSON line, or the error and its hint (exit code 1). */
export async function copyStoreCli(args: readonly string[]): Promise<void> {
	try {
		process.stdout.write(`${JSON.stringify(await runCopyCommand(args))}\n`);
	} catch (error) {
		const hint = (error as { hint?: unknown }).hint;
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}${typeof hint === 'string' ? `\n${hint}` : ''}\n`);
		process.exitCode = 1;
	}
}

if (require.main === module) void copyStoreCli(process.argv.slice(2));
