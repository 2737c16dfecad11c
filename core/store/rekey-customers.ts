import { customerKey } from '../policy/customer';

/**
 * The data step of the "one customer, one key" migration, written once for both engines: rows stored
 * under a customer id that is not its key (a legacy wa_id such as Brazil's "551191234567", kept as
 * Meta reported it before keys existed) move to the key, and rows of one customer merge by the rule
 * in ConversationStore.resolveCustomerId.
 *
 * Its SQL is frozen at the schema of the version that introduced it, on purpose: a migration must
 * keep working on an old store after later migrations change the tables, so it uses none of the
 * engines' current statements.
 */

type Value = string | number | boolean | null;
type Row = Record<string, unknown>;

/** How an engine spells what the step needs: table names (schema-qualified on PostgreSQL), booleans. */
export interface MigrationDialect {
	table(name: string): string;
	/** node:sqlite takes no booleans. */
	bool(value: boolean): Value;
}

/** One statement for the engine to run, `?` placeholders; the engine hands back its rows. */
export interface MigrationQuery {
	sql: string;
	params: readonly Value[];
}

/**
 * The step yields its statements and receives their rows, so that SQLite runs it synchronously (its
 * store opens in a constructor) and PostgreSQL asynchronously, from one text.
 */
export type MigrationSteps = Generator<MigrationQuery, void, Row[]>;

function* query(sql: string, params: readonly Value[] = []): Generator<MigrationQuery, Row[], Row[]> {
	return yield { sql, params };
}

export function runStepsSync(steps: MigrationSteps, run: (query: MigrationQuery) => Row[]): void {
	let next = steps.next();
	while (!next.done) next = steps.next(run(next.value));
}

export async function runSteps(steps: MigrationSteps, run: (query: MigrationQuery) => Promise<Row[]>): Promise<void> {
	let next = steps.next();
	while (!next.done) next = steps.next(await run(next.value));
}

/** Merged conversations are closed at the migration's time, with this reason. */
const MERGED = 'merged';

function num(value: unknown): number | null {
	return value === null || value === undefined ? null : Number(value);
}

function variables(value: unknown): Record<string, unknown> {
	if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>;
	return (value ?? {}) as Record<string, unknown>;
}

/** Rows read per query, so that a large store is never held in memory at once. */
const PAGE = 1000;

/**
 * Visits every distinct (scope column, customer_id) of a table whose customer id is not its key, in
 * key order, a page at a time. Rows the visit moves land on keys, which later pages skip.
 */
function* eachLegacyCustomer(
	sql: MigrationDialect,
	table: string,
	scopeColumn: string,
	visit: (scope: string, from: string, to: string) => MigrationSteps,
): MigrationSteps {
	let after: [string, string] | null = null;
	for (;;) {
		const page: Row[] = yield* query(
			`SELECT DISTINCT ${scopeColumn} AS scope, customer_id FROM ${sql.table(table)}
			${after === null ? '' : `WHERE (${scopeColumn}, customer_id) > (?, ?)`}
			ORDER BY ${scopeColumn}, customer_id LIMIT ${PAGE}`,
			after ?? [],
		);
		for (const row of page) {
			const from = String(row.customer_id);
			const to = customerKey(from);
			if (to !== from) yield* visit(String(row.scope), from, to);
		}
		const last = page.at(-1);
		if (page.length < PAGE || last === undefined) return;
		after = [String(last.scope), String(last.customer_id)];
	}
}

export function* rekeyCustomers(sql: MigrationDialect, now: number): MigrationSteps {
	for (const table of ['contacts', 'conversations']) {
		yield* eachLegacyCustomer(sql, table, 'phone_number_id', (phoneNumberId, from, to) => mergeCustomer(sql, phoneNumberId, from, to, now));
	}
	yield* eachLegacyCustomer(sql, 'limit_reservations', 'scope', (scope, from, to) => mergeReservation(sql, scope, from, to));
}

