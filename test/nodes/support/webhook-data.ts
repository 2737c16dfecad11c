// The IWebhookData the n8n server builds for a node's webhook: description by name, with its
// httpMethod and path resolved (they may be expressions over the node's parameters).
import {
	UnexpectedError,
	type INode,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
	type WebhookType,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export function buildWebhookData(
	workflow: Workflow,
	node: INode,
	name: WebhookType,
	mode: WorkflowExecuteMode,
	additionalData: IWorkflowExecuteAdditionalData,
): IWebhookData {
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhookDescription = nodeType.description.webhooks?.find((webhook) => webhook.name === name);
	if (webhookDescription === undefined) {
		throw new UnexpectedError(`Node type has no webhook named "${name}"`);
	}
	const resolve = (value: string) =>
		String(workflow.expression.getSimpleParameterValue(node, value, mode, {}) ?? '');
	return {
		httpMethod: resolve(webhookDescription.httpMethod) as IWebhookData['httpMethod'],
		node: node.name,
		path: resolve(webhookDescription.path),
		webhookDescription,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		// Test webhooks (the editor's "listen for test event") run in manual mode.
		isTest: mode === 'manual',
		staticData: workflow.staticData,
	};
}
