/**
 * A ready/go barrier for tests (and the bench) that race several processes: each worker gets its
 * store or client ready, says "ready" and waits; the parent says "go" to all of them at once, so the
 * race starts after every process's start-up, not staggered by it. Each worker reports the span of
 * its work (first operation started, last one finished, on the machine's wall clock), and the test
 * checks that the spans overlap: a "race" in which the processes ran one after the other proves nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** When a process's work started and finished, in ms since the epoch (comparable across processes). */
export interface Span {
	start: number;
	end: number;
}

function wallClock(): number {
	return performance.timeOrigin + performance.now();
}

/** Worker side: says "ready" on stdout and resolves when the parent says "go" on stdin. */
export function readyThenGo(): Promise<void> {
	process.stdout.write('ready\n');
	return new Promise((resolve, reject) => {
		let heard = '';
		process.stdin.on('data', (chunk: Buffer) => {
			heard += chunk.toString();
			if (heard.includes('go')) resolve();
		});
		process.stdin.on('end', () => reject(new Error('stdin closed before "go"')));
	});
}

/** Worker side: runs `work` after the barrier and returns its result with the span it took. */
export async function afterGo<T>(work: () => Promise<T>): Promise<{ result: T; span: Span }> {
	await readyThenGo();
	const start = wallClock();
	const result = await work();
	return { result, span: { start, end: wallClock() } };
}

/** Collects the span of many timed calls (a server handling requests, say): first start to last end. */
export class SpanRecorder {
	private start = Infinity;
	private end = -Infinity;

	async time<T>(work: () => Promise<T>): Promise<T> {
		const start = wallClock();
		try {
			return await work();
		} finally {
			this.start = Math.min(this.start, start);
			this.end = Math.max(this.end, wallClock());
		}
	}

	/** `target` with every call of its method `method` timed (a store's ingest, behind a server). */
	timing<T extends object>(target: T, method: keyof T & string): T {
		return new Proxy(target, {
			get: (object, property) => {
				const value: unknown = Reflect.get(object, property, object);
				if (typeof value !== 'function') return value;
				const bound = (value as (...args: unknown[]) => unknown).bind(object);
				return property === method ? (...args: unknown[]) => this.time(async () => bound(...args)) : bound;
			},
		});
	}

	hasTimed(): boolean {
		return this.start !== Infinity;
	}

	/** Forgets the calls timed so far (a warm-up), so the span covers only what comes next. */
	restart(): void {
		this.start = Infinity;
		this.end = -Infinity;
	}

	span(): Span {
		if (this.start === Infinity) throw new Error('no timed call happened');
		return { start: this.start, end: this.end };
	}
}

/** Calls `handle` with each whole line `child` prints on stdout, as it arrives. */
export function onStdoutLines(child: ChildProcess, handle: (line: string) => void): void {
	let buffer = '';
	child.stdout?.on('data', (chunk: Buffer) => {
		buffer += chunk.toString();
		const lines = buffer.split('\n');
		buffer = lines.pop() ?? '';
		for (const line of lines) handle(line);
	});
}

/** Resolves with the first stdout line of `child` that starts with `prefix`; rejects if it exits first. */
export function lineFrom(child: ChildProcess, prefix: string): Promise<string> {
	return new Promise((resolve, reject) => {
		let buffer = '';
		const onData = (chunk: Buffer) => {
			buffer += chunk.toString();
			const line = buffer.split('\n').find((candidate) => candidate.startsWith(prefix));
			if (line === undefined) return;
			child.stdout?.off('data', onData);
			child.off('exit', onExit);
			resolve(line);
		};
		const onExit = (code: number | null) => reject(new Error(`worker exited (${code}) before printing "${prefix}"`));
		child.stdout?.on('data', onData);
		child.once('exit', onExit);
	});
}

/**
 * Parent side: waits until every child said "ready", then says "go" to all of them in one go (and
 * closes their stdin, so nothing keeps them alive afterwards).
 */
export async function goTogether(children: readonly ChildProcess[]): Promise<void> {
	await Promise.all(children.map((child) => lineFrom(child, 'ready')));
	for (const child of children) child.stdin?.end('go\n');
}

/**
 * How long every span ran at the same time as all the others, in ms: the earliest end minus the latest
 * start. Positive when the processes overlapped, negative when one finished before another started.
 */
export function overlapMs(spans: readonly Span[]): number {
	return Math.min(...spans.map((span) => span.end)) - Math.max(...spans.map((span) => span.start));
}

/**
 * The processes whose span overlapped no other's: each of them ran alone, so it raced nobody. On a
 * loaded 2-core machine the first of 8 fast workers may finish before the last is scheduled, so a race
 * of many processes is shown by none running alone rather than by all 8 overlapping at one instant.
 */
export function ranAlone(spans: readonly Span[]): number[] {
	const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
	return spans.flatMap((span, index) => (spans.some((other, at) => at !== index && overlaps(span, other)) ? [] : [index]));
}
