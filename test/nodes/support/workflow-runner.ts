// Runs a workflow through n8n's own engine in-process: a real `Workflow` (n8n-workflow) executed
// by n8n-core's `WorkflowExecute`, so expressions, paired items, continueOnFail / onError, error
// outputs, credentials, HTTP helpers and binary data behave as on an n8n server.
import { LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	createRunExecutionData,
	deepCopy,
	type ExecutionError,
	type ExecutionStatus,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IRun,
	type IRunData,
	type IRunExecutionData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { HarnessCredentialsHelper, type CredentialDataMap } from './credentials-helper';
import { n8nTestEnvironment, type BinaryDataMode, type CapturedLog } from './n8n-environment';
import { HarnessNodeTypes, type NodeTypeMap } from './node-types';

/** An INode where id, position, typeVersion and parameters may be left out. */
export type WorkflowNode = Omit<INode, 'id' | 'position' | 'typeVersion' | 'parameters'> &
	Partial<Pick<INode, 'id' | 'position' | 'typeVersion' | 'parameters'>>;

export interface RunWorkflowOptions {
	nodeTypes: NodeTypeMap;
	workflow: { nodes: WorkflowNode[]; connections: IConnections; settings?: IWorkflowSettings };
	/** Decrypted credential data by credential type; nodes must still reference them in `credentials`. */
	credentials?: CredentialDataMap;
	/** Needed for `authenticate`, defaults and `extends` of the credentials used. */
	credentialTypes?: Record<string, ICredentialType>;
	/** Items given to the start node (default one empty item). */
	inputItems?: INodeExecutionData[];
	/**
	 * What n8n puts on the stack when a trigger or webhook starts a workflow, one array per output:
	 * a trigger/webhook start node run in a non-manual mode passes it through as its output.
	 */
	triggerOutput?: INodeExecutionData[][];
	/** Node to start from (default: n8n's choice, the first trigger or else the first node). */
	startNode?: string;
	/** Default 'manual' (a trigger start node then runs its `trigger()` with manualTriggerFunction). */
	mode?: WorkflowExecuteMode;
	staticData?: IDataObject;
	variables?: Record<string, string>;
	binaryDataMode?: BinaryDataMode;
	workflowId?: string;
}

export interface WorkflowRunResult {
	run: IRun;
	status: ExecutionStatus;
	runData: IRunData;
	resultData: IRunExecutionData['resultData'];
	/** The execution's error, when a node failed without continuing. */
	error?: ExecutionError;
	/** Node names in the order they finished. */
	executedNodes: string[];
	/** Every output of a node run (index 0 is `main` output 0). Throws if the node did not run. */
	outputOf(nodeName: string, runIndex?: number): INodeExecutionData[][];
	/** The items on one output of a node run. */
	itemsOf(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error a node run recorded (also when continueOnFail turned it into an item). */
	nodeError(nodeName: string, runIndex?: number): ExecutionError | undefined;
	staticData: IDataObject;
	/** What `this.logger` (and n8n-core's LoggerProxy) recorded during this run. */
	logs: CapturedLog[];
	/** Credential types nodes asked for, in order. */
	credentialsRequested: string[];
}

let executionCounter = 0;

export function toINode(node: WorkflowNode, index: number): INode {
	return {
		...deepCopy(node),
		id: node.id ?? `node-${index}`,
		position: node.position ?? [index * 200, 0],
		typeVersion: node.typeVersion ?? 1,
		parameters: deepCopy(node.parameters ?? {}),
	};
}

/** Linear `main` connections: chain('A', 'B', 'C') connects A→B→C on output 0 / input 0. */
export function chain(...nodeNames: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < nodeNames.length; i++) {
		connections[nodeNames[i]] = { main: [[{ node: nodeNames[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

export function createWorkflow(options: RunWorkflowOptions): Workflow {
	return new Workflow({
		id: options.workflowId ?? 'harness-workflow',
		name: 'Harness workflow',
		nodes: options.workflow.nodes.map(toINode),
		connections: deepCopy(options.workflow.connections),
		nodeTypes: new HarnessNodeTypes(options.nodeTypes),
		settings: { executionOrder: 'v1', ...options.workflow.settings },
		staticData: options.staticData,
		active: false,
	});
}

/** The context n8n gives a node's editor methods (list search, resource mapping) for one of its parameters. */
export async function loadOptionsContext(
	options: Pick<RunWorkflowOptions, 'nodeTypes' | 'credentials' | 'credentialTypes'> & { node: WorkflowNode; parameterPath: string },
): Promise<LoadOptionsContext> {
	await n8nTestEnvironment();
	const workflow = createWorkflow({ nodeTypes: options.nodeTypes, workflow: { nodes: [options.node], connections: {} } });
	const additionalData = createAdditionalData({
		workflow,
		mode: 'internal',
		executionId: 'load-options',
		credentialsHelper: new HarnessCredentialsHelper({ ...options.credentials }, options.credentialTypes),
	});
	return new LoadOptionsContext(workflow, workflow.getNode(options.node.name)!, additionalData, options.parameterPath);
}

/** A node whose webhook can start a workflow: a waiting node's resume webhooks (restartWebhook) cannot, as in n8n. */
function isWebhookNode(workflow: Workflow, node: INode): boolean {
	const type = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	return type.webhook !== undefined && (type.description.webhooks ?? []).some((webhook) => webhook.restartWebhook !== true);
}

/** The given node; else n8n's choice (first trigger or poller); else a webhook node; else the first root. */
export function pickStartNode(workflow: Workflow, name?: string): INode {
	const nodes = Object.values(workflow.nodes);
	const node =
		name !== undefined
			? workflow.getNode(name)
			: (workflow.getStartNode() ??
				nodes.find((candidate) => isWebhookNode(workflow, candidate)) ??
				nodes.find((candidate) => workflow.getParentNodes(candidate.name).length === 0));
	if (!node) throw new Error(`No start node ${name ?? ''} in the workflow`);
	return node;
}

function resultView(run: IRun, workflow: Workflow) {
	const { resultData } = run.data;
	const taskOf = (nodeName: string, runIndex: number) => {
		const task = resultData.runData[nodeName]?.[runIndex];
		if (task === undefined) {
			const ran = Object.keys(resultData.runData).join(', ') || 'none';
			const why = resultData.error ? ` (execution error: ${resultData.error.message})` : '';
			throw new Error(`Node "${nodeName}" has no run ${runIndex}; nodes that ran: ${ran}${why}`);
		}
		return task;
	};
	const outputOf = (nodeName: string, runIndex = 0): INodeExecutionData[][] =>
		(taskOf(nodeName, runIndex).data?.main ?? []).map((items) => items ?? []);
	return {
		outputOf,
		itemsOf: (nodeName: string, outputIndex = 0, runIndex = 0) =>
			outputOf(nodeName, runIndex)[outputIndex] ?? [],
		nodeError: (nodeName: string, runIndex = 0) => taskOf(nodeName, runIndex).error,
		staticData: workflow.staticData,
	};
}

/**
 * Runs the workflow to the end and returns what n8n would store for the execution.
 *
 * @example
 * const result = await runWorkflow({
 *   nodeTypes: { 'test.send': new SendNode() },
 *   workflow: {
 *     nodes: [{ name: 'Send', type: 'test.send', parameters: { to: '={{ $json.phone }}' },
 *               credentials: { whatsAppApi: { id: '1', name: 'WA' } } }],
 *     connections: {},
 *   },
 *   credentials: { whatsAppApi: { accessToken: 't' } },
 *   credentialTypes: { whatsAppApi: new WhatsAppApi() },
 *   inputItems: [{ json: { phone: '+15550001111' } }],
 * });
 * expect(result.itemsOf('Send')[0].pairedItem).toEqual({ item: 0 });
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	const { logger } = await n8nTestEnvironment({ binaryDataMode: options.binaryDataMode });
	const firstLog = logger.entries.length;
	const mode = options.mode ?? 'manual';
	const workflow = createWorkflow(options);
	const startNode = pickStartNode(workflow, options.startNode);

	const credentialsHelper = new HarnessCredentialsHelper(
		{ ...options.credentials },
		options.credentialTypes,
	);
	const executionId = `harness-execution-${++executionCounter}`;
	const additionalData = createAdditionalData({
		workflow,
		mode,
		executionId,
		credentialsHelper,
		variables: options.variables,
	});
	const executedNodes: string[] = [];
	additionalData.hooks?.addHandler('nodeExecuteAfter', (nodeName) => {
		executedNodes.push(nodeName);
	});

	const main = options.triggerOutput ?? [options.inputItems ?? [{ json: {} }]];
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: startNode, data: { main }, source: null }] },
	});
	const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(
		workflow,
	);
	return {
		run,
		status: run.status,
		runData: run.data.resultData.runData,
		resultData: run.data.resultData,
		error: run.data.resultData.error,
		executedNodes,
		logs: logger.entries.slice(firstLog),
		credentialsRequested: credentialsHelper.requested,
		...resultView(run, workflow),
	};
}
