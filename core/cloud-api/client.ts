/**
 * The WhatsApp Cloud API client: sends, read receipts, templates, media and phone numbers, for Meta's
 * Graph API or 360dialog's proxy. Each method builds one request and runs it through pipeline.ts
 * (pacing, error mapping, retries, zod validation); the access token never appears in an error.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod/v4';
import type { TemplateCreateRequest } from '../template/create';
import type { TemplateDefinition } from '../template/definition';
import type { TemplateSendRequest } from '../template/request';
import {
	endpoints,
	META_MEDIA_HOST,
	requireBusinessAccountId,
	requirePhoneNumberId,
	resolveConfig,
	type CloudApiConfig,
	type ResolvedCloudApiConfig,
} from './config';
import { CloudApiError } from './errors';
import {
	buildButtonsMessage,
	buildListMessage,
	buildMarkAsRead,
	buildMediaMessage,
	buildTemplateMessage,
	buildTextMessage,
	type ButtonsMessageInput,
	type ListMessageInput,
	type MediaMessageInput,
	type OutgoingMessage,
	type TextMessageInput,
} from './messages';
import {
	BUSINESS_ACCOUNT_FIELDS,
	businessAccountSchema,
	LEGACY_LIMIT_FIELD,
	NUMBER_HEALTH_FIELDS,
	numberHealthSchema,
	toBusinessAccountInfo,
	toNumberHealth,
	type BusinessAccountInfo,
	type NumberHealth,
} from './number-health';
import { executeCall, jsonBody, mediaTooLarge, multipartBody, parseResponse, type CallSpec } from './pipeline';
import {
	toPhoneNumberInfo,
	toTemplateDefinition,
	type ConnectionCheck,
	type CreatedTemplate,
	type DownloadedMedia,
	type ListTemplatesOptions,
	type MediaInfo,
	type PhoneNumberInfo,
	type SendResult,
	type TemplatePage,
} from './results';
import {
	createTemplateResponseSchema,
	dialog360TemplatesPageSchema,
	mediaInfoSchema,
	phoneNumberSchema,
	phoneNumbersPageSchema,
	sendMessageResponseSchema,
	successResponseSchema,
	templateSchema,
	templatesPageSchema,
	uploadMediaResponseSchema,
} from './schemas';
import type { HttpResponse } from './transport';

const PHONE_NUMBER_FIELDS =
	'id,display_phone_number,verified_name,quality_rating,code_verification_status,platform_type,throughput,messaging_limit_tier,name_status';
const TEMPLATE_FIELDS = 'id,name,language,status,category,parameter_format,components,previous_category';
/** Guards listAllTemplates against a server that keeps returning a cursor. */
const MAX_TEMPLATE_PAGES = 200;

export class CloudApiClient {
	readonly config: ResolvedCloudApiConfig;
	private readonly throttleKey: string;

	constructor(config: CloudApiConfig) {
		this.config = resolveConfig(config);
		// 360dialog keys select a number themselves; without an id, the key (hashed) stands for the number.
		this.throttleKey =
			this.config.phoneNumberId ??
			`key:${createHash('sha256').update(this.config.accessToken).digest('hex').slice(0, 16)}`;
	}

	// ---- sending ----

	sendText(input: TextMessageInput): Promise<SendResult> {
		return this.sendMessage(buildTextMessage(input));
	}

	sendMedia(input: MediaMessageInput): Promise<SendResult> {
		return this.sendMessage(buildMediaMessage(input));
	}

	sendButtons(input: ButtonsMessageInput): Promise<SendResult> {
		return this.sendMessage(buildButtonsMessage(input));
	}

	sendList(input: ListMessageInput): Promise<SendResult> {
		return this.sendMessage(buildListMessage(input));
	}

	sendTemplate(input: TemplateSendRequest): Promise<SendResult> {
		return this.sendMessage(buildTemplateMessage(input));
	}

	/** Sends a prepared body (see messages.ts builders). */
	async sendMessage(message: OutgoingMessage): Promise<SendResult> {
		const response = await this.call({
			method: 'POST',
			url: endpoints.messages(this.config),
			body: jsonBody(message),
			responseType: 'json',
			isSend: true,
		});
		const parsed = this.parse(sendMessageResponseSchema, response, 'send message', true);
		const sent = parsed.messages[0];
		const contact = parsed.contacts?.[0];
		return {
			wamid: sent.id,
			waId: contact?.wa_id ?? null,
			userId: contact?.user_id ?? null,
			input: contact?.input ?? (message.to !== undefined ? message.to : message.recipient),
			messageStatus: sent.message_status ?? null,
		};
	}

