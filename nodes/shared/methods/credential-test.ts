import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { CloudApiClient, fetchTransport, WhatsAppConversationsError } from '../../../core';
import { businessSchedule } from '../business-hours';
import { cloudApiConfig, readWhatsAppCredential } from '../credentials';

/**
 * Looks the configured phone number up with the token, and reports the reason in plain words when it
 * fails (expired token, wrong id...). Credential tests have no request helper that honours the
 * instance's proxy, so this one uses fetch.
 */
export async function whatsAppConversationsApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		// Inside the try: a Store File Path outside the allowed folders is reported like any other fault.
		const settings = readWhatsAppCredential(credential.data ?? {});
		if (settings.accessToken === '') return { status: 'Error', message: 'The access token is empty.' };
		if (settings.phoneNumberId === '') return { status: 'Error', message: 'The phone number ID is empty.' };
		// Unreadable business hours are reported when saving, not first on a customer's message.
		businessSchedule(settings);
		const check = await new CloudApiClient(cloudApiConfig(settings, fetchTransport)).testConnection();
		const number = check.phoneNumber;
		return {
			status: 'OK',
			message: number ? `Connected to ${number.displayPhoneNumber ?? number.id}${number.verifiedName ? ` (${number.verifiedName})` : ''}` : 'Connected',
		};
	} catch (error) {
		if (error instanceof WhatsAppConversationsError) return { status: 'Error', message: `${error.message} ${error.hint}` };
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
}

/** The `methods.credentialTest` entry every node with the WhatsApp credential carries. */
export const credentialTest = { whatsAppConversationsApiTest };
