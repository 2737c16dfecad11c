// The SQLite store's wake-up signal on a real folder: a write to the store file or its WAL is signalled
// at once (no poll within the test's time), other files are not, and polling takes over when the
// folder cannot be watched.
import { EventEmitter } from 'node:events';
import { appendFileSync, type FSWatcher, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileChangeSignal, type FileChangeSignalOptions } from '../../../core/store/sqlite/file-change-signal';
import { waitFor } from '../../store-conformance/conformance';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A watcher that never signals a write; the test makes it fail. */
class FakeWatcher extends EventEmitter {
	closed = false;

	close(): void {
		this.closed = true;
	}
}

describe('FileChangeSignal', () => {
	let folder: string;
	let path: string;
	let signals: FileChangeSignal[];
	let looks: number;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'wa-signal-'));
		path = join(folder, 'store.sqlite');
		signals = [];
		looks = 0;
	});
	afterEach(() => {
		for (const signal of signals) signal.stop();
		rmSync(folder, { recursive: true, force: true });
	});

	function started(options: Partial<FileChangeSignalOptions> = {}): FileChangeSignal {
		const signal = new FileChangeSignal({
			path,
			look: () => {
				looks++;
				return true;
			},
			// Polling once a minute: within a test, only the signal can make it look.
			watchedPollIntervalMs: 60_000,
			pollIntervalMs: 60_000,
			...options,
		});
		signals.push(signal);
		signal.start();
		return signal;
	}

	it('looks at once when the WAL file or the store file is written, also after the WAL was deleted and made again', async () => {
		const signal = started();
		expect(signal.watching).toBe(true);
		appendFileSync(`${path}-wal`, 'frame');
		await waitFor(() => looks > 0, 1_000);

		// SQLite deletes the WAL when the last connection closes, and makes it again on the next open.
		unlinkSync(`${path}-wal`);
		await sleep(20);
		let before = looks;
		appendFileSync(`${path}-wal`, 'frame');
		await waitFor(() => looks > before, 1_000);

		before = looks;
		appendFileSync(path, 'checkpoint');
		await waitFor(() => looks > before, 1_000);
	});

	it('coalesces a burst of writes into a few looks, and ignores the other files of the folder', async () => {
		started();
		// Alternating names, as the kernel merges repeated events on one file.
		for (let index = 0; index < 200; index++) appendFileSync(index % 2 === 0 ? `${path}-wal` : path, 'frame');
		await sleep(50);
		// One look per turn of the event loop plus one once the writes stopped, not one per write.
		expect(looks).toBeGreaterThan(0);
		expect(looks).toBeLessThan(20);

		const before = looks;
		appendFileSync(join(folder, 'database.sqlite-wal'), 'another application');
		appendFileSync(`${path}-shm`, 'index');
		await sleep(100);
		expect(looks).toBe(before);
	});

	it('looks again and again while it cannot tell (a transaction is open), until it can', async () => {
		// More refusals than the looks that follow a write.
		let refusals = 20;
		let told = false;
		started({
			look: () => {
				if (refusals-- > 0) return false;
				told = true;
				return true;
			},
		});
		appendFileSync(`${path}-wal`, 'frame');
		await waitFor(() => told, 1_000);
	});

	it('stops watching on stop: later writes make it look no more', async () => {
		const signal = started();
		appendFileSync(`${path}-wal`, 'frame');
		await waitFor(() => looks > 0, 1_000);
		signal.stop();
		expect(signal.watching).toBe(false);
		const before = looks;
		appendFileSync(`${path}-wal`, 'frame');
		await sleep(100);
		expect(looks).toBe(before);
	});

	it('polls at the fallback rate when the folder cannot be watched', async () => {
		const signal = started({
			pollIntervalMs: 20,
			watchFolder: () => {
				throw Object.assign(new Error('inotify watch limit reached'), { code: 'ENOSPC' });
			},
		});
		expect(signal.watching).toBe(false);
		await sleep(200);
		expect(looks).toBeGreaterThanOrEqual(4);
	});

	it('looks once and polls at the fallback rate when the watch fails, closing it; stop ends the polling', async () => {
		const watcher = new FakeWatcher();
		const signal = started({ pollIntervalMs: 20, watchFolder: () => watcher as unknown as FSWatcher });
		expect(signal.watching).toBe(true);
		await sleep(100);
		expect(looks).toBe(0);

		watcher.emit('error', Object.assign(new Error('watched folder gone'), { code: 'EPERM' }));
		expect(watcher.closed).toBe(true);
		expect(signal.watching).toBe(false);
		await waitFor(() => looks >= 4, 1_000);

		signal.stop();
		const before = looks;
		await sleep(100);
		expect(looks).toBe(before);
	});

	it('closes its watch on stop', () => {
		const watcher = new FakeWatcher();
		const signal = started({ watchFolder: () => watcher as unknown as FSWatcher });
		signal.stop();
		expect(watcher.closed).toBe(true);
	});
});