function* mergeCustomer(sql: MigrationDialect, phoneNumberId: string, from: string, to: string, now: number): MigrationSteps {
	yield* mergeContacts(sql, phoneNumberId, from, to, now);
	const conversations = sql.table('conversations');
	const open = `SELECT * FROM ${conversations} WHERE phone_number_id = ? AND customer_id = ? AND status = 'open'`;
	const [openFrom] = yield* query(open, [phoneNumberId, from]);
	const [openTo] = yield* query(open, [phoneNumberId, to]);
	if (openFrom !== undefined && openTo !== undefined) {
		// The conversation that started first goes on with both transcripts; the other is closed empty.
		const [kept, merged] = Number(openFrom.started_at) <= Number(openTo.started_at) ? [openFrom, openTo] : [openTo, openFrom];
		const newer = Number(merged.last_message_at) > Number(kept.last_message_at) ? merged : kept;
		yield* query(
			`UPDATE ${conversations} SET status = 'closed', closed_at = ?, close_reason = ?, message_count = 0 WHERE id = ?`,
			[now, MERGED, String(merged.id)],
		);
		yield* query(`UPDATE ${sql.table('messages')} SET conversation_id = ? WHERE conversation_id = ?`, [String(kept.id), String(merged.id)]);
		yield* query(
			`UPDATE ${conversations} SET last_message_at = ?, message_count = ?, customer_name = ?, ai_enabled = ?,
				input_variables = ?, extracted_variables = ? WHERE id = ?`,
			[
				Math.max(Number(kept.last_message_at), Number(merged.last_message_at)),
				Number(kept.message_count) + Number(merged.message_count),
				(newer.customer_name ?? kept.customer_name ?? merged.customer_name ?? null) as string | null,
				// A human who took over either conversation still has the merged one.
				sql.bool(Boolean(kept.ai_enabled) && Boolean(merged.ai_enabled)),
				JSON.stringify({ ...variables(merged.input_variables), ...variables(kept.input_variables) }),
				JSON.stringify({ ...variables(merged.extracted_variables), ...variables(kept.extracted_variables) }),
				String(kept.id),
			],
		);
	}
	yield* query(`UPDATE ${conversations} SET customer_id = ? WHERE phone_number_id = ? AND customer_id = ?`, [to, phoneNumberId, from]);
}

function* mergeContacts(sql: MigrationDialect, phoneNumberId: string, from: string, to: string, now: number): MigrationSteps {
	const contacts = sql.table('contacts');
	const select = `SELECT * FROM ${contacts} WHERE phone_number_id = ? AND customer_id = ?`;
	const [a] = yield* query(select, [phoneNumberId, from]);
	if (a === undefined) return;
	const [b] = yield* query(select, [phoneNumberId, to]);
	if (b === undefined) {
		yield* query(`UPDATE ${contacts} SET customer_id = ? WHERE phone_number_id = ? AND customer_id = ?`, [to, phoneNumberId, from]);
		return;
	}
	const [newer, older] = (num(a.last_inbound_at) ?? 0) > (num(b.last_inbound_at) ?? 0) ? [a, b] : [b, a];
	const optOuts = [a, b].filter((contact) => Boolean(contact.opted_out));
	const lastInbound = Math.max(num(a.last_inbound_at) ?? -1, num(b.last_inbound_at) ?? -1);
	yield* query(`DELETE FROM ${contacts} WHERE phone_number_id = ? AND customer_id = ?`, [phoneNumberId, from]);
	yield* query(
		`UPDATE ${contacts} SET wa_id = ?, name = ?, last_inbound_at = ?, opted_out = ?, opted_out_at = ?, updated_at = ?
		WHERE phone_number_id = ? AND customer_id = ?`,
		[
			(newer.wa_id ?? older.wa_id ?? null) as string | null,
			(newer.name ?? older.name ?? null) as string | null,
			lastInbound < 0 ? null : lastInbound,
			// An opt-out under either id stands: opt-ins carry no time to compare, and marketing to a
			// customer who said STOP is the worse mistake. Any later START opts them in again.
			sql.bool(optOuts.length > 0),
			optOuts.length > 0 ? Math.max(...optOuts.map((contact) => num(contact.opted_out_at) ?? 0)) : null,
			now,
			phoneNumberId,
			to,
		],
	);
}

/** Reservations are keyed by scope (business account) and customer: the latest one per key stands. */
function* mergeReservation(sql: MigrationDialect, scope: string, from: string, to: string): MigrationSteps {
	const reservations = sql.table('limit_reservations');
	const select = `SELECT reserved_at FROM ${reservations} WHERE scope = ? AND customer_id = ?`;
	const [moving] = yield* query(select, [scope, from]);
	const [existing] = yield* query(select, [scope, to]);
	const reservedAt = Math.max(Number(moving.reserved_at), num(existing?.reserved_at) ?? 0);
	yield* query(`DELETE FROM ${reservations} WHERE scope = ? AND customer_id IN (?, ?)`, [scope, from, to]);
	yield* query(`INSERT INTO ${reservations} (scope, customer_id, reserved_at) VALUES (?, ?, ?)`, [scope, to, reservedAt]);
}
