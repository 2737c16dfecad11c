/**
 * The conversation core: everything the nodes use, free of n8n, usable from plain Node.
 * The nodes import it only through this file (eslint enforces it). Walk-through: docs/core-api.md.
 */
export * from './errors';

export * from './webhook';
export { ingestWebhookRequest, type IngressRequest, type IngressSummary, type WebhookIngressOptions } from './ingress';
export { createWebhookHandler, startWebhookServer, type WebhookHandlerOptions } from './webhook-server';

export type * from './conversation/types';
export { DEFAULT_INACTIVITY_TIMEOUT_MS, isIdle, supersedesStatus } from './conversation/lifecycle';
export { IdleConversationSweeper, type SweeperOptions } from './conversation/sweeper';
export { BURST_MAX_AGE_QUIET_PERIODS, BURST_MAX_MESSAGES, burstDueAt, burstLimits, type BurstLimits, type DueBursts, type PendingBurst, type ReceivedEvent } from './conversation/bursts';

export type * from './events/types';
export { EVENT_TYPES } from './events/types';
export { BurstEmitter, type BurstEmitterOptions } from './events/bursts';
export {
	answerOf,
	postResume,
	resumeWaitingAnswers,
	runWaitingAnswerResumer,
	WaitingAnswerResumer,
	type NewWaitingAnswer,
	type QuestionAnswer,
	type ResumeBody,
	type ResumeCall,
	type ResumeCallResult,
	type WaitingAnswer,
	type WaitingAnswerState,
} from './conversation/waiting-answers';
export { EventSubscriber, type Delivery, type EventAttempt, type EventSubscriberOptions, type RunOutcome } from './events/subscriber';

export type * from './conversation/store';
export { acquireStore, defaultSqlitePath, holdStore, n8nDataFolder, openConversationStore, releaseStore, storeKey, type PostgresStoreConfig, type SqliteStoreConfig, type StoreConfig } from './conversation/open';
export { SqliteConversationStore, type SqliteStoreOptions } from './conversation/open';
export { pathInsideFolders } from './store/sqlite/allowed-path';
export { DEFAULT_FORGET_INACTIVE_TRIGGERS_DAYS, DEFAULT_KEEP_MESSAGES_DAYS, maintainStore, StoreMaintenance, type RetentionPolicy, type StoreMaintenanceOptions } from './conversation/maintenance';
export { capPayload, MAX_STORED_PAYLOAD_BYTES } from './conversation/payload-cap';
export { isBillable, summarizeUsage, utcDay, type MessagePricingRecord, type UsageCount, type UsageFilter, type UsageLine, type UsagePrices, type UsageSummary } from './conversation/usage';
export { PostgresConversationStore, type PostgresStoreOptions } from './conversation/open';

export * from './policy';
export * from './business-hours';
export * from './chat-link';
export * from './template';

export * from './cloud-api';
export * from './outbound';
export * from './number-health';
export * from './ai';
