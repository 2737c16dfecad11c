import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Starts watching a folder (node's fs.watch by default); calls `listener` with each changed name. */
export type WatchFolder = (folder: string, listener: (event: string, name: string | null) => void) => FSWatcher;

export interface FileChangeSignalOptions {
	/** The database file: writes to it or to its write-ahead log (`<file>-wal`) are the signal. */
	path: string;
	/**
	 * Looks whether another process committed, cheaply. Returns false when it cannot tell yet (the
	 * connection is inside a transaction, whose snapshot hides newer commits): it is asked again soon.
	 */
	look: () => boolean;
	/** Polling while the folder is watched, should a signal ever be missed. */
	watchedPollIntervalMs: number;
	/** Polling when the folder cannot be watched (fs.watch unavailable, or it failed). */
	pollIntervalMs: number;
	/** Watches the folder; fs.watch unless replaced (the tests make it fail). */
	watchFolder?: WatchFolder;
}

/**
 * Looks after the last write of a burst, each this long after the one before: a commit is written to
 * the WAL file a moment before it becomes visible (longer when the writer is descheduled in between),
 * so the look right after the last write may come too early to see it.
 */
const FOLLOW_UPS_MS = [1, 4, 16];

const watchWithoutHoldingTheProcess: WatchFolder = (folder, listener) => watch(folder, { persistent: false }, listener);

/**
 * Tells a SQLite store when another process may have committed, without busy polling: the store's
 * folder is watched (inotify on Linux), so a write to the file or its WAL triggers a look at once. The
 * folder rather than the WAL file is watched because SQLite deletes and recreates that file. Looks are
 * coalesced per turn of the event loop; a slow poll stays as a safety net, and polling at
 * `pollIntervalMs` takes over when the folder cannot be watched. Nothing here keeps the process alive.
 */
export class FileChangeSignal {
	private watcher: FSWatcher | null = null;
	private poller: NodeJS.Timeout | null = null;
	private followUpTimer: NodeJS.Timeout | null = null;
	private immediate: NodeJS.Immediate | null = null;

	constructor(private readonly options: FileChangeSignalOptions) {}

	/** True while writes are signalled by the folder's watch (the poll is only the safety net). */
	get watching(): boolean {
		return this.watcher !== null;
	}

	start(): void {
		if (this.poller) return;
		this.watcher = this.watchFolder();
		this.poll(this.watcher ? this.options.watchedPollIntervalMs : this.options.pollIntervalMs);
	}

	stop(): void {
		this.watcher?.close();
		this.watcher = null;
		if (this.poller) clearInterval(this.poller);
		this.poller = null;
		if (this.followUpTimer) clearTimeout(this.followUpTimer);
		this.followUpTimer = null;
		if (this.immediate) clearImmediate(this.immediate);
		this.immediate = null;
	}

	private watchFolder(): FSWatcher | null {
		const file = basename(this.options.path);
		const names = new Set([file, `${file}-wal`]);
		try {
			const watcher = (this.options.watchFolder ?? watchWithoutHoldingTheProcess)(dirname(this.options.path), (_event, name) => {
				// No name: the platform could not say which file changed.
				if (name === null || names.has(name)) this.changed();
			});
			watcher.on('error', () => this.watchFailed(watcher));
			return watcher;
		} catch {
			return null;
		}
	}

	private watchFailed(watcher: FSWatcher): void {
		watcher.close();
		if (this.watcher !== watcher) return;
		this.watcher = null;
		// A write may have gone unsignalled: look now, then poll at the rate for an unwatched folder.
		this.changed();
		this.poll(this.options.pollIntervalMs);
	}

	private poll(intervalMs: number): void {
		if (this.poller) clearInterval(this.poller);
		this.poller = setInterval(() => this.look(), intervalMs);
		this.poller.unref();
	}

	private changed(): void {
		this.immediate ??= setImmediate(() => {
			this.immediate = null;
			this.look();
		});
		this.followUp(0);
	}

	private look(): void {
		if (!this.options.look()) this.followUp(0);
	}

	private followUp(step: number): void {
		if (this.followUpTimer) clearTimeout(this.followUpTimer);
		this.followUpTimer = setTimeout(() => {
			this.followUpTimer = null;
			// Refused (a transaction is open): the series starts again.
			if (!this.options.look()) this.followUp(0);
			else if (step + 1 < FOLLOW_UPS_MS.length) this.followUp(step + 1);
		}, FOLLOW_UPS_MS[step]);
		this.followUpTimer.unref();
	}
}
