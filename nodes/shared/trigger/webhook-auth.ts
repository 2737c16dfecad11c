import { NodeOperationError, type INode } from 'n8n-workflow';

import { assertWebhookAuthConfigured, WebhookError, type StoreEvent, type WebhookAuthOptions } from '../../../core';
import type { WhatsAppCredential } from '../credentials';
import { ACCEPT_UNSIGNED } from './descriptions';
import type { EventTriggerOptions, ParameterSource } from './options';

const META_APP_SECRET_HINT =
	"Copy it from Meta's App Dashboard: App settings > Basic > App secret (Show), into the WhatsApp credential's App Secret.";

function notConfigured(message: string, hint: string): WebhookError {
	return new WebhookError('AUTH_NOT_CONFIGURED', message, hint, 500);
}

/**
 * How this trigger's URL authenticates deliveries, from the credential and the trigger's own option.
 * Throws WebhookError AUTH_NOT_CONFIGURED naming the missing field and where to find it.
 */
export function webhookAuthentication(credential: WhatsAppCredential, acceptUnsigned: boolean): WebhookAuthOptions {
	const headerSecret =
		credential.webhookHeaderName || credential.webhookHeaderSecret
			? { name: credential.webhookHeaderName, value: credential.webhookHeaderSecret }
			: null;
	if (credential.provider === 'meta') {
		if (!credential.appSecret) {
			throw notConfigured(
				"The WhatsApp credential has no App Secret (Meta App Dashboard > App settings > Basic > App secret), so Meta's webhooks cannot be verified.",
				META_APP_SECRET_HINT,
			);
		}
		if (!credential.verifyToken) {
			throw notConfigured(
				'The WhatsApp credential has no Verify Token, which Meta\'s check of the callback URL needs.',
				'Enter any string as the Verify Token in the credential and the same one in the Meta app (WhatsApp > Configuration).',
			);
		}
	} else if (!credential.appSecret && !headerSecret && !acceptUnsigned) {
		throw notConfigured(
			credential.provider === '360dialog'
				? 'The WhatsApp credential has no Webhook Header Secret, and 360dialog does not sign its webhooks.'
				: 'The WhatsApp credential has neither an App Secret nor a Webhook Header Secret to check deliveries with.',
			'Choose a header name and a long random value in the credential (Webhook Header Name / Secret) and set the same header on the webhook at the provider (360dialog: POST /v1/configs/webhook with "headers"), or turn on "Accept Unsigned Deliveries (Testing Only)" in the trigger.',
		);
	}
	const options: WebhookAuthOptions = { appSecret: credential.appSecret || null, headerSecret, allowUnsigned: acceptUnsigned };
	assertWebhookAuthConfigured(options);
	return options;
}

/** The trigger's option, read from any n8n context. */
export function acceptsUnsigned(context: ParameterSource): boolean {
	return context.getNodeParameter(ACCEPT_UNSIGNED, false) === true;
}

/**
 * What every trigger does before it listens: refuse to start (activation fails with the field to fix)
 * without a way to authenticate its URL's deliveries, and leave out events of unauthenticated
 * deliveries, which another trigger's testing URL may have let in, unless this trigger accepts them too.
 */
export function guardTrigger(
	context: ParameterSource & { getNode(): INode },
	credential: WhatsAppCredential,
	options: EventTriggerOptions,
): EventTriggerOptions {
	const acceptUnsigned = acceptsUnsigned(context);
	try {
		webhookAuthentication(credential, acceptUnsigned);
	} catch (error) {
		if (!(error instanceof WebhookError)) throw error;
		throw new NodeOperationError(context.getNode(), error.message, { description: error.hint });
	}
	if (acceptUnsigned) return options;
	return { ...options, accepts: (event, forCredential) => !fromUnauthenticatedDelivery(event) && options.accepts(event, forCredential) };
}

function fromUnauthenticatedDelivery(event: StoreEvent): boolean {
	return 'authenticated' in event.payload && event.payload.authenticated === false;
}
