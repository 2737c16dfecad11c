import { Client, type ClientConfig } from 'pg';

import { quoteIdent } from './connection';

export interface NotificationWatchOptions {
	clientConfig: ClientConfig;
	/** The channel event appends notify (pg_notify in the appending transaction). */
	channel: string;
	/** Tells the store's subscribers that events may have been committed. */
	wake: () => void;
	/** The log's committed head, read through the pool: polled only while LISTEN is down. */
	readHead: () => Promise<number>;
	pollIntervalMs: number;
}

const MAX_RECONNECT_DELAY_MS = 10_000;

/**
 * Wakes subscribers when any process commits events: one dedicated connection per store LISTENs on
 * the store's channel (a pooled connection cannot, it is handed to others between queries). When
 * that connection is lost, the head of the log is polled instead until LISTEN is back, and one
 * wake-up follows the reconnect for whatever was committed in between.
 */
export class NotificationWatch {
	private active = false;
	private client: Client | null = null;
	private connecting: Promise<void> | null = null;
	private reconnectTimer: NodeJS.Timeout | null = null;
	private reconnectDelayMs = 250;
	private poller: NodeJS.Timeout | null = null;
	private polledHead: number | null = null;

	constructor(private readonly options: NotificationWatchOptions) {}

	/** True while LISTEN is in place (polling is off). */
	get listening(): boolean {
		return this.client !== null && this.connecting === null && this.poller === null;
	}

	start(): void {
		if (this.active) return;
		this.active = true;
		this.connect();
	}

	async stop(): Promise<void> {
		this.active = false;
		if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
		this.reconnectTimer = null;
		this.stopPolling();
		await this.connecting;
		const client = this.client;
		this.client = null;
		await client?.end().catch(() => undefined);
	}

	private connect(): void {
		const client = new Client(this.options.clientConfig);
		this.client = client;
		client.on('notification', () => this.options.wake());
		client.on('error', () => this.lost(client));
		client.on('end', () => this.lost(client));
		this.connecting = (async () => {
			try {
				await client.connect();
				await client.query(`LISTEN ${quoteIdent(this.options.channel)}`);
				this.reconnectDelayMs = 250;
				if (this.active && this.client === client) {
					this.stopPolling();
					this.options.wake();
				}
			} catch {
				this.lost(client);
			} finally {
				this.connecting = null;
			}
		})();
	}

	private lost(client: Client): void {
		if (this.client !== client) return;
		this.client = null;
		client.end().catch(() => undefined);
		if (!this.active) return;
		// Notifications sent while the connection was failing may be lost: look once, then poll.
		this.options.wake();
		this.startPolling();
		if (this.reconnectTimer) return;
		this.reconnectTimer = setTimeout(() => {
			this.reconnectTimer = null;
			if (this.active && this.client === null) this.connect();
		}, this.reconnectDelayMs);
		this.reconnectTimer.unref();
		this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
	}

	private startPolling(): void {
		if (this.poller) return;
		this.polledHead = null;
		this.poller = setInterval(() => {
			this.options.readHead().then(
				(head) => {
					if (this.polledHead !== null && head !== this.polledHead) this.options.wake();
					this.polledHead = head;
				},
				() => undefined,
			);
		}, this.options.pollIntervalMs);
		this.poller.unref();
	}

	private stopPolling(): void {
		if (this.poller) clearInterval(this.poller);
		this.poller = null;
	}
}
