/**
 * What the WhatsApp triggers need to offer AI on their events: voice transcription for Message
 * Received and end-of-conversation extraction for Conversation Ended. Parameters and one call each;
 * the triggers add the model credential, shown only when the feature is on.
 */
import type { INodeProperties } from 'n8n-workflow';

import {
	chatCompleter,
	extractAndStoreConversationVariables,
	transcriber,
	transcribeVoiceMessage,
	WhatsAppConversationsError,
	type ConversationStore,
	type MediaDownloader,
	type StoredExtraction,
	type VariableDefinition,
	type VariableType,
	type VoiceTranscription,
} from '../../../core';
import { aiConnection, type AiCredentialHost } from '../core-access';
import { DEFAULT_MODEL, transcriptionLanguageProperty, transcriptionModelProperty } from '../descriptions';

const showWhen = (parameter: string) => ({ show: { [parameter]: [true] } });

/** Message Received: parameters for voice transcription. */
export const voiceTranscriptionProperties: INodeProperties[] = [
	{
		displayName: 'Transcribe Voice Notes',
		name: 'transcribeVoice',
		type: 'boolean',
		default: false,
		description: 'Whether to turn voice notes and audio messages into text with an OpenAI-compatible transcription model',
	},
	{ ...transcriptionModelProperty, displayOptions: showWhen('transcribeVoice') },
	{ ...transcriptionLanguageProperty, displayOptions: showWhen('transcribeVoice') },
];


const VARIABLE_TYPES: Array<{ name: string; value: VariableType }> = [
	{ name: 'Boolean', value: 'boolean' },
	{ name: 'Date', value: 'date' },
	{ name: 'List of Texts', value: 'list' },
	{ name: 'Number', value: 'number' },
	{ name: 'String', value: 'string' },
];

/** Conversation Ended: parameters for extraction. */
export const extractionProperties: INodeProperties[] = [
	{
		displayName: 'Extract Variables',
		name: 'extractVariables',
		type: 'boolean',
		default: false,
		description: 'Whether to ask an OpenAI-compatible model, once per conversation, for the variables below and a short summary of the transcript',
	},
	{
		displayName: 'Variables to Extract',
		name: 'variablesToExtract',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		displayOptions: showWhen('extractVariables'),
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'order_number' },
					{ displayName: 'Type', name: 'type', type: 'options', options: VARIABLE_TYPES, default: 'string' },
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						default: '',
						placeholder: 'The order number the customer asks about',
						description: 'What to look for, for the model',
					},
				],
			},
		],
	},
	{
		displayName: 'Include Summary',
		name: 'includeSummary',
		type: 'boolean',
		default: true,
		description: 'Whether to add a two or three sentence summary of the conversation (as summary)',
		displayOptions: showWhen('extractVariables'),
	},
	{
		displayName: 'Extraction Model',
		name: 'extractionModel',
		type: 'string',
		default: DEFAULT_MODEL,
		displayOptions: showWhen('extractVariables'),
	},
	{
		displayName: 'Extraction Instructions',
		name: 'extractionInstructions',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'Write the summary in Spanish.',
		description: 'Anything else the model should know: business context, the language of the summary',
		displayOptions: showWhen('extractVariables'),
	},
];


const TYPES = new Set<string>(VARIABLE_TYPES.map((type) => type.value));

/** The fixedCollection value of "Variables to Extract" as definitions; rows without a name are skipped. */
export function readVariableDefinitions(value: unknown): VariableDefinition[] {
	const rows = (value as { variable?: unknown } | null | undefined)?.variable;
	if (!Array.isArray(rows)) return [];
	return rows.flatMap((row: { name?: unknown; type?: unknown; description?: unknown }) => {
		const name = typeof row?.name === 'string' ? row.name.trim() : '';
		if (name === '') return [];
		const type = typeof row.type === 'string' && TYPES.has(row.type) ? (row.type as VariableType) : 'string';
		return [{ name, type, description: typeof row.description === 'string' ? row.description : '' }];
	});
}

/** A failure outside the model call (the credential, the store) in the shape the results report. */
function failure(error: unknown): { code: string; message: string; hint: string } {
	if (error instanceof WhatsAppConversationsError) return { code: error.code, message: error.message, hint: error.hint };
	return { code: 'AI_CONFIG_INVALID', message: error instanceof Error ? error.message : String(error), hint: 'Check the OpenAI-Compatible API credential on the trigger.' };
}

/** Transcribes a voice note or audio message for an item; failures are reported in `error`. */
export async function transcribeForTrigger(
	context: AiCredentialHost,
	downloader: MediaDownloader,
	media: { id: string; mimeType?: string | null },
	settings: { model?: string; language?: string } = {},
): Promise<VoiceTranscription> {
	try {
		const connection = await aiConnection(context);
		return await transcribeVoiceMessage(downloader, transcriber(connection), media, settings);
	} catch (error) {
		// Only the credential can fail here (transcribeVoiceMessage never throws).
		return { text: null, model: null, error: failure(error) };
	}
}

/**
 * Extracts the defined variables (and a summary) for an ended conversation, once: a conversation that
 * already has extracted variables is not sent to the model again. Never throws; see `error`.
 */
export async function extractForTrigger(
	context: AiCredentialHost,
	store: ConversationStore,
	conversationId: string,
	settings: { definitions: readonly VariableDefinition[]; model?: string; summary?: boolean; instructions?: string },
): Promise<StoredExtraction> {
	try {
		const connection = await aiConnection(context);
		return await extractAndStoreConversationVariables(store, conversationId, settings.definitions, chatCompleter(connection), {
			model: settings.model?.trim() || DEFAULT_MODEL,
			summary: settings.summary ?? true,
			instructions: settings.instructions,
		});
	} catch (error) {
		return {
			variables: {},
			summary: null,
			invalid: [],
			model: null,
			usage: null,
			alreadyExtracted: false,
			error: failure(error),
		};
	}
}
