import type { DatabaseSync } from 'node:sqlite';

import { rekeyCustomers, runStepsSync } from '../rekey-customers';

/** SQL, or a step that needs code (e.g. to compute customer keys), run on the migration's connection. */
export type SqliteMigration = string | ((db: DatabaseSync) => void);

/**
 * Versioned schema of the embedded store. Each entry runs once, in order, inside the migration
 * transaction; never edit a released entry, append a new one.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
	`
	CREATE TABLE contacts (
		phone_number_id TEXT NOT NULL,
		customer_id TEXT NOT NULL,
		wa_id TEXT,
		name TEXT,
		last_inbound_at INTEGER,
		opted_out INTEGER NOT NULL DEFAULT 0,
		opted_out_at INTEGER,
		updated_at INTEGER NOT NULL,
		PRIMARY KEY (phone_number_id, customer_id)
	) WITHOUT ROWID;

	CREATE TABLE conversations (
		id TEXT PRIMARY KEY,
		business_account_id TEXT,
		phone_number_id TEXT NOT NULL,
		display_phone_number TEXT,
		customer_id TEXT NOT NULL,
		customer_name TEXT,
		status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
		initiated_by TEXT NOT NULL CHECK (initiated_by IN ('customer', 'business')),
		started_at INTEGER NOT NULL,
		last_message_at INTEGER NOT NULL,
		closed_at INTEGER,
		close_reason TEXT,
		message_count INTEGER NOT NULL DEFAULT 0,
		ai_enabled INTEGER NOT NULL DEFAULT 1,
		input_variables TEXT NOT NULL DEFAULT '{}',
		extracted_variables TEXT NOT NULL DEFAULT '{}'
	);
	-- At most one open conversation per business number and customer, whatever the writers do.
	CREATE UNIQUE INDEX conversations_one_open ON conversations (phone_number_id, customer_id) WHERE status = 'open';
	CREATE INDEX conversations_idle ON conversations (last_message_at) WHERE status = 'open';
	CREATE INDEX conversations_customer ON conversations (customer_id, last_message_at);
	CREATE INDEX conversations_recent ON conversations (last_message_at);

	CREATE TABLE messages (
		seq INTEGER PRIMARY KEY,
		wamid TEXT UNIQUE,
		conversation_id TEXT NOT NULL REFERENCES conversations (id),
		direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
		type TEXT NOT NULL,
		text TEXT,
		timestamp INTEGER NOT NULL,
		status TEXT,
		status_at INTEGER,
		error TEXT,
		payload TEXT NOT NULL
	);
	CREATE INDEX messages_conversation ON messages (conversation_id, seq);

	-- One row per (message, status): Meta's redeliveries of a status are recognised here.
	CREATE TABLE message_statuses (
		wamid TEXT NOT NULL,
		status TEXT NOT NULL,
		timestamp INTEGER NOT NULL,
		PRIMARY KEY (wamid, status)
	) WITHOUT ROWID;

	-- AUTOINCREMENT: ids are never reused, so a cursor can never skip a later event with a recycled id.
	CREATE TABLE events (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		type TEXT NOT NULL,
		phone_number_id TEXT NOT NULL,
		conversation_id TEXT,
		created_at INTEGER NOT NULL,
		payload TEXT NOT NULL
	);
	CREATE INDEX events_created ON events (created_at);

	CREATE TABLE subscriptions (
		subscriber_id TEXT PRIMARY KEY,
		position INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	);

	CREATE TABLE limit_reservations (
		scope TEXT NOT NULL,
		customer_id TEXT NOT NULL,
		reserved_at INTEGER NOT NULL,
		PRIMARY KEY (scope, customer_id)
	) WITHOUT ROWID;
	CREATE INDEX limit_reservations_recent ON limit_reservations (scope, reserved_at);
	`,
	// One customer, one key: other ids Meta reported for a customer (a BSUID beside the phone
	// number) lead to the customer's key; looked up by alias alone when no phone number id is known.
	`
	CREATE TABLE customer_aliases (
		phone_number_id TEXT NOT NULL,
		alias TEXT NOT NULL,
		customer_id TEXT NOT NULL,
		updated_at INTEGER NOT NULL,
		PRIMARY KEY (phone_number_id, alias)
	) WITHOUT ROWID;
	CREATE INDEX customer_aliases_alias ON customer_aliases (alias, updated_at);
	`,
	// One customer, one key: rows stored under a legacy wa_id move to the customer's key and merge.
	(db) =>
		runStepsSync(rekeyCustomers({ table: (name) => name, bool: Number }, Date.now()), ({ sql, params }) =>
			db.prepare(sql).all(...params.map((value) => (typeof value === 'boolean' ? Number(value) : value))),
		),
	// Retention: pruning finds the messages and status receipts past their time without a scan.
	`
	CREATE INDEX messages_timestamp ON messages (timestamp);
	CREATE INDEX message_statuses_timestamp ON message_statuses (timestamp);
	`,
	// Bursts: a trigger's pending burst per customer is the events it holds back until the customer
	// goes quiet; pruning keeps those events (looked up by event id).
	`
	CREATE TABLE event_bursts (
		subscriber_id TEXT NOT NULL,
		event_id INTEGER NOT NULL,
		phone_number_id TEXT NOT NULL,
		customer_id TEXT NOT NULL,
		arrived_at INTEGER NOT NULL,
		PRIMARY KEY (subscriber_id, event_id)
	) WITHOUT ROWID;
	CREATE INDEX event_bursts_customer ON event_bursts (subscriber_id, phone_number_id, customer_id);
	CREATE INDEX event_bursts_event ON event_bursts (event_id);
	`,
	// Send and Wait: a question an execution waits on, settled by the customer's next message or its
	// expiry, kept until the execution was resumed with the outcome (state 'resumed').
	`
	CREATE TABLE waiting_answers (
		wait_id TEXT PRIMARY KEY,
		phone_number_id TEXT NOT NULL,
		customer_id TEXT NOT NULL,
		resume_url TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		expires_at INTEGER NOT NULL,
		state TEXT NOT NULL,
		answer TEXT,
		settled_at INTEGER,
		resume_after INTEGER,
		attempts INTEGER NOT NULL DEFAULT 0
	) WITHOUT ROWID;
	CREATE INDEX waiting_answers_customer ON waiting_answers (phone_number_id, customer_id, state, created_at);
	CREATE INDEX waiting_answers_due ON waiting_answers (state, resume_after);
	CREATE INDEX waiting_answers_expiry ON waiting_answers (state, expires_at);
	`,
	// Usage: Meta's pricing of each message (status webhooks), one row per wamid, counted per number
	// and day for the Conversation node's Get Usage; pruned with the messages.
	`
	CREATE TABLE message_pricing (
		wamid TEXT PRIMARY KEY,
		phone_number_id TEXT NOT NULL,
		conversation_id TEXT,
		customer_id TEXT,
		category TEXT,
		pricing_model TEXT,
		pricing_type TEXT,
		billable INTEGER,
		timestamp INTEGER NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX message_pricing_number_time ON message_pricing (phone_number_id, timestamp);
	CREATE INDEX message_pricing_timestamp ON message_pricing (timestamp);
	`,
	// Messaging limit: Meta's last word on each account's limit (Automatic tier), so a restart without
	// Meta still knows it. IF NOT EXISTS: appended while other migrations were being appended too.
	`
	CREATE TABLE IF NOT EXISTS messaging_limits (
		scope TEXT PRIMARY KEY,
		tier TEXT NOT NULL,
		observed_at INTEGER NOT NULL,
		reported_by TEXT NOT NULL,
		updated_at INTEGER NOT NULL
	) WITHOUT ROWID;
	`,
	// Ingest speed: every message moves its conversation's last_message_at, so each index holding that
	// column is rewritten per message. A customer's conversations are few; found by customer alone,
	// they are sorted in memory, and the index no longer changes when a message arrives.
	`
	DROP INDEX IF EXISTS conversations_customer;
	CREATE INDEX conversations_customer_id ON conversations (customer_id);
	`,
];
