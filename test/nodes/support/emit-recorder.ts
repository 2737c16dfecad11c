// Stands in for what the n8n server does with a trigger's emit / emitError / saveFailedExecution
// (start an execution, deactivate, store a failed run): records them for the test instead.
import type { ExecutionError, INodeExecutionData, IPollFunctions, ITriggerFunctions } from 'n8n-workflow';

type EmitArguments = Parameters<ITriggerFunctions['emit']>;

export interface Emitted {
	data: INodeExecutionData[][];
	/** Given when the trigger wants the execution's response (e.g. respond-to-webhook style). */
	responsePromise?: EmitArguments[1];
	/** Given when the trigger waits for the execution to finish; resolve it to let it go on. */
	donePromise?: EmitArguments[2];
	deduplicationKey?: string;
}

export class EmitRecorder {
	readonly emitted: Emitted[] = [];
	/** emitError: fatal trigger errors (n8n deactivates the workflow and retries). */
	readonly errors: Error[] = [];
	/** saveFailedExecution: a failed run reported while the trigger stays active. */
	readonly failedExecutions: ExecutionError[] = [];
	private taken = 0;
	private readonly waiters: Array<(data: INodeExecutionData[][]) => void> = [];

	/** Makes emit throw the error this returns for some data, as a failing n8n would (nothing is recorded then). */
	refuse: ((data: INodeExecutionData[][]) => Error | undefined) | undefined;

	readonly emit = (...[data, responsePromise, donePromise, deduplicationKey]: EmitArguments): void => {
		const refusal = this.refuse?.(data);
		if (refusal) throw refusal;
		this.emitted.push({ data, responsePromise, donePromise, deduplicationKey });
		const waiter = this.waiters.shift();
		if (waiter) {
			this.taken++;
			waiter(data);
		}
	};

	/** A poller's `__emit` (its done promise is not kept). */
	readonly pollEmit: IPollFunctions['__emit'] = (data, responsePromise) => {
		this.emit(data, responsePromise);
	};

	readonly emitError = (error: Error): void => {
		this.errors.push(error);
	};

	readonly saveFailedExecution = (error: ExecutionError): void => {
		this.failedExecutions.push(error);
	};

	/** The next emit not yet taken by an earlier call (waits up to `timeoutMs` for it). */
	async nextEmit(timeoutMs = 2000): Promise<INodeExecutionData[][]> {
		if (this.taken < this.emitted.length) return this.emitted[this.taken++].data;
		let timer: NodeJS.Timeout | undefined;
		const next = new Promise<INodeExecutionData[][]>((resolve, reject) => {
			this.waiters.push(resolve);
			timer = setTimeout(() => {
				this.waiters.splice(this.waiters.indexOf(resolve), 1);
				reject(new Error(`No emit within ${timeoutMs} ms`));
			}, timeoutMs);
		});
		return await next.finally(() => clearTimeout(timer));
	}
}
