import type { IExecuteFunctions } from 'n8n-workflow';

import type { AiReplyRequest, ImageDetail } from '../../core';
import type { AiConnectionOptions } from '../shared/core-access';
import { burstMessageIds } from '../shared/burst';
import { DEFAULT_MODEL } from '../shared/descriptions';
import { variablesOf, type VariableRows } from '../shared/variables';
import { DEFAULT_INSTRUCTIONS } from './description';

interface ReplyOptions {
	styleHint?: boolean;
	contextVariables?: VariableRows;
	historyTokenBudget?: number;
	imageDetail?: ImageDetail;
	imageMediaId?: string;
	useImages?: boolean;
	maxRetries?: number;
	maxTokens?: number;
	recordReply?: boolean;
	temperature?: number;
	timeoutSeconds?: number;
	topP?: number;
	transcribeVoice?: boolean;
	transcriptionLanguage?: string;
	transcriptionModel?: string;
	typingIndicator?: boolean;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

export interface ItemParameters {
	request: AiReplyRequest;
	connection: AiConnectionOptions;
	/** Show "typing…" while the model answers. */
	typingIndicator: boolean;
}

/** One item's parameters as the core's request; defaults of options the user did not add applied here. */
export function readItemParameters(context: IExecuteFunctions, itemIndex: number): ItemParameters {
	const options = context.getNodeParameter('options', itemIndex, {}) as ReplyOptions;
	return {
		request: {
			customer: text(context.getNodeParameter('customer', itemIndex)),
			message: text(context.getNodeParameter('message', itemIndex, '')),
			messageId: text(context.getNodeParameter('messageId', itemIndex, '')).trim() || undefined,
			turnMessageIds: burstMessageIds(context, itemIndex, text(context.getNodeParameter('messageId', itemIndex, '')).trim()),
			instructions: text(context.getNodeParameter('instructions', itemIndex, DEFAULT_INSTRUCTIONS)),
			model: text(context.getNodeParameter('model', itemIndex, DEFAULT_MODEL)).trim(),
			temperature: options.temperature ?? 0.7,
			topP: options.topP,
			maxTokens: options.maxTokens ?? 1024,
			historyTokenBudget: options.historyTokenBudget ?? 3000,
			variables: variablesOf(options.contextVariables),
			styleHint: options.styleHint ?? true,
			vision: { enabled: options.useImages ?? true, mediaId: options.imageMediaId?.trim() || undefined, detail: options.imageDetail },
			voice: { enabled: options.transcribeVoice ?? true, model: options.transcriptionModel, language: options.transcriptionLanguage },
			send: context.getNodeParameter('sendReply', itemIndex, false) as boolean,
			recordReply: options.recordReply ?? true,
		},
		connection: {
			timeoutMs: Math.max(1, options.timeoutSeconds ?? 120) * 1000,
			maxRetries: Math.max(0, Math.floor(options.maxRetries ?? 2)),
		},
		typingIndicator: options.typingIndicator ?? true,
	};
}
