/** The WhatsApp Cloud API client (Meta Graph API or 360dialog), free of n8n imports. */
export { CloudApiClient } from './client';
export type {
	ConnectionCheck,
	CreatedTemplate,
	DownloadedMedia,
	ListTemplatesOptions,
	MediaInfo,
	PhoneNumberInfo,
	SendResult,
	TemplatePage,
} from './results';
export {
	DEFAULT_360DIALOG_BASE_URL,
	DEFAULT_API_VERSION,
	DEFAULT_MAX_MEDIA_BYTES,
	DEFAULT_MAX_MESSAGES_PER_SECOND,
	DEFAULT_META_BASE_URL,
	authHeaders,
	resolveConfig,
	type CloudApiConfig,
	type CloudApiProvider,
	type ResolvedCloudApiConfig,
	type RetryOptions,
} from './config';
export {
	CloudApiError,
	RETRYABLE_META_CODES,
	errorFromResponse,
	scrubSecrets,
	type CloudApiErrorCode,
	type CloudApiErrorOptions,
} from './errors';
export {
	MARKETING_STOPPED_ERROR_CODE,
	describeDeliveryFailure,
	type DeliveryFailure,
	type DeliveryFailureReason,
} from './delivery-failure';
export {
	BUSINESS_ACCOUNT_FIELDS,
	CURRENT_LIMIT_FIELD,
	LEGACY_LIMIT_FIELD,
	NUMBER_HEALTH_FIELDS,
	type BusinessAccountInfo,
	type MessagingLimitField,
	type NumberHealth,
} from './number-health';
export * from './messages';
export { backoffDelay, withRetry, type RetryPolicy } from './retry';
export { SendRateLimiter, ThrottleRegistry, processThrottleRegistry, waitForSendSlot } from './throttle';
export {
	ResponseTooLargeError,
	TransportError,
	fetchTransport,
	toTransportError,
	type HttpMethod,
	type HttpRequest,
	type HttpResponse,
	type HttpTransport,
	type TransportFailurePhase,
} from './transport';
