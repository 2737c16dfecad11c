import type { IRun } from 'n8n-workflow';

import type { RunOutcome } from '../../../core';

/**
 * Reads how an execution a trigger started ended (what n8n resolves the emit's done promise with) as
 * 'lost' or 'ran'. Lost means n8n lost the execution, not that the workflow failed:
 * - status 'crashed': the process running it died (n8n's own word for it);
 * - status 'error' with an error no node raised and no node recorded as run: in queue mode this is
 *   how main learns that the worker holding the job died ("failed to be processed too many times",
 *   n8n 2.x does not retry stalled jobs) or that the job could not be run at all.
 * Everything else ran: success, canceled, waiting, and every error a node of the workflow raised
 * (the user's own steps failing: a redelivery would repeat them). `undefined` is what n8n gives when
 * it dropped the emit as a duplicate of one that already has an execution: that one ran.
 */
export function runOutcome(run: IRun | undefined): RunOutcome {
	if (run === undefined) return 'ran';
	if (run.status === 'crashed') return 'lost';
	if (run.status !== 'error') return 'ran';
	const result = run.data?.resultData;
	const error = result?.error as { node?: unknown } | undefined;
	const anyNodeRan = result?.lastNodeExecuted !== undefined || Object.keys(result?.runData ?? {}).length > 0;
	return error !== undefined && error.node === undefined && !anyNodeRan ? 'lost' : 'ran';
}
