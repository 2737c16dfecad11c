/** A webhook worker process seen from the test: its URL, the events it printed, and its end. */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

import { lineFrom, onStdoutLines, type Span } from '../../../tools/processes/barrier';
import { spawnTs } from '../../support/child';

const WORKER = resolve(__dirname, '../workers/webhook-worker.ts');

export interface PrintedEvent {
	id: number;
	type: string;
	key: string;
}

export interface WebhookWorker {
	readonly child: ChildProcess;
	readonly url: string;
	/** Events the worker's subscriber printed, in the order printed. */
	readonly events: PrintedEvent[];
	readonly exited: Promise<void>;
	/** When it ingested, first start to last end: printed when it stops on SIGTERM after ingesting. */
	span(): Span | undefined;
	/** True once the process is gone, whether killed or crashed (loops posting to it must stop). */
	hasExited(): boolean;
	/** Forgets the ingests so far in its span (a warm-up); resolves once the worker did. */
	restartSpan(): Promise<void>;
}

export async function startWebhookWorker(options: { path: string; appSecret: string; subscriber?: string }): Promise<WebhookWorker> {
	const child = spawnTs(WORKER, [JSON.stringify(options)]);
	const events: PrintedEvent[] = [];
	let span: Span | undefined;
	let stderr = '';
	let gone = false;
	const exited = new Promise<void>((resolvePromise) =>
		child.on('exit', () => {
			gone = true;
			resolvePromise();
		}),
	);
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const url = await new Promise<string>((resolvePromise, reject) => {
		onStdoutLines(child, (line) => {
			const [word, first, second, third] = line.split(' ');
			if (word === 'listening') resolvePromise(first);
			if (word === 'event') events.push({ id: Number(first), type: second, key: third });
			if (word === 'span') span = { start: Number(first), end: Number(second) };
		});
		void exited.then(() => reject(new Error(`webhook worker exited before listening: ${stderr}`)));
	});
	const restartSpan = async () => {
		const restarted = lineFrom(child, 'restarted');
		child.kill('SIGUSR2');
		await restarted;
	};
	return { child, url, events, exited, hasExited: () => gone, span: () => span, restartSpan };
}

/** POSTs a signed delivery as Meta does; resolves with the status, or null when the connection broke. */
export async function postDelivery(url: string, rawBody: Buffer, signature: string): Promise<number | null> {
	try {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: rawBody });
		await response.arrayBuffer();
		return response.status;
	} catch {
		return null;
	}
}
