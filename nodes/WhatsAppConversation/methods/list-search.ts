import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { customerPhone } from '../../shared/conversation-item';
import { whatsAppCredential, withStore } from '../../shared/core-access';

const SHOWN = 50;

/** The latest conversations of the credential's phone number, newest first: "Maria (+34…) · open · 2025-05-01 14:03". */
export async function searchConversations(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credential = await whatsAppCredential(this);
	const wanted = filter?.trim().toLowerCase() ?? '';
	const conversations = await withStore(credential, (store) =>
		store.listConversations({ phoneNumberId: credential.phoneNumberId, limit: wanted === '' ? SHOWN : 500 }),
	);
	const results = conversations
		.map((conversation) => {
			const phone = customerPhone(conversation.customerId) ?? conversation.customerId;
			const who = conversation.customerName ? `${conversation.customerName} (${phone})` : phone;
			const when = new Date(conversation.lastMessageAt).toISOString().slice(0, 16).replace('T', ' ');
			return { name: `${who} · ${conversation.status} · ${when}`, value: conversation.id };
		})
		.filter((result) => wanted === '' || `${result.name} ${result.value}`.toLowerCase().includes(wanted))
		.slice(0, SHOWN);
	return { results };
}
