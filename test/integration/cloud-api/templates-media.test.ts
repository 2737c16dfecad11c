/** Template listing and paging, media lookup / download / upload, phone numbers, connection test. */
import { createHash } from 'node:crypto';
import { CloudApiError } from '../../../core/cloud-api';
import { CUSTOMER, makeClient, rejectionOf, useSimulator } from './helpers';

describe('templates', () => {
	const sim = useSimulator();

	it('lists one page with Meta\'s template shape and a cursor', async () => {
		const { client } = makeClient(sim);
		const page = await client.listTemplates({ limit: 2 });
		expect(page.templates.map((template) => template.name)).toEqual(['hello_world', 'reservation_confirmation']);
		expect(page.templates[1]).toMatchObject({
			id: '1387372356726668',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'NAMED',
		});
		expect(page.templates[1].components.map((component) => component.type)).toEqual(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']);
		expect(page.nextCursor).toEqual(expect.any(String));

		const request = sim.requests.at(-1);
		expect(request?.path).toBe(`/v25.0/${sim.businessAccountId}/message_templates`);
		expect(request?.query).toEqual({ fields: 'id,name,language,status,category,parameter_format,components,previous_category', limit: '2' });
	});

	it('pages with the cursor until the last page (no `next`)', async () => {
		const { client } = makeClient(sim);
		const names: string[] = [];
		let after: string | undefined;
		let pages = 0;
		do {
			const page = await client.listTemplates({ limit: 3, after });
			names.push(...page.templates.map((template) => template.name));
			after = page.nextCursor ?? undefined;
			pages++;
		} while (after !== undefined);
		expect(pages).toBe(4);
		expect(names).toEqual(sim.state.templates.map((template) => template.name));
	});

	it('lists all pages at once, with the APPROVED filter, never following the token-bearing `next` link', async () => {
		const { client } = makeClient(sim);
		const approved = await client.listAllTemplates({ status: 'APPROVED', limit: 2 });
		expect(approved.map((template) => `${template.name}/${template.language}`)).toEqual([
			'hello_world/en_US',
			'reservation_confirmation/en_US',
			'coupon_expiration_reminder_number_vars/en',
			'order_confirmation/en_US',
			'order_tracking/en_US',
			'seasonal_promotion/en_US',
			'seasonal_promotion/es',
			'shipping_update/en_US',
		]);
		const requests = sim.requestsTo('GET', '/message_templates');
		expect(requests).toHaveLength(4);
		expect(requests.every((request) => request.query.status === 'APPROVED' && request.query.access_token === undefined)).toBe(true);
	});

	it('searches by name and language', async () => {
		const { client } = makeClient(sim);
		const { templates } = await client.listTemplates({ name: 'seasonal', language: 'es' });
		expect(templates.map((template) => template.language)).toEqual(['es']);
		expect(sim.requests.at(-1)?.query).toMatchObject({ name: 'seasonal', language: 'es' });
	});

	it('lists 360dialog templates (offset paging, lower-case statuses normalised)', async () => {
		const { client } = makeClient(sim, { provider: '360dialog', baseUrl: sim.url, phoneNumberId: undefined, businessAccountId: undefined });
		const first = await client.listTemplates({ limit: 4 });
		expect(first.templates).toHaveLength(4);
		expect(first.templates[0].status).toBe('APPROVED');
		expect(first.nextCursor).toBe('4');
		const all = await client.listAllTemplates({ status: 'APPROVED', limit: 4 });
		expect(all).toHaveLength(8);
		expect(sim.requests.at(-1)).toMatchObject({ path: '/v1/configs/templates', query: { limit: '4', offset: '8' } });
		expect(sim.requests.at(-1)?.headers['d360-api-key']).toBe(sim.accessToken);
	});
});

describe('media', () => {
	const sim = useSimulator();
	const bytes = Buffer.from('%PDF-1.7 fake document bytes');

	it('gets media info (url, mime_type, sha256, file_size)', async () => {
		const { client } = makeClient(sim);
		const stored = sim.addMedia(bytes, 'application/pdf');
		const info = await client.getMedia(stored.id);
		expect(info).toEqual({
			id: stored.id,
			url: expect.stringContaining(`${sim.url}/whatsapp_business/attachments/?mid=${stored.id}`),
			mimeType: 'application/pdf',
			sha256: createHash('sha256').update(bytes).digest('hex'),
			fileSize: bytes.length,
		});
		expect(sim.requests.at(-1)?.query).toEqual({ phone_number_id: sim.phoneNumberId });
	});

	it('downloads media by id with the bearer token', async () => {
		const { client } = makeClient(sim);
		const stored = sim.addMedia(bytes, 'application/pdf');
		const media = await client.downloadMedia(stored.id);
		expect(media.data.equals(bytes)).toBe(true);
		expect(media).toMatchObject({ mimeType: 'application/pdf', fileSize: bytes.length, sha256: stored.sha256 });
		const download = sim.requests.at(-1);
		expect(download?.path).toBe('/whatsapp_business/attachments/');
		expect(download?.headers.authorization).toBe(`Bearer ${sim.accessToken}`);
	});

	it('downloads media a webhook referenced', async () => {
		const { client } = makeClient(sim);
		const inbound = await sim.simulateInbound({ from: CUSTOMER, type: 'image', media: { data: bytes, mimeType: 'image/jpeg', caption: 'Taj' } });
		const image = inbound.message.image as { id: string; mime_type: string };
		const media = await client.downloadMedia(image.id);
		expect(media.data.equals(bytes)).toBe(true);
		expect(media.mimeType).toBe('image/jpeg');
	});

	it('enforces the maximum size before and while downloading', async () => {
		const { client } = makeClient(sim);
		const stored = sim.addMedia(Buffer.alloc(2048, 1), 'video/mp4');
		const before = await rejectionOf(() => client.downloadMedia(stored.id, { maxBytes: 1024 }));
		expect(before).toMatchObject({ code: 'MEDIA_TOO_LARGE', retryable: false });
		expect(sim.requestsTo('GET', '/whatsapp_business/attachments/')).toHaveLength(0);

		const info = await client.getMedia(stored.id);
		const during = await rejectionOf(() => client.downloadMediaUrl(info.url, { maxBytes: 1024 }));
		expect(during).toMatchObject({ code: 'MEDIA_TOO_LARGE' });
	});

	it('never sends the token to a foreign host', async () => {
		const { client } = makeClient(sim);
		const error = await rejectionOf(() => client.downloadMediaUrl('https://evil.example.com/steal?mid=1'));
		expect(error).toMatchObject({ code: 'MEDIA_URL_UNTRUSTED' });
		expect(sim.requests).toHaveLength(0);
	});

	it('maps download errors (unknown media id, bad token)', async () => {
		const { client } = makeClient(sim);
		await expect(client.getMedia('123456')).rejects.toMatchObject({ code: 'META_100', subcode: 33 });
		const stored = sim.addMedia(bytes, 'application/pdf');
		const info = await client.getMedia(stored.id);
		const { client: wrongToken } = makeClient(sim, { accessToken: 'EAAwrong-token-value' });
		await expect(wrongToken.downloadMediaUrl(info.url)).rejects.toMatchObject({ code: 'META_190', httpStatus: 401 });
	});

	it('rewrites Meta\'s media host to the 360dialog host and uses D360-API-KEY', async () => {
		const { client } = makeClient(sim, { provider: '360dialog', baseUrl: sim.url, phoneNumberId: undefined });
		const stored = sim.addMedia(bytes, 'application/pdf');
		const media = await client.downloadMediaUrl(`https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=${stored.id}&ext=1&hash=abc`);
		expect(media.data.equals(bytes)).toBe(true);
		expect(sim.requests.at(-1)).toMatchObject({ path: '/whatsapp_business/attachments/', query: { mid: stored.id, ext: '1', hash: 'abc' } });
		expect(sim.requests.at(-1)?.headers['d360-api-key']).toBe(sim.accessToken);

		const viaId = await client.downloadMedia(stored.id);
		expect(viaId.data.equals(bytes)).toBe(true);
		expect(sim.requestsTo('GET', `/${stored.id}`)[0].path).toBe(`/${stored.id}`);
	});

	it('uploads media (multipart) and sends it by id', async () => {
		const { client } = makeClient(sim);
		const id = await client.uploadMedia(bytes, 'application/pdf', 'menu.pdf');
		expect(sim.state.media.get(id)?.data.equals(bytes)).toBe(true);
		expect(sim.state.media.get(id)?.mimeType).toBe('application/pdf');
		sim.openWindow(CUSTOMER);
		await client.sendMedia({ to: CUSTOMER, mediaType: 'document', id, filename: 'menu.pdf' });
		expect(sim.state.sentMessages).toHaveLength(1);
	});
});

describe('phone numbers and the connection test', () => {
	const sim = useSimulator();

	it('lists the business account\'s phone numbers', async () => {
		const { client } = makeClient(sim);
		expect(await client.listPhoneNumbers()).toEqual([
			{
				id: sim.phoneNumberId,
				displayPhoneNumber: '15550783881',
				verifiedName: 'Lucky Shrub',
				qualityRating: 'GREEN',
				codeVerificationStatus: 'VERIFIED',
				messagingLimitTier: 'TIER_250',
				throughputLevel: 'STANDARD',
				platformType: 'CLOUD_API',
			},
		]);
		expect(sim.requests.at(-1)?.path).toBe(`/v25.0/${sim.businessAccountId}/phone_numbers`);
	});

	it('testConnection reads the configured number (Meta) or a template page (360dialog)', async () => {
		const { client } = makeClient(sim);
		expect(await client.testConnection()).toMatchObject({ provider: 'meta', phoneNumber: { id: sim.phoneNumberId, verifiedName: 'Lucky Shrub' } });

		const { client: bad } = makeClient(sim, { accessToken: 'EAAexpired-token' });
		await expect(bad.testConnection()).rejects.toMatchObject({ code: 'META_190' });

		const { client: dialog } = makeClient(sim, { provider: '360dialog', baseUrl: sim.url });
		expect(await dialog.testConnection()).toEqual({ provider: '360dialog', phoneNumber: null });
		const unsupported = await rejectionOf(() => dialog.listPhoneNumbers());
		expect(unsupported).toBeInstanceOf(CloudApiError);
		expect(unsupported).toMatchObject({ code: 'UNSUPPORTED_BY_PROVIDER' });
	});
});
