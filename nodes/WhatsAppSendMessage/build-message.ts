import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CloudApiClient, ContactCard, MediaKind, SessionMessage } from '../../core';

interface Titled {
	id?: string;
	title?: string;
	description?: string;
}

function collection(context: IExecuteFunctions, name: string, key: string, itemIndex: number): Titled[] {
	const value = context.getNodeParameter(name, itemIndex, {}) as Record<string, Titled[] | undefined>;
	return value[key] ?? [];
}

/** The Contact type's fields as one card; empty optional fields are left out. */
function contactCard(context: IExecuteFunctions, itemIndex: number): ContactCard {
	const details = context.getNodeParameter('contactDetails', itemIndex, {}) as Record<string, string | undefined>;
	const phones = context.getNodeParameter('contactPhones', itemIndex, {}) as { phone?: Array<{ phone?: string; type?: string; waId?: string }> };
	const value = (key: string) => details[key]?.trim() || undefined;
	const email = value('email');
	const url = value('url');
	return {
		formattedName: context.getNodeParameter('contactName', itemIndex) as string,
		firstName: value('firstName'),
		lastName: value('lastName'),
		company: value('company'),
		title: value('title'),
		birthday: value('birthday'),
		phones: (phones.phone ?? [])
			.filter((phone) => phone.phone?.trim())
			.map((phone) => ({ phone: phone.phone?.trim() ?? '', type: phone.type, waId: phone.waId?.trim() || undefined })),
		emails: email ? [{ email }] : [],
		urls: url ? [{ url }] : [],
	};
}

/** The node's parameters for one item, as the core's free-form message. */
export async function buildSessionMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	to: string,
	client: CloudApiClient,
): Promise<SessionMessage> {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const replyToWamid = (options.replyToWamid as string | undefined) || undefined;
	const header = (options.header as string | undefined) || undefined;
	const footer = (options.footer as string | undefined) || undefined;
	const messageType = context.getNodeParameter('messageType', itemIndex) as string;

	if (messageType === 'text') {
		return {
			kind: 'text',
			to,
			replyToWamid,
			body: context.getNodeParameter('text', itemIndex) as string,
			previewUrl: context.getNodeParameter('previewUrl', itemIndex, false) as boolean,
		};
	}
	if (messageType === 'media') {
		const mediaType = context.getNodeParameter('mediaType', itemIndex) as MediaKind;
		const source = context.getNodeParameter('mediaSource', itemIndex) as string;
		const withCaption = mediaType === 'image' || mediaType === 'video' || mediaType === 'document';
		const caption = withCaption ? (context.getNodeParameter('caption', itemIndex, '') as string) || undefined : undefined;
		let filename = mediaType === 'document' ? (context.getNodeParameter('filename', itemIndex, '') as string) || undefined : undefined;
		let media: { id?: string; link?: string };
		if (source === 'binary') {
			const field = context.getNodeParameter('binaryPropertyName', itemIndex) as string;
			const binary = context.helpers.assertBinaryData(itemIndex, field);
			const data = await context.helpers.getBinaryDataBuffer(itemIndex, field);
			media = { id: await client.uploadMedia(data, binary.mimeType, binary.fileName ?? 'file') };
			filename ??= mediaType === 'document' ? binary.fileName : undefined;
		} else if (source === 'id') {
			media = { id: context.getNodeParameter('mediaId', itemIndex) as string };
		} else {
			media = { link: context.getNodeParameter('mediaLink', itemIndex) as string };
		}
		return { kind: 'media', to, replyToWamid, mediaType, ...media, caption, filename };
	}
	if (messageType === 'reaction') {
		const remove = context.getNodeParameter('removeReaction', itemIndex, false) as boolean;
		return {
			kind: 'reaction',
			to,
			messageId: context.getNodeParameter('reactionMessageId', itemIndex) as string,
			emoji: remove ? '' : (context.getNodeParameter('emoji', itemIndex) as string),
		};
	}
	if (messageType === 'location') {
		return {
			kind: 'location',
			to,
			replyToWamid,
			latitude: context.getNodeParameter('latitude', itemIndex) as number,
			longitude: context.getNodeParameter('longitude', itemIndex) as number,
			name: (context.getNodeParameter('locationName', itemIndex, '') as string) || undefined,
			address: (context.getNodeParameter('locationAddress', itemIndex, '') as string) || undefined,
		};
	}
	if (messageType === 'contacts') return { kind: 'contacts', to, replyToWamid, contacts: [contactCard(context, itemIndex)] };
	const body = context.getNodeParameter('interactiveBody', itemIndex) as string;
	if (messageType === 'ctaUrl') {
		return {
			kind: 'cta_url',
			to,
			replyToWamid,
			body,
			header,
			footer,
			buttonText: context.getNodeParameter('ctaButtonText', itemIndex) as string,
			url: context.getNodeParameter('ctaUrl', itemIndex) as string,
		};
	}
	if (messageType === 'locationRequest') return { kind: 'location_request', to, replyToWamid, body };
	if (messageType === 'buttons') {
		return {
			kind: 'buttons',
			to,
			replyToWamid,
			body,
			footer,
			header: header ? { type: 'text', text: header } : undefined,
			buttons: collection(context, 'buttons', 'button', itemIndex).map((button) => ({ id: button.id ?? '', title: button.title ?? '' })),
		};
	}
	const sectionTitle = (context.getNodeParameter('sectionTitle', itemIndex, '') as string) || undefined;
	return {
		kind: 'list',
		to,
		replyToWamid,
		body,
		header,
		footer,
		buttonText: context.getNodeParameter('listButton', itemIndex) as string,
		sections: [
			{
				title: sectionTitle,
				rows: collection(context, 'rows', 'row', itemIndex).map((row) => ({
					id: row.id ?? '',
					title: row.title ?? '',
					description: row.description || undefined,
				})),
			},
		],
	};
}
