import type { IHttpRequestOptions } from 'n8n-workflow';

import { fetchOverRequester } from '../../../core/ai/fetch';
import { n8nRequester } from '../../../nodes/shared/transport';

describe('the model fetch over n8n’s request helper', () => {
	it('hands the helper raw bytes and takes every status back as a response', async () => {
		const calls: IHttpRequestOptions[] = [];
		const helper = async (options: IHttpRequestOptions) => {
			calls.push(options);
			return { statusCode: 429, headers: { 'Retry-After': '3', 'Content-Type': 'application/json' }, body: Buffer.from('{"error":{"message":"slow down"}}'), statusMessage: 'Too Many Requests' };
		};
		const fetchImpl = fetchOverRequester(n8nRequester(helper, 5000));
		const controller = new AbortController();
		const response = await fetchImpl('http://127.0.0.1:1/v1/chat/completions', {
			method: 'post',
			headers: { 'Content-Type': 'application/json', Authorization: 'Bearer k' },
			body: JSON.stringify({ model: 'm' }),
			signal: controller.signal,
		});
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('3');
		expect(await response.json()).toEqual({ error: { message: 'slow down' } });
		expect(calls).toHaveLength(1);
		expect(calls[0]).toMatchObject({
			method: 'POST',
			url: 'http://127.0.0.1:1/v1/chat/completions',
			headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 5000,
		});
		expect(Buffer.isBuffer(calls[0].body) && calls[0].body.toString()).toBe('{"model":"m"}');
		expect(calls[0].abortSignal).toBeDefined();
	});

	it('turns multipart FormData into bytes with its boundary, and answers 204 without a body', async () => {
		const calls: IHttpRequestOptions[] = [];
		const fetchImpl = fetchOverRequester(
			n8nRequester(async (options) => {
				calls.push(options);
				return { statusCode: 204, headers: {}, body: new ArrayBuffer(0) };
			}, 1000),
		);
		const form = new FormData();
		form.append('model', 'whisper-1');
		form.append('file', new Blob([Buffer.from('OggS')], { type: 'audio/ogg' }), 'voice.ogg');
		const response = await fetchImpl('http://127.0.0.1:1/v1/audio/transcriptions', { method: 'POST', body: form });
		expect(response.status).toBe(204);
		const headers = calls[0].headers as Record<string, string>;
		expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		const body = (calls[0].body as Buffer).toString();
		expect(body).toContain('name="file"; filename="voice.ogg"');
		expect(body).toContain('OggS');
	});
});
