import { updateDisplayOptions, type IDataObject, type INodeProperties } from 'n8n-workflow';

import {
	AUTOMATIC_TIER,
	observeNumberHealth,
	remainingCapacity,
	tierLimit,
	WhatsAppConversationsError,
	type BusinessAccountInfo,
	type NumberHealth,
} from '../../../core';
import { cloudApiClient } from '../../shared/core-access';
import { limitSourceFields } from '../../shared/messaging-limit';
import { businessNumberOf, businessNumberProperty, type OperationExecute } from './common';

const properties: INodeProperties[] = [
	{
		...businessNumberProperty,
		description: "The business phone number to check; leave empty for the credential's",
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getNumberHealth'] } }, properties);

/** Meta's failure as item data; anything else (a bug) still fails the item. */
function metaFailure(error: unknown): IDataObject {
	if (!(error instanceof WhatsAppConversationsError)) throw error;
	return { code: error.code, message: error.message, hint: error.hint };
}

function healthFields(health: NumberHealth | null): IDataObject {
	return {
		displayPhoneNumber: health?.displayPhoneNumber ?? null,
		verifiedName: health?.verifiedName ?? null,
		qualityRating: health?.qualityRating ?? null,
		status: health?.status ?? null,
		nameStatus: health?.nameStatus ?? null,
		codeVerificationStatus: health?.codeVerificationStatus ?? null,
		throughputLevel: health?.throughputLevel ?? null,
	};
}

function accountFields(account: BusinessAccountInfo): IDataObject {
	return { id: account.id, name: account.name, reviewStatus: account.accountReviewStatus };
}

/**
 * The number as Meta reports it now, Meta's messaging limit (and where it came from when Meta could
 * not be read), and the daily limit's use from the store. Meta being unreachable is itself a
 * finding: the item then carries `metaError` and the last known limit.
 */
export const execute: OperationExecute = async function (itemIndex, store, credential) {
	const phoneNumberId = businessNumberOf(this, itemIndex, credential);
	const client = cloudApiClient(this, credential, phoneNumberId);
	const [health, account] = await Promise.allSettled([client.getNumberHealth(phoneNumberId), client.getBusinessAccount()]);
	const now = Date.now();
	const reading = await observeNumberHealth(
		{ store, client, businessAccountId: credential.businessAccountId },
		health.status === 'fulfilled' ? { health: health.value } : { error: health.reason },
	);
	const checkedTier = credential.tier === AUTOMATIC_TIER ? reading.tier : credential.tier;
	const used = await store.dailyLimitUsage(credential.businessAccountId, now);
	return [
		{
			phoneNumberId,
			...healthFields(health.status === 'fulfilled' ? health.value : null),
			messagingLimit: {
				tier: reading.tier,
				limit: reading.limit,
				reported: health.status === 'fulfilled' ? health.value.messagingLimit : null,
				reportedBy: reading.reportedBy,
				...limitSourceFields(reading),
			},
			dailyLimit: {
				tier: checkedTier,
				tierFrom: credential.tier === AUTOMATIC_TIER ? 'automatic' : 'credential',
				limit: tierLimit(checkedTier),
				used,
				remaining: remainingCapacity(checkedTier, used),
			},
			account: account.status === 'fulfilled' ? accountFields(account.value) : null,
			metaError: health.status === 'rejected' ? metaFailure(health.reason) : account.status === 'rejected' ? metaFailure(account.reason) : null,
			checkedAt: new Date(now).toISOString(),
		},
	];
};