	/** Marks an inbound message (and those before it) as read; optionally shows a typing indicator. */
	async markAsRead(wamid: string, options: { typingIndicator?: boolean } = {}): Promise<void> {
		const response = await this.call({
			method: 'POST',
			url: endpoints.messages(this.config),
			body: jsonBody(buildMarkAsRead(wamid, options)),
			responseType: 'json',
		});
		const parsed = this.parse(successResponseSchema, response, 'mark as read');
		if (!parsed.success) {
			throw new CloudApiError({
				code: 'INVALID_RESPONSE',
				message: 'The API did not confirm the read receipt.',
				hint: 'Check that the message id belongs to a message this number received.',
				retryable: false,
			});
		}
	}

	// ---- templates ----

	async listTemplates(options: ListTemplatesOptions = {}): Promise<TemplatePage> {
		if (this.config.provider === '360dialog') return this.list360Templates(options);
		const response = await this.call({
			method: 'GET',
			url: endpoints.templates(this.config),
			query: {
				fields: TEMPLATE_FIELDS,
				limit: options.limit,
				after: options.after,
				status: options.status,
				category: options.category,
				name: options.name,
				language: options.language,
			},
			responseType: 'json',
		});
		const page = this.parse(templatesPageSchema, response, 'list templates');
		// `next` (not the cursor) says whether another page exists; the cursor is present on the last page too.
		const after = page.paging?.cursors?.after;
		return {
			templates: page.data.map(toTemplateDefinition),
			nextCursor: page.paging?.next && after ? after : null,
		};
	}

	/** Every page of `listTemplates`, in order. */
	async listAllTemplates(options: Omit<ListTemplatesOptions, 'after'> = {}): Promise<TemplateDefinition[]> {
		const templates: TemplateDefinition[] = [];
		const seenCursors = new Set<string>();
		let after: string | undefined;
		for (let page = 0; page < MAX_TEMPLATE_PAGES; page++) {
			const result = await this.listTemplates({ ...options, after });
			templates.push(...result.templates);
			if (result.nextCursor === null || seenCursors.has(result.nextCursor)) return templates;
			seenCursors.add(result.nextCursor);
			after = result.nextCursor;
		}
		return templates;
	}

	private async list360Templates(options: ListTemplatesOptions): Promise<TemplatePage> {
		const offset = options.after === undefined ? 0 : Number(options.after);
		if (!Number.isInteger(offset) || offset < 0) {
			throw new CloudApiError({
				code: 'INVALID_REQUEST',
				message: `"${options.after}" is not a 360dialog template cursor.`,
				hint: 'Pass the nextCursor of the previous page unchanged.',
				retryable: false,
			});
		}
		const limit = options.limit ?? 100;
		const response = await this.call({
			method: 'GET',
			url: endpoints.templates(this.config),
			query: { limit, offset },
			responseType: 'json',
		});
		const page = this.parse(dialog360TemplatesPageSchema, response, 'list templates');
		const received = page.waba_templates.length;
		const end = offset + received;
		const more = page.total !== undefined ? end < page.total : received === limit && received > 0;
		const wantedName = options.name?.toLowerCase();
		const templates = page.waba_templates
			.map(toTemplateDefinition)
			.filter((template) => options.status === undefined || template.status === options.status.toUpperCase())
			.filter((template) => options.category === undefined || template.category === options.category.toUpperCase())
			.filter((template) => options.language === undefined || template.language === options.language)
			.filter((template) => wantedName === undefined || template.name.toLowerCase().includes(wantedName));
		return { templates, nextCursor: more ? String(end) : null };
	}

	/** Submits a template for Meta's review (POST /{waba-id}/message_templates); build the body with buildTemplateCreateRequest. */
	async createTemplate(request: TemplateCreateRequest): Promise<CreatedTemplate> {
		this.requireMeta('Creating templates');
		const response = await this.call({ method: 'POST', url: endpoints.templates(this.config), body: jsonBody(request), responseType: 'json' });
		const created = this.parse(createTemplateResponseSchema, response, 'create template');
		return { id: created.id, status: created.status.toUpperCase(), category: created.category.toUpperCase() };
	}

