import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program, plain JavaScript so it runs the same from TypeScript sources and from
 * the built package: its own connection to the file, and a PASSIVE checkpoint whenever asked (one
 * that never waits for readers or writers; what it cannot copy yet waits for the next one).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 5000');
parentPort.on('message', () => {
	try {
		db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get();
		parentPort.postMessage(null);
	} catch (error) {
		parentPort.postMessage(String(error && error.message));
	}
});
`;

/** At most this often: a checkpoint syncs the WAL and the database file, two fsyncs. */
const MIN_INTERVAL_MS = 100;
/**
 * Only once a store has committed this often: a process that writes little (a CLI, a test, a worker
 * that just started) should not pay for a thread, and SQLite's own checkpoints serve it.
 */
const FIRST_AFTER_COMMITS = 200;

/**
 * Copies the WAL into the database file on a thread of its own while writes go on. A checkpoint is
 * disk work (pages copied, two fsyncs) that SQLite otherwise does inside the COMMIT that fills the
 * WAL past its limit, on the event loop n8n answers webhooks on; here it overlaps with the next
 * commits instead. The connection's own automatic checkpoint (every 8,000 pages of WAL) stays, for
 * when this thread cannot keep up or is gone.
 */
export class BackgroundCheckpointer {
	private worker: Worker | null = null;
	private running = false;
	private lastStartedAt = 0;
	private commits = 0;
	private failed = false;

	constructor(private readonly path: string) {}

	/** Called after each commit: asks for a checkpoint unless one runs or ran a moment ago. */
	afterCommit(): void {
		if (this.running || this.failed || ++this.commits < FIRST_AFTER_COMMITS) return;
		const now = Date.now();
		if (now - this.lastStartedAt < MIN_INTERVAL_MS) return;
		this.lastStartedAt = now;
		this.running = true;
		try {
			this.start().postMessage(null);
		} catch {
			// No thread to be had (a resource limit): SQLite's own checkpoints carry on alone.
			void this.stop(true);
		}
	}

	private start(): Worker {
		if (this.worker) return this.worker;
		const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.path } });
		worker.on('message', (error: string | null) => {
			this.running = false;
			// A checkpoint that failed (the disk, a lock held too long) is left to SQLite's own.
			if (error !== null) void this.stop(true);
		});
		worker.on('error', () => void this.stop(true));
		// Nothing to wait for at exit: an unfinished checkpoint is finished by the next one. After the
		// listeners, which would hold the process open again.
		worker.unref();
		this.worker = worker;
		return worker;
	}

	private stop(failed: boolean): Promise<unknown> {
		this.failed ||= failed;
		this.running = false;
		const worker = this.worker;
		this.worker = null;
		return worker?.terminate() ?? Promise.resolve();
	}

	async close(): Promise<void> {
		await this.stop(true);
	}
}
