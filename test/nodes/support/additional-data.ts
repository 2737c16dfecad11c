// IWorkflowExecuteAdditionalData as the n8n server hands it to n8n-core, minus the database:
// credentials from the harness helper, lifecycle hooks, instance URLs. Sub-workflows, task
// runners (Code node) and stored executions are out of scope and fail loudly if a node uses them.
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import {
	UnexpectedError,
	type ICredentialsHelper,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/** Instance base URL used for webhook URLs (`getNodeWebhookUrl`) and resume URLs. */
export const HARNESS_BASE_URL = 'http://localhost:5678';

export function workflowBase(workflow: Workflow): IWorkflowBase {
	const now = new Date();
	return {
		id: workflow.id,
		name: workflow.name ?? 'Harness workflow',
		active: workflow.active,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		staticData: workflow.staticData,
	};
}

function unsupported(what: string): never {
	throw new UnexpectedError(`${what} is not supported by the test harness`);
}

export interface AdditionalDataOptions {
	workflow: Workflow;
	mode: WorkflowExecuteMode;
	executionId: string;
	credentialsHelper: ICredentialsHelper;
	/** `$vars` in expressions. */
	variables?: Record<string, string>;
}

export function createAdditionalData(options: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	const { workflow, mode, executionId, credentialsHelper } = options;
	return {
		credentialsHelper,
		hooks: new ExecutionLifecycleHooks(mode, executionId, workflowBase(workflow)),
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId,
		workflowId: workflow.id,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${HARNESS_BASE_URL}/rest`,
		instanceBaseUrl: `${HARNESS_BASE_URL}/`,
		formWaitingBaseUrl: `${HARNESS_BASE_URL}/form-waiting`,
		webhookBaseUrl: `${HARNESS_BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${HARNESS_BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${HARNESS_BASE_URL}/webhook-test`,
		mcpBaseUrl: `${HARNESS_BASE_URL}/mcp`,
		mcpTestBaseUrl: `${HARNESS_BASE_URL}/mcp-test`,
		variables: options.variables ?? {},
		logAiEvent: () => undefined,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: async () => unsupported('Executing a sub-workflow'),
		startRunnerTask: async () => unsupported('A task runner (Code node)'),
	};
}