	/** One template by its id (GET /{template-id}). */
	async getTemplate(templateId: string): Promise<TemplateDefinition> {
		this.requireMeta('Reading a template by id');
		const response = await this.call({ method: 'GET', url: endpoints.node(this.config, templateId), query: { fields: TEMPLATE_FIELDS }, responseType: 'json' });
		return toTemplateDefinition(this.parse(templateSchema, response, 'get template'));
	}

	/**
	 * Deletes a template: by name, every language of it; with `templateId` (Meta's hsm_id) only that
	 * version (DELETE /{waba-id}/message_templates?name=&hsm_id=).
	 */
	async deleteTemplate(options: { name: string; templateId?: string }): Promise<void> {
		this.requireMeta('Deleting templates');
		const response = await this.call({
			method: 'DELETE',
			url: endpoints.templates(this.config),
			query: { name: options.name, hsm_id: options.templateId },
			responseType: 'json',
		});
		if (!this.parse(successResponseSchema, response, 'delete template').success) {
			throw new CloudApiError({
				code: 'INVALID_RESPONSE',
				message: 'The API did not confirm that the template was deleted.',
				hint: 'List the templates to see whether it is gone.',
				retryable: false,
			});
		}
	}

	// ---- media ----

	async getMedia(mediaId: string): Promise<MediaInfo> {
		const response = await this.call({
			method: 'GET',
			url: endpoints.node(this.config, mediaId),
			query: this.config.provider === 'meta' && this.config.phoneNumberId ? { phone_number_id: this.config.phoneNumberId } : {},
			responseType: 'json',
		});
		const info = this.parse(mediaInfoSchema, response, 'get media');
		return {
			id: info.id,
			url: info.url,
			mimeType: info.mime_type,
			sha256: info.sha256 ?? null,
			fileSize: info.file_size ?? null,
		};
	}

	/** Looks the media up, then downloads it; refuses anything larger than `maxBytes`. */
	async downloadMedia(mediaId: string, options: { maxBytes?: number } = {}): Promise<DownloadedMedia> {
		const info = await this.getMedia(mediaId);
		const maxBytes = options.maxBytes ?? this.config.maxMediaBytes;
		if (info.fileSize !== null && info.fileSize > maxBytes) throw mediaTooLarge(info.fileSize, maxBytes);
		return this.downloadMediaUrl(info.url, { maxBytes, mimeType: info.mimeType });
	}

	/**
	 * Downloads a media URL (from getMedia or a webhook) with the token. The token only goes to Meta's
	 * media host, the API host and configured hosts, so a forged URL in a webhook cannot collect it.
	 */
	async downloadMediaUrl(url: string, options: { maxBytes?: number; mimeType?: string } = {}): Promise<DownloadedMedia> {
		const maxBytes = options.maxBytes ?? this.config.maxMediaBytes;
		const target = this.trustedMediaUrl(url);
		const response = await this.call({ method: 'GET', url: target, responseType: 'buffer', maxResponseBytes: maxBytes });
		const data = Buffer.isBuffer(response.body) ? response.body : Buffer.from(String(response.body ?? ''));
		if (data.length > maxBytes) throw mediaTooLarge(data.length, maxBytes);
		const headerType = response.headers['content-type']?.split(';')[0].trim();
		return {
			data,
			mimeType: options.mimeType ?? (headerType || 'application/octet-stream'),
			fileSize: data.length,
			sha256: createHash('sha256').update(data).digest('hex'),
		};
	}

	/** Uploads a file for later sending by id; returns the media id. */
	async uploadMedia(data: Buffer, mimeType: string, filename = 'file'): Promise<string> {
		const boundary = `----whatsapp-conversations-${randomBytes(12).toString('hex')}`;
		const url =
			this.config.provider === '360dialog'
				? `${this.config.baseUrl}/media`
				: `${endpoints.node(this.config, requirePhoneNumberId(this.config))}/media`;
		const response = await this.call({
			method: 'POST',
			url,
			body: { contentType: `multipart/form-data; boundary=${boundary}`, data: multipartBody(boundary, data, mimeType, filename) },
			responseType: 'json',
		});
		return this.parse(uploadMediaResponseSchema, response, 'upload media').id;
	}

	// ---- phone numbers ----

	async listPhoneNumbers(): Promise<PhoneNumberInfo[]> {
		this.requireMeta('Listing phone numbers');
		const response = await this.call({
			method: 'GET',
			url: endpoints.phoneNumbers(this.config),
			query: { fields: PHONE_NUMBER_FIELDS },
			responseType: 'json',
		});
		return this.parse(phoneNumbersPageSchema, response, 'list phone numbers').data.map(toPhoneNumberInfo);
	}

