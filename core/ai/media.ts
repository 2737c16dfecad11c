import type { DownloadedMedia } from '../cloud-api/results';
import { WhatsAppConversationsError } from '../errors';
import { AiError } from './errors';
import type { Transcriber } from './transcribe';

/** What media handling needs of the Cloud API client. */
export interface MediaDownloader {
	downloadMedia(mediaId: string, options?: { maxBytes?: number }): Promise<DownloadedMedia>;
}

/** The media of a stored inbound message (its payload is the normalized webhook message). */
export interface StoredMediaReference {
	id: string;
	mimeType: string | null;
	voice: boolean;
}

/** Image types vision models accept; WhatsApp stickers are WebP. */
export const VISION_MIME_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
/** OpenAI's limit for one image; WhatsApp images stay under 5 MB anyway. */
export const MAX_VISION_IMAGE_BYTES = 20 * 1024 * 1024;
/** The transcription endpoint's limit; WhatsApp audio stays under 16 MB. */
export const MAX_TRANSCRIPTION_BYTES = 25 * 1024 * 1024;

export function storedMedia(payload: Readonly<Record<string, unknown>>): StoredMediaReference | null {
	const media = payload.media;
	if (typeof media !== 'object' || media === null) return null;
	const { id, mimeType, voice } = media as { id?: unknown; mimeType?: unknown; voice?: unknown };
	if (typeof id !== 'string' || id === '') return null;
	return { id, mimeType: typeof mimeType === 'string' ? mimeType : null, voice: voice === true };
}

/** Downloads an image and returns it as a data: URL, the form every vision API accepts. */
export async function imageDataUrl(downloader: MediaDownloader, mediaId: string): Promise<{ url: string; mimeType: string; bytes: number }> {
	const image = await downloader.downloadMedia(mediaId, { maxBytes: MAX_VISION_IMAGE_BYTES });
	const mimeType = image.mimeType.split(';')[0].trim().toLowerCase();
	if (!VISION_MIME_TYPES.includes(mimeType)) {
		throw new AiError('AI_INPUT_INVALID', `The media ${mediaId} is ${mimeType || 'of an unknown type'}, not an image a model can look at.`, 'Pass the media ID of a JPEG, PNG, WebP or GIF image.');
	}
	return { url: `data:${mimeType};base64,${image.data.toString('base64')}`, mimeType, bytes: image.fileSize };
}

export interface VoiceTranscription {
	/** What was said; null when transcription failed. */
	text: string | null;
	model: string | null;
	error: { code: string; message: string; hint: string } | null;
}

/**
 * Downloads a voice note or audio message and transcribes it. Never throws: for Message Received a
 * failed transcription must not hold the message back, so it is reported in `error`.
 */
export async function transcribeVoiceMessage(
	downloader: MediaDownloader,
	transcribe: Transcriber,
	media: { id: string; mimeType?: string | null },
	options: { model?: string; language?: string; prompt?: string } = {},
): Promise<VoiceTranscription> {
	try {
		const audio = await downloader.downloadMedia(media.id, { maxBytes: MAX_TRANSCRIPTION_BYTES });
		const result = await transcribe({ audio: audio.data, mimeType: audio.mimeType || media.mimeType || 'audio/ogg', ...options });
		return { text: result.text, model: result.model, error: null };
	} catch (error) {
		return {
			text: null,
			model: null,
			error:
				error instanceof WhatsAppConversationsError
					? { code: error.code, message: error.message, hint: error.hint }
					: {
							code: 'TRANSCRIPTION_FAILED',
							message: error instanceof Error ? error.message : String(error),
							hint: 'Check the media id and the transcription model.',
						},
		};
	}
}
