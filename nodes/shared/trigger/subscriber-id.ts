/**
 * The store cursor an active trigger node reads through: one per workflow and node, kept while the
 * workflow is inactive so that it catches up once active again. The sandbox drops it when it
 * switches support bots (sandbox/sandbox.ts), so the bot published again starts with new messages.
 */
export function triggerSubscriberId(workflowId: string, nodeId: string): string {
	return `workflow:${workflowId}:node:${nodeId}`;
}
