import { toFile } from 'openai';

import type { AiConnection } from './client';
import { AiError } from './errors';

export const DEFAULT_TRANSCRIPTION_MODEL = 'whisper-1';

export interface TranscriptionRequest {
	audio: Buffer;
	/** As WhatsApp reports it, e.g. "audio/ogg; codecs=opus" for a voice note. */
	mimeType: string;
	model?: string;
	/** ISO-639-1 code; helps accuracy and speed when known. */
	language?: string;
	/** Words the speaker is likely to use (names, products). */
	prompt?: string;
}

export interface TranscriptionResult {
	text: string;
	model: string;
}

/** Transcribes audio; a stand-in in tests. */
export type Transcriber = (request: TranscriptionRequest) => Promise<TranscriptionResult>;

/** Servers pick the decoder from the file name's extension, so it must match the bytes. */
const EXTENSIONS: Record<string, string> = {
	'audio/ogg': 'ogg',
	'audio/opus': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/mp4': 'm4a',
	'audio/m4a': 'm4a',
	'audio/x-m4a': 'm4a',
	'audio/aac': 'aac',
	'audio/amr': 'amr',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/webm': 'webm',
	'audio/flac': 'flac',
	'video/mp4': 'mp4',
};

export function audioFileName(mimeType: string): string {
	const base = mimeType.split(';')[0].trim().toLowerCase();
	return `voice.${EXTENSIONS[base] ?? 'ogg'}`;
}

/** Audio to text through the OpenAI-compatible /audio/transcriptions endpoint (multipart upload). */
export async function transcribeAudio(connection: AiConnection, request: TranscriptionRequest): Promise<TranscriptionResult> {
	if (request.audio.length === 0) {
		throw new AiError('AI_INPUT_INVALID', 'The audio to transcribe is empty.', 'Check that the voice note was downloaded.');
	}
	const model = request.model?.trim() || DEFAULT_TRANSCRIPTION_MODEL;
	const type = request.mimeType.split(';')[0].trim() || 'audio/ogg';
	const answer: unknown = await connection.call(async (sdk) =>
		sdk.audio.transcriptions.create({
			file: await toFile(request.audio, audioFileName(request.mimeType), { type }),
			model,
			response_format: 'json',
			...(request.language?.trim() ? { language: request.language.trim() } : {}),
			...(request.prompt?.trim() ? { prompt: request.prompt.trim() } : {}),
		}),
	);
	const text = typeof answer === 'object' && answer !== null && 'text' in answer ? answer.text : undefined;
	if (typeof text !== 'string') {
		throw new AiError('AI_BAD_RESPONSE', 'The transcription answer has no text.', 'Check that the server offers an OpenAI-compatible /audio/transcriptions endpoint.');
	}
	return { text: text.trim(), model };
}

export function transcriber(connection: AiConnection): Transcriber {
	return (request) => transcribeAudio(connection, request);
}
