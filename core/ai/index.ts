/** AI for WhatsApp conversations, free of n8n: chat, transcription, extraction, WhatsApp-safe text. */
export { AiError, type AiErrorCode } from './errors';
export { AiConnection, DEFAULT_AI_BASE_URL, DEFAULT_AI_TIMEOUT_MS, type AiConnectionConfig } from './client';
export { fetchOverRequester, type FetchLike, type RawHttpRequest, type RawHttpRequester, type RawHttpResponse } from './fetch';
export { DEFAULT_AI_RETRY, type AiRetryPolicy } from './retry';
export { chatCompleter, completeChat, type ChatCompleter, type ChatContentPart, type ChatMessage, type ChatRequest, type ChatResult, type ImageDetail, type TokenUsage } from './chat';
export { DEFAULT_TRANSCRIPTION_MODEL, transcribeAudio, transcriber, type Transcriber, type TranscriptionRequest, type TranscriptionResult } from './transcribe';
export { estimateTokens } from './tokens';
export { fitToTokenBudget, historyBefore, historyText, transcriptToChatMessages, type FittedHistory, type HistoryMessage } from './history';
export { buildChatMessages, renderSystemPrompt, renderVariables, WHATSAPP_STYLE_HINT, type CurrentMessage, type SystemPromptInput } from './prompt';
export { toWhatsAppText } from './format';
export { splitMessage, WHATSAPP_TEXT_LIMIT } from './split';
export {
	extractAndStoreConversationVariables,
	extractConversationVariables,
	type ExtractionOptions,
	type ExtractionResult,
	type StoredExtraction,
	type VariableDefinition,
	type VariableType,
} from './extract';
export { AI_INBOUND_ID_PREFIX, AI_RECORDED_SOURCE, AI_REPLY_ID_PREFIX, isRecordedByAiReply } from './ids';
export { resolveCustomer, resolveStoredCustomer, type CustomerIdentity } from './customer';
export { findOrRecordCustomerMessage, type ConversationAddress, type CustomerMessageInput, type LocatedMessage } from './customer-message';
export { recordUnsentReply, sendReply, type Delivery, type NotSentReason } from './deliver';
export {
	imageDataUrl,
	MAX_TRANSCRIPTION_BYTES,
	MAX_VISION_IMAGE_BYTES,
	storedMedia,
	transcribeVoiceMessage,
	VISION_MIME_TYPES,
	type MediaDownloader,
	type StoredMediaReference,
	type VoiceTranscription,
} from './media';
export {
	DEFAULT_HISTORY_TOKEN_BUDGET,
	replyToCustomer,
	type AiReplyAnswered,
	type AiReplyEnvironment,
	type AiReplyRequest,
	type AiReplyResult,
	type AiReplySkipped,
} from './reply';
