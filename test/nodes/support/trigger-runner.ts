// Trigger and webhook nodes driven the way the n8n server drives them, with n8n-core's own parts:
// activation through ActiveWorkflowTriggers with a real TriggerContext whose emit is recorded;
// `webhook()` with a real WebhookContext over a fake request/response; webhookMethods with a
// HookContext. One Workflow instance lives across calls, so static data persists between them.
import { Container } from '@n8n/di';
import { ActiveWorkflowTriggers, HookContext, PollContext, TriggerContext, WebhookContext } from 'n8n-core';
import {
	NodeHelpers,
	UnexpectedError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type ITriggerResponse,
	type IVersionedNodeType,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WebhookType,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { EmitRecorder } from './emit-recorder';
import {
	HarnessCredentialsHelper,
	type CredentialDataMap,
	type CredentialTypeMap,
} from './credentials-helper';
import {
	RecordingResponse,
	createWebhookRequest,
	type FakeWebhookRequest,
	type WebhookRequestInit,
} from './fake-webhook-http';
import {
	n8nTestEnvironment,
	type BinaryDataMode,
	type CapturedLog,
	type N8nTestEnvironment,
} from './n8n-environment';
import { buildWebhookData } from './webhook-data';
import { createWorkflow, type WorkflowNode } from './workflow-runner';

export interface TriggerHarnessOptions {
	nodeType: INodeType | IVersionedNodeType;
	/** Node settings (name, parameters, typeVersion, webhookId, credentials...); type is filled in. */
	node?: Partial<WorkflowNode>;
	/** Credential data by type; the node gets a reference to each unless `node.credentials` is set. */
	credentials?: CredentialDataMap;
	credentialTypes?: CredentialTypeMap;
	staticData?: IDataObject;
	workflowId?: string;
	/** Workflow `active` flag (what getWorkflow().active reports); default true. */
	active?: boolean;
	binaryDataMode?: BinaryDataMode;
}

export interface ActiveTrigger {
	/** What trigger() returned (closeFunction, manualTriggerFunction). */
	response: ITriggerResponse | undefined;
	/** emit / emitError / saveFailedExecution calls so far. */
	recorder: EmitRecorder;
	/** Resolves with the next emit's data (or one already emitted and not yet taken). */
	nextEmit(timeoutMs?: number): Promise<INodeExecutionData[][]>;
	/** Deactivates the workflow (n8n-core calls the trigger's closeFunction). */
	close(): Promise<void>;
}

export interface WebhookCallResult extends IWebhookResponseData {
	request: FakeWebhookRequest;
	response: RecordingResponse;
}

export type WebhookMethod = 'checkExists' | 'create' | 'delete';

export const HARNESS_TRIGGER_TYPE = 'harness.trigger';
let harnessCounter = 0;

export class TriggerHarness {
	readonly workflow: Workflow;
	readonly node: INode;
	readonly credentialsHelper: HarnessCredentialsHelper;
	private executionCounter = 0;
	private readonly firstLog: number;
	private readonly binaryDataMode?: BinaryDataMode;

	constructor(
		options: TriggerHarnessOptions,
		private readonly environment: N8nTestEnvironment,
	) {
		this.firstLog = environment.logger.entries.length;
		this.binaryDataMode = options.binaryDataMode;
		const description = NodeHelpers.getVersionedNodeType(options.nodeType).description;
		const credentials =
			options.node?.credentials ??
			Object.fromEntries(
				Object.keys(options.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: type }]),
			);
		this.workflow = createWorkflow({
			nodeTypes: { [HARNESS_TRIGGER_TYPE]: options.nodeType },
			workflow: {
				nodes: [
					{
						name: description.defaults.name ?? description.displayName,
						webhookId: description.webhooks?.length ? 'harness-webhook-id' : undefined,
						...options.node,
						credentials,
						type: HARNESS_TRIGGER_TYPE,
					},
				],
				connections: {},
			},
			staticData: options.staticData,
			// Unique by default: activation replaces the triggers of the same workflow id.
			workflowId: options.workflowId ?? `harness-trigger-workflow-${++harnessCounter}`,
		});
		this.workflow.active = options.active ?? true;
		this.node = Object.values(this.workflow.nodes)[0];
		this.credentialsHelper = new HarnessCredentialsHelper(
			{ ...options.credentials },
			options.credentialTypes,
		);
	}

	/** The workflow's static data (what getWorkflowStaticData returns), kept across calls. */
	get staticData(): IDataObject {
		return this.workflow.staticData;
	}

	private get nodeType(): INodeType {
		return this.workflow.nodeTypes.getByNameAndVersion(this.node.type, this.node.typeVersion);
	}

	/** Additional data for one call, with the harness's binary data mode in force (it is process-wide). */
	private async prepare(mode: WorkflowExecuteMode): Promise<IWorkflowExecuteAdditionalData> {
		await n8nTestEnvironment({ binaryDataMode: this.binaryDataMode });
		return this.additionalData(mode);
	}

	private additionalData(mode: WorkflowExecuteMode): IWorkflowExecuteAdditionalData {
		return createAdditionalData({
			workflow: this.workflow,
			mode,
			executionId: `harness-trigger-${++this.executionCounter}`,
			credentialsHelper: this.credentialsHelper,
		});
	}

	/**
	 * Activates the workflow as the n8n server does (n8n-core's ActiveWorkflowTriggers calling
	 * `trigger()` with a TriggerContext); what the node emits is recorded. Manual runs of a trigger
	 * go through `runWorkflow` instead, where n8n-core wires emit to the execution.
	 */
	async activate(
		options: { mode?: Exclude<WorkflowExecuteMode, 'manual'>; activation?: WorkflowActivateMode } = {},
	): Promise<ActiveTrigger> {
		const mode = options.mode ?? 'trigger';
		const additionalData = await this.prepare(mode);
		const recorder = new EmitRecorder();
		const triggers = Container.get(ActiveWorkflowTriggers);
		await triggers.addAllTriggers(
			this.workflow.id,
			this.workflow,
			additionalData,
			mode,
			options.activation ?? 'activate',
			(...args) =>
				new TriggerContext(...args, recorder.emit, recorder.emitError, recorder.saveFailedExecution),
			(...args) => new PollContext(...args, recorder.pollEmit, recorder.emitError),
		);
		return {
			recorder,
			response: triggers.get(this.workflow.id)?.get(this.node.id),
			nextEmit: async (timeoutMs) => await recorder.nextEmit(timeoutMs),
			close: async () => {
				await triggers.remove(this.workflow.id);
			},
		};
	}

	private webhookData(
		name: WebhookType,
		mode: WorkflowExecuteMode,
		additionalData: IWorkflowExecuteAdditionalData,
	): IWebhookData {
		return buildWebhookData(this.workflow, this.node, name, mode, additionalData);
	}

	/** Calls `webhook()` as the n8n server does for an incoming request (production URL by default). */
	async webhook(
		init: WebhookRequestInit & { webhookName?: WebhookType; mode?: WorkflowExecuteMode } = {},
	): Promise<WebhookCallResult> {
		const mode = init.mode ?? 'webhook';
		const additionalData = await this.prepare(mode);
		const webhookData = this.webhookData(init.webhookName ?? 'default', mode, additionalData);
		const request = createWebhookRequest(
			{ method: webhookData.httpMethod, ...init },
			`/webhook/${webhookData.webhookId ?? ''}/${webhookData.path}`,
		);
		const response = new RecordingResponse();
		additionalData.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
		additionalData.httpResponse = response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
		const { workflow, node } = this;
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
		const { webhook } = this.nodeType;
		if (webhook === undefined) throw new UnexpectedError('Node type has no webhook() method');
		const result = await webhook.call(context);
		return { ...result, request, response };
	}

	/** Runs one of `webhookMethods[webhookName]` (checkExists / create / delete) with a HookContext. */
	async webhookMethod(method: WebhookMethod, webhookName: WebhookType = 'default'): Promise<boolean> {
		const mode: WorkflowExecuteMode = 'trigger';
		const additionalData = await this.prepare(mode);
		const webhookData = this.webhookData(webhookName, mode, additionalData);
		const fn = this.nodeType.webhookMethods?.[webhookName]?.[method];
		if (fn === undefined) {
			throw new UnexpectedError(`Node type has no webhookMethods.${webhookName}.${method}`);
		}
		const { workflow, node } = this;
		return await fn.call(new HookContext(workflow, node, additionalData, mode, 'activate', webhookData));
	}

	/** The URL n8n would show for the node's webhook (production, or test with `test: true`). */
	webhookUrl(name: WebhookType = 'default', test = false): string | undefined {
		const mode: WorkflowExecuteMode = test ? 'manual' : 'webhook';
		const additionalData = this.additionalData(mode);
		const webhookData = this.webhookData(name, mode, additionalData);
		const { workflow, node } = this;
		return new HookContext(workflow, node, additionalData, mode, 'activate', webhookData).getNodeWebhookUrl(
			name,
		);
	}

	/** What `this.logger` (and n8n-core) logged since the harness was created. */
	get logs(): CapturedLog[] {
		return this.environment.logger.entries.slice(this.firstLog);
	}
}

export async function createTriggerHarness(options: TriggerHarnessOptions): Promise<TriggerHarness> {
	const environment = await n8nTestEnvironment({ binaryDataMode: options.binaryDataMode });
	return new TriggerHarness(options, environment);
}
