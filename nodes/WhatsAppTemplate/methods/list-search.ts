import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { templateCatalog, whatsAppCredential } from '../../shared/core-access';

/** Every template of the account in every status, one entry per language: "order_update (en_US, UTILITY, PENDING)". */
export async function searchAllTemplates(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credential = await whatsAppCredential(this);
	const wanted = filter?.trim().toLowerCase() ?? '';
	const templates = await templateCatalog(this, credential).all();
	return {
		results: templates
			.filter((template) => wanted === '' || `${template.name} ${template.language}`.toLowerCase().includes(wanted))
			.sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language))
			.map((template) => ({
				name: `${template.name} (${template.language}, ${template.category}, ${template.status})`,
				value: `${template.name}|${template.language}`,
			})),
	};
}