	/** The configured phone number (or another id) as Meta reports it. */
	async getPhoneNumber(phoneNumberId?: string): Promise<PhoneNumberInfo> {
		this.requireMeta('Reading a phone number');
		const id = phoneNumberId ?? requirePhoneNumberId(this.config);
		const response = await this.call({
			method: 'GET',
			url: endpoints.node(this.config, id),
			query: { fields: PHONE_NUMBER_FIELDS },
			responseType: 'json',
		});
		return toPhoneNumberInfo(this.parse(phoneNumberSchema, response, 'get phone number'));
	}

	/**
	 * The number's health (quality, status, name status, throughput, messaging limit). The limit comes
	 * from Meta's current field; only when the answer lacks it is the deprecated one read, by itself,
	 * and a failure of that second read (the field retired) leaves the limit unknown.
	 */
	async getNumberHealth(phoneNumberId?: string): Promise<NumberHealth> {
		this.requireMeta('Reading the number health');
		const id = phoneNumberId ?? requirePhoneNumberId(this.config);
		const read = async (fields: string) =>
			toNumberHealth(
				this.parse(numberHealthSchema, await this.call({ method: 'GET', url: endpoints.node(this.config, id), query: { fields }, responseType: 'json' }), 'get number health'),
			);
		const health = await read(NUMBER_HEALTH_FIELDS);
		if (health.messagingLimit !== null) return health;
		try {
			const legacy = await read(`id,${LEGACY_LIMIT_FIELD}`);
			return { ...health, messagingLimit: legacy.messagingLimit, messagingLimitField: legacy.messagingLimitField };
		} catch (error) {
			if (error instanceof CloudApiError && !error.retryable) return health;
			throw error;
		}
	}

	/** The WhatsApp Business Account's name and review status. */
	async getBusinessAccount(): Promise<BusinessAccountInfo> {
		this.requireMeta('Reading the WhatsApp Business Account');
		const response = await this.call({
			method: 'GET',
			url: endpoints.node(this.config, requireBusinessAccountId(this.config)),
			query: { fields: BUSINESS_ACCOUNT_FIELDS },
			responseType: 'json',
		});
		return toBusinessAccountInfo(this.parse(businessAccountSchema, response, 'get business account'));
	}

	/** The credential test: one cheap authenticated read that proves the token and ids work. */
	async testConnection(): Promise<ConnectionCheck> {
		if (this.config.provider === '360dialog') {
			await this.listTemplates({ limit: 1 });
			return { provider: '360dialog', phoneNumber: null };
		}
		return { provider: 'meta', phoneNumber: await this.getPhoneNumber() };
	}

	// ---- plumbing ----

	private call(spec: CallSpec): Promise<HttpResponse> {
		return executeCall(this.config, this.throttleKey, spec);
	}

	private parse<S extends z.ZodType>(schema: S, response: HttpResponse, what: string, isSend = false): z.output<S> {
		return parseResponse(schema, response, what, [this.config.accessToken], isSend);
	}

	private trustedMediaUrl(raw: string): string {
		let url: URL;
		try {
			url = new URL(raw);
		} catch {
			throw untrustedMedia('The media URL is not a valid URL.');
		}
		const api = new URL(this.config.baseUrl);
		// 360dialog serves Meta's media paths on its own host (documented: swap the host, keep path and query).
		if (this.config.provider === '360dialog' && url.host === META_MEDIA_HOST) {
			url.protocol = api.protocol;
			url.host = api.host;
		}
		const sameOriginAsApi = url.origin === api.origin;
		if (!this.config.trustedMediaHosts.has(url.host) || (url.protocol !== 'https:' && !sameOriginAsApi)) {
			throw untrustedMedia(`The media URL points at ${url.host}, which is not a WhatsApp media host.`);
		}
		return url.toString();
	}

	private requireMeta(what: string): void {
		if (this.config.provider !== 'meta') {
			throw new CloudApiError({
				code: 'UNSUPPORTED_BY_PROVIDER',
				message: `${what} is not available through 360dialog.`,
				hint: 'Use the 360dialog Hub to see the number, or switch the credential to Meta.',
				retryable: false,
			});
		}
	}
}

function untrustedMedia(message: string): CloudApiError {
	return new CloudApiError({
		code: 'MEDIA_URL_UNTRUSTED',
		message,
		hint: 'Download media by its id; add the host to trustedMediaHosts only if you run a proxy for Meta media.',
		retryable: false,
	});
}
