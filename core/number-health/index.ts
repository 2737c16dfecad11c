/** Number health and the Automatic messaging tier (Meta's current limit, remembered in the store). */
export {
	AUTOMATIC_TIER,
	LOWEST_TIER,
	chooseMessagingLimit,
	parseMetaMessagingLimit,
	type MessagingLimitProblem,
	type MessagingLimitReading,
	type MessagingLimitSource,
	type MessagingTierSetting,
} from './messaging-limit';
export {
	MESSAGING_LIMIT_REFRESH_MS,
	MESSAGING_LIMIT_RETRY_MS,
	clearMessagingLimitReads,
	currentMessagingLimit,
	observeNumberHealth,
	rememberMessagingLimit,
	type MessagingLimitOptions,
	type RememberedMessagingLimit,
} from './resolver';
export type { KnownMessagingLimit, MessagingLimitReporter } from '../conversation/messaging-limit';
