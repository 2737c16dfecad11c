import { randomUUID } from 'node:crypto';

import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type IWebhookDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { CloudApiError, type OutboundContext, type ResumeBody, type SendHooks } from '../../core';

/**
 * Send and Wait for Response (Send Message and Send Template): the question goes out like any message
 * of the node, the store records that this
 * execution waits for the customer's next message, and n8n keeps the execution waiting. Whichever
 * process ingests the answer (or the resumer, at the timeout) POSTs the outcome to the execution's
 * resume URL, where `resumeWebhook` turns it into the node's output.
 *
 * n8n resumes a waiting node as a disabled node, which passes on only its first output: the answer and
 * the timeout both leave on output 0, told apart by `timedOut`.
 */

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
/**
 * n8n's own wait ends this long after the timeout: only if no process ran the resumer meanwhile (no
 * active WhatsApp trigger), and then n8n passes the node's input on unchanged.
 */
export const WAIT_BACKSTOP_MS = 60 * 60_000;

const showForWait = { show: { operation: ['sendAndWait'] } };

/** `what` names the node's message in the actions: "message", "template". */
export function operationProperty(what: string): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Send', value: 'send', action: `Send a ${what}` },
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				action: `Send a ${what} and wait for the response`,
				description: 'Sends a question and waits until the customer answers on WhatsApp or the timeout passes',
			},
		],
		default: 'send',
	};
}

export function isSendAndWait(context: IExecuteFunctions): boolean {
	return context.getNodeParameter('operation', 0, 'send') === 'sendAndWait';
}

export const sendAndWaitProperties: INodeProperties[] = [
	{
		displayName: 'Wait For',
		name: 'waitAmount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		description: 'How long to wait for the answer; then the execution continues with timedOut true',
		displayOptions: showForWait,
	},
	{
		displayName: 'Unit',
		name: 'waitUnit',
		type: 'options',
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
		default: 'hours',
		displayOptions: showForWait,
	},
	{
		displayName:
			"The execution waits for the customer's next message (a tapped button or list row, or text); it continues on the first output with the answer, or with timedOut true. The customer's message still reaches Message Received triggers.",
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: showForWait,
	},
];

/**
 * Sends the first item's question with `send` and puts the execution to wait, like n8n's own Send and
 * Wait operations (one question per execution). Throws the send's errors for the node to route.
 */
export async function sendAndWait<Result>(
	context: IExecuteFunctions,
	outbound: OutboundContext,
	send: (hooks: SendHooks) => Promise<Result>,
): Promise<Result> {
	const amount = context.getNodeParameter('waitAmount', 0) as number;
	const unit = context.getNodeParameter('waitUnit', 0) as keyof typeof UNIT_MS;
	const timeoutMs = amount * UNIT_MS[unit];
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
		throw new NodeOperationError(context.getNode(), 'Wait For must be a positive number', { itemIndex: 0 });
	}
	const resumeUrl = context.evaluateExpression('{{ $execution.resumeUrl }}', 0) as string;
	const waitId = randomUUID();
	const now = Date.now();
	const expiresAt = now + timeoutMs;
	let recorded = false;
	let sent: Result;
	try {
		// The question waits before it leaves: the customer may answer before Meta's reply reaches us.
		// An answer that comes before n8n saved the execution as waiting is retried by the resumer.
		sent = await send({
			beforeSend: async (customerId) => {
				await outbound.store.waitForAnswer({ waitId, phoneNumberId: outbound.phoneNumberId, customerId, resumeUrl, createdAt: now, expiresAt });
				recorded = true;
			},
		});
	} catch (error) {
		// Only a question that certainly never went out is forgotten; one that may have been delivered
		// keeps waiting (its resume finds the execution ended and is dropped).
		if (recorded && error instanceof CloudApiError && !error.mayHaveBeenSent) await outbound.store.cancelWaitingAnswer(waitId);
		throw error;
	}
	await context.putExecutionToWait(new Date(expiresAt + WAIT_BACKSTOP_MS));
	return sent;
}

/** The waiting execution's resume call: only POSTs with the resumer's body are taken. */
export const resumeWebhooks: IWebhookDescription[] = [
	{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '', restartWebhook: true },
];

function isResumeBody(body: unknown): body is ResumeBody {
	const value = body as Partial<ResumeBody> | null;
	return typeof value?.waitId === 'string' && (value.outcome === 'answered' || value.outcome === 'timed_out');
}

export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body = this.getBodyData() as unknown;
	if (!isResumeBody(body)) {
		throw new NodeOperationError(this.getNode(), 'Not a WhatsApp answer: this execution waits for its customer to reply on WhatsApp');
	}
	const answer = body.outcome === 'answered' ? body.answer : null;
	const json: IDataObject = {
		answered: answer !== null,
		timedOut: body.outcome === 'timed_out',
		text: answer?.text ?? null,
		replyId: answer?.replyId ?? null,
		replyKind: answer?.replyKind ?? null,
		messageType: answer?.type ?? null,
		answerMessageId: answer?.wamid ?? null,
		answeredAt: answer ? new Date(answer.timestamp).toISOString() : null,
		customerId: body.customerId,
		phoneNumberId: body.phoneNumberId,
	};
	return { webhookResponse: { resumed: true }, workflowData: [[{ json }]] };
}
