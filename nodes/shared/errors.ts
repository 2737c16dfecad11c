import { NodeOperationError, type IExecuteFunctions, type INode, type INodeExecutionData, type JsonObject } from 'n8n-workflow';

import { CloudApiError, WhatsAppConversationsError } from '../../core';

/**
 * Core errors become n8n errors whose message says what went wrong and whose description names the
 * fix; the core never puts a secret in either.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (error instanceof WhatsAppConversationsError) {
		return new NodeOperationError(node, error.message, { description: `${error.hint} (code ${error.code})`, itemIndex });
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}

/** The item a failed item becomes when the node continues on fail: enough to branch on. */
function errorItemJson(error: unknown): JsonObject {
	if (error instanceof WhatsAppConversationsError) {
		const json: JsonObject = { error: error.message, code: error.code, hint: error.hint, retryable: error.retryable };
		// A send that may have gone out is flagged, so a flow does not send it again blindly.
		if (error instanceof CloudApiError) json.mayHaveBeenSent = error.mayHaveBeenSent;
		return json;
	}
	return { error: error instanceof Error ? error.message : String(error) };
}

/** The output of an item that failed: its error item when the node continues on fail; else it stops the node. */
export function failedItem(context: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
	return { json: errorItemJson(error), pairedItem: { item: itemIndex } };
}
