import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CloudApiClient, MediaKind, SessionMessage } from '../../core';

interface Titled {
	id?: string;
	title?: string;
	description?: string;
}

function collection(context: IExecuteFunctions, name: string, key: string, itemIndex: number): Titled[] {
	const value = context.getNodeParameter(name, itemIndex, {}) as Record<string, Titled[] | undefined>;
	return value[key] ?? [];
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
	const body = context.getNodeParameter('interactiveBody', itemIndex) as string;
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
