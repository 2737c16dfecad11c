// A trigger learns how each execution it started ended (the emit's done promise, which n8n resolves
// with the run) and emits an event again, once, when n8n lost its execution (a worker killed in queue
// mode), never when it ran: not on success, not when a node of the workflow failed.
import { NodeOperationError, createRunExecutionData, type INode, type IRun } from 'n8n-workflow';

import type { RunOutcome } from '../../core';
import { runOutcome } from '../../nodes/shared/trigger/run-outcome';
import { waitFor } from '../store-conformance/conformance';
import type { Emitted } from './support/emit-recorder';
import { textSampleWith, useMessageTriggers } from './support/message-triggers';
import { useWhatsAppFixture } from './support/whatsapp-fixture';

const NODE = { name: 'Code', type: 'n8n-nodes-base.code' } as INode;

/** An IRun as n8n hands it to the done promise. */
function run(status: IRun['status'], resultData: { error?: Error; lastNodeExecuted?: string; runData?: IRun['data']['resultData']['runData'] } = {}): IRun {
	return {
		status,
		mode: 'trigger',
		startedAt: new Date(),
		storedAt: 'db',
		data: createRunExecutionData({ resultData: { runData: {}, ...resultData } as IRun['data']['resultData'] }),
	};
}

/** What n8n 2.30.8's main builds when the worker holding the job died (WorkflowRunner.processError). */
function workerDied(): IRun {
	const error = new Error('This execution failed to be processed too many times and will no longer retry.');
	return run('error', { error: { ...error, message: error.message, stack: error.stack } as Error });
}

const CASES: Array<[string, IRun | undefined, RunOutcome]> = [
	['crashed (the process running it died)', run('crashed'), 'lost'],
	['error from the queue, no node ran (worker killed, job stalled)', workerDied(), 'lost'],
	['success', run('success'), 'ran'],
	['canceled (stopped by a user or a timeout)', run('canceled'), 'ran'],
	['waiting (a Wait node)', run('waiting'), 'ran'],
	['error a node raised', run('error', { error: new NodeOperationError(NODE, 'boom'), lastNodeExecuted: 'Code' }), 'ran'],
	['error after a node ran, though the error names none', run('error', { error: new Error('boom'), lastNodeExecuted: 'Code' }), 'ran'],
	['error with run data of a node', run('error', { error: new Error('boom'), runData: { Code: [] } }), 'ran'],
	['error without any error recorded', run('error'), 'ran'],
	['no run: n8n dropped a duplicate emit, the first one has its execution', undefined, 'ran'],
];

describe('runOutcome: which ends of an execution count as lost', () => {
	it.each(CASES.map(([what, given, expected]) => [`${what} → ${expected}`, given, expected] as const))('%s', (_what, given, expected) => {
		expect(runOutcome(given)).toBe(expected);
	});
});

describe('a trigger whose execution n8n lost', () => {
	const wa = useWhatsAppFixture();
	const { activeTrigger, signed } = useMessageTriggers(wa, 'trigger-redelivery-secret', 'redelivery-verify-token');

	/** One signed delivery of text messages with the given ids. */
	const delivery = (ids: string[]) => signed(textSampleWith((text) => ids.map((id) => ({ ...text, id }))));

	const settle = () => new Promise((wait) => setTimeout(wait, 500));
	const idOf = (emit: Emitted) => emit.data[0][0].json.messageId;

	it('emits an event again, once, with a key of its own, when its execution was lost; never one that ran', async () => {
		const { harness, active } = await activeTrigger('wf-redelivery');
		const ids = ['wamid.lost', 'wamid.ran', 'wamid.node-failed', 'wamid.duplicate'];
		await harness.webhook(delivery(ids));
		await waitFor(() => active.recorder.emitted.length >= 4, 10_000);
		const [lost, ran, nodeFailed, duplicate] = active.recorder.emitted;
		expect([lost, ran, nodeFailed, duplicate].map(idOf)).toEqual(ids);
		expect(lost.donePromise).toBeDefined();

		lost.donePromise?.resolve(workerDied());
		ran.donePromise?.resolve(run('success'));
		nodeFailed.donePromise?.resolve(run('error', { error: new NodeOperationError(NODE, 'boom'), lastNodeExecuted: 'Code' }));
		(duplicate.donePromise?.resolve as (value: IRun | undefined) => void)(undefined);
		await waitFor(() => active.recorder.emitted.length >= 5, 10_000);
		const again = active.recorder.emitted[4];
		expect(idOf(again)).toBe('wamid.lost');
		expect(again.data[0][0].json).toEqual(lost.data[0][0].json);
		expect(again.deduplicationKey).toBe(`${lost.deduplicationKey}:redelivery`);
		expect(harness.logs.map((log) => log.message)).toEqual(expect.arrayContaining([expect.stringMatching(/emits event \d+ \(message\.received\) again: n8n lost its execution/)]));

		// Lost a second time: not emitted a third time.
		again.donePromise?.resolve(run('crashed'));
		await settle();
		expect(active.recorder.emitted.map(idOf)).toEqual([...ids, 'wamid.lost']);
	});
});
