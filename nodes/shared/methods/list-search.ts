import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { cloudApiClient, templateCatalog, whatsAppCredential } from '../core-access';

function matches(filter: string | undefined, ...values: Array<string | null>): boolean {
	if (!filter) return true;
	const wanted = filter.toLowerCase();
	return values.some((value) => value?.toLowerCase().includes(wanted));
}

/** The business phone numbers of the credential's account, for the sender picker. */
export async function searchSenders(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credential = await whatsAppCredential(this);
	const client = cloudApiClient(this, credential);
	const numbers = credential.provider === '360dialog' ? [] : await client.listPhoneNumbers();
	const results = numbers
		.filter((number) => matches(filter, number.displayPhoneNumber, number.verifiedName, number.id))
		.map((number) => ({
			name: `${number.displayPhoneNumber ?? number.id}${number.verifiedName ? ` (${number.verifiedName})` : ''}`,
			value: number.id,
		}));
	if (results.length === 0 && matches(filter, credential.phoneNumberId)) {
		results.push({ name: `${credential.phoneNumberId} (from the credential)`, value: credential.phoneNumberId });
	}
	return { results };
}

/** Approved templates only, one entry per language: "order_update (en_US, UTILITY)". */
export async function searchTemplates(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credential = await whatsAppCredential(this);
	const templates = await templateCatalog(this, credential).all();
	return {
		results: templates
			.filter((template) => template.status === 'APPROVED' && matches(filter, template.name, template.language))
			.sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language))
			.map((template) => ({
				name: `${template.name} (${template.language}, ${template.category})`,
				value: `${template.name}|${template.language}`,
			})),
	};
}
