/** Meta's error answers become typed CloudApiErrors with stable codes, hints and no secrets. */
import { CloudApiClient, CloudApiError, errorFromResponse, scrubSecrets, ThrottleRegistry } from '../../../core/cloud-api';
import { WhatsAppConversationsError } from '../../../core/errors';
import { CUSTOMER, makeClient, rejectionOf, useSimulator } from './helpers';

async function cloudError(action: () => Promise<unknown>): Promise<CloudApiError> {
	const error = await rejectionOf(action);
	expect(error).toBeInstanceOf(CloudApiError);
	return error as CloudApiError;
}

describe('error mapping against the simulator', () => {
	const sim = useSimulator({ undeliverableNumbers: ['+15550000000'] });

	it('190: an invalid token → META_190, HTTP 401, credential hint, token not echoed', async () => {
		const wrongToken = 'EAAwrongTOKENthatMustNeverLeak42';
		const { client } = makeClient(sim, { accessToken: wrongToken });
		const error = await cloudError(() => client.sendText({ to: CUSTOMER, body: 'hi' }));
		expect(error).toMatchObject({ code: 'META_190', metaCode: 190, httpStatus: 401, retryable: false, errorType: 'OAuthException' });
		expect(error.hint).toMatch(/update the WhatsApp credential/);
		expect(error.fbtraceId).toMatch(/^A/);
		expect(error).toBeInstanceOf(WhatsAppConversationsError);
		expect(error.name).toBe('CloudApiError');
		expect(JSON.stringify({ message: error.message, hint: error.hint, details: error.details })).not.toContain(wrongToken);
		expect(sim.requests).toHaveLength(1); // not retried
	});

	it('131047: free-form message outside the 24-hour window', async () => {
		const { client } = makeClient(sim);
		const error = await cloudError(() => client.sendText({ to: CUSTOMER, body: 'hi' }));
		expect(error).toMatchObject({ code: 'META_131047', metaCode: 131047, httpStatus: 400, retryable: false });
		expect(error.message).toBe(
			'WhatsApp API error 131047: Re-engagement message (Message failed to send because more than 24 hours have passed since the customer last replied to this number.)',
		);
		expect(error.hint).toMatch(/template/);
		expect(error.details).toMatch(/24 hours/);
	});

	it('132000: parameter count mismatch, positional and named', async () => {
		const { client } = makeClient(sim);
		const positional = await cloudError(() => client.sendTemplate({ to: CUSTOMER, name: 'seasonal_promotion', languageCode: 'en_US', body: ['summer'] }));
		expect(positional).toMatchObject({ code: 'META_132000', retryable: false });
		expect(positional.details).toBe('body: number of localizable_params (1) does not match the expected number of params (2)');
		expect(positional.hint).toMatch(/one value per placeholder/);

		const wrongName = await cloudError(() =>
			client.sendTemplate({ to: CUSTOMER, name: 'order_confirmation', languageCode: 'en_US', body: { first_name: 'Jo', order_id: '1' } }),
		);
		expect(wrongName.code).toBe('META_132000');
		expect(wrongName.details).toMatch(/do not match the expected names \(first_name, order_number\)/);

		const missingName = await cloudError(() =>
			client.sendTemplate({ to: CUSTOMER, name: 'order_confirmation', languageCode: 'en_US', body: ['Jo', '1'] }),
		);
		expect(missingName.code).toBe('META_100');
		expect(missingName.details).toMatch(/Parameter name is missing/);

		// A named text header is checked like the body: its one value carries the placeholder's name.
		const named = { to: CUSTOMER, name: 'shipping_update', languageCode: 'en_US', body: { first_name: 'Jo', delivery_date: 'May 1st' } };
		const unnamedHeader = await cloudError(() => client.sendTemplate({ ...named, header: { type: 'text', text: 'A1' } }));
		expect(unnamedHeader.code).toBe('META_100');
		expect(unnamedHeader.details).toBe('header: Parameter name is missing or empty');
		const wrongHeaderName = await cloudError(() => client.sendTemplate({ ...named, header: { type: 'text', text: 'A1', parameterName: 'order' } }));
		expect(wrongHeaderName.code).toBe('META_132000');
		expect(wrongHeaderName.details).toMatch(/^header: .*do not match the expected names \(order_id\)/);
		const noHeader = await cloudError(() => client.sendTemplate(named));
		expect(noHeader.details).toBe('header: number of localizable_params (0) does not match the expected number of params (1)');
		await expect(client.sendTemplate({ ...named, header: { type: 'text', text: 'A1', parameterName: 'order_id' } })).resolves.toMatchObject({ messageStatus: 'accepted' });
	});

	it('132001: unknown template, wrong language, or not approved', async () => {
		const { client } = makeClient(sim);
		for (const [name, languageCode] of [
			['no_such_template', 'en_US'],
			['seasonal_promotion', 'de'],
			['address_update', 'en_US'], // PENDING
			['reservation_confirmation_short_banner', 'en_US'], // REJECTED
		]) {
			const error = await cloudError(() => client.sendTemplate({ to: CUSTOMER, name, languageCode, body: ['x'] }));
			expect(error).toMatchObject({ code: 'META_132001', httpStatus: 404, retryable: false });
			expect(error.details).toBe(`template name (${name}) does not exist in ${languageCode}`);
		}
		const paused = await cloudError(() => client.sendTemplate({ to: CUSTOMER, name: 'flash_sale_old', languageCode: 'en_US' }));
		expect(paused.code).toBe('META_132015');
	});

	it('132012: header format mismatch', async () => {
		const { client } = makeClient(sim);
		const error = await cloudError(() =>
			client.sendTemplate({
				to: CUSTOMER,
				name: 'reservation_confirmation',
				languageCode: 'en_US',
				header: { type: 'text', text: 'not an image' },
				body: { number_of_guests: '4', day: 'Sat', date: 'Aug 30', time: '7pm' },
			}),
		);
		expect(error.code).toBe('META_132012');
		expect(error.details).toBe('header: Format mismatch, expected IMAGE, received TEXT');
	});

	it('131026: recipient not on WhatsApp', async () => {
		const { client } = makeClient(sim);
		const error = await cloudError(() => client.sendTemplate({ to: '+15550000000', name: 'hello_world', languageCode: 'en_US' }));
		expect(error).toMatchObject({ code: 'META_131026', retryable: false });
		expect(error.hint).toMatch(/could not deliver/);
	});

	it('100: invalid parameter (malformed recipient, text over 4096)', async () => {
		const { client } = makeClient(sim);
		const badNumber = await cloudError(() => client.sendTemplate({ to: 'abc', name: 'hello_world', languageCode: 'en_US' }));
		expect(badNumber).toMatchObject({ code: 'META_100', metaCode: 100, httpStatus: 400, retryable: false });
		expect(badNumber.message).toMatch(/^WhatsApp API error 100: Invalid parameter \(/);

		sim.openWindow(CUSTOMER);
		const tooLong = await cloudError(() => client.sendText({ to: CUSTOMER, body: 'x'.repeat(4097) }));
		expect(tooLong.code).toBe('META_100');
		expect(tooLong.details).toBe("Param text['body'] must be at most 4096 characters long.");
		await expect(client.sendText({ to: CUSTOMER, body: 'x'.repeat(4096) })).resolves.toBeDefined();
	});

	it('131009: more than 3 buttons or 10 list rows', async () => {
		const { client } = makeClient(sim);
		sim.openWindow(CUSTOMER);
		const buttons = ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id }));
		expect(await cloudError(() => client.sendButtons({ to: CUSTOMER, body: 'x', buttons }))).toMatchObject({ code: 'META_131009' });
		const rows = Array.from({ length: 11 }, (_, index) => ({ id: `r${index}`, title: `Row ${index}` }));
		const error = await cloudError(() => client.sendList({ to: CUSTOMER, body: 'x', buttonText: 'Open', sections: [{ rows }] }));
		expect(error.details).toBe('Total number of rows must be between 1 and 10, got 11.');
	});

	it('unknown phone number id → META_100 subcode 33', async () => {
		const { client } = makeClient(sim, { phoneNumberId: '999999999999999' });
		const error = await cloudError(() => client.sendTemplate({ to: CUSTOMER, name: 'hello_world', languageCode: 'en_US' }));
		expect(error).toMatchObject({ code: 'META_100', subcode: 33, errorType: 'GraphMethodException' });
	});

	it('the token never appears in any error, even when the server echoes it', async () => {
		const { client } = makeClient(sim);
		sim.failNext(1, { code: 100, details: `bad url https://graph.facebook.com/v25.0/x?access_token=${sim.accessToken}&limit=1 token ${sim.accessToken}` });
		const error = await cloudError(() => client.listTemplates());
		const everything = JSON.stringify({ message: error.message, hint: error.hint, details: error.details, stack: error.stack });
		expect(everything).not.toContain(sim.accessToken);
		expect(error.details).toContain('access_token=[redacted]');
	});
});

describe('errorFromResponse (answers the simulator does not produce)', () => {
	const secrets = ['secret-token-123'];

	it('5xx without a body is retryable HTTP_5xx for a read; for a send it may have gone out, so it is not', () => {
		const error = errorFromResponse({ status: 502, headers: {}, body: undefined }, secrets, 0);
		expect(error).toMatchObject({ code: 'HTTP_502', retryable: true, mayHaveBeenSent: false, metaCode: null, httpStatus: 502 });
		const send = errorFromResponse({ status: 502, headers: {}, body: undefined }, secrets, 0, { isSend: true });
		expect(send).toMatchObject({ code: 'HTTP_502', retryable: false, mayHaveBeenSent: true });
		expect(send.hint).toMatch(/^The message may have been sent.*check the chat/);
	});

	it('a redirect is a clear, non-retryable error naming the host it pointed to', () => {
		const answer = { status: 302, headers: { location: 'https://elsewhere.example/steal?x=1' }, body: '<html>moved</html>' };
		const read = errorFromResponse(answer, secrets, 0, { url: 'https://graph.facebook.com/v25.0/1/message_templates' });
		expect(read).toMatchObject({ code: 'HTTP_302', retryable: false, mayHaveBeenSent: false, httpStatus: 302 });
		expect(read.message).toBe(
			'The WhatsApp API answered HTTP 302, a redirect to elsewhere.example. Redirects are not followed, so the credentials never go to another host.',
		);
		expect(read.hint).toMatch(/API base URL/);
		expect(errorFromResponse(answer, secrets, 0, { isSend: true })).toMatchObject({ retryable: false, mayHaveBeenSent: true });
	});

	it('429 without a Meta body honours Retry-After (seconds and HTTP date)', () => {
		expect(errorFromResponse({ status: 429, headers: { 'retry-after': '7' }, body: '' }, secrets, 0)).toMatchObject({
			code: 'HTTP_429',
			retryable: true,
			retryAfterMs: 7000,
		});
		const now = Date.parse('2026-01-01T00:00:00Z');
		const dated = errorFromResponse({ status: 429, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, body: '' }, secrets, now);
		expect(dated.retryAfterMs).toBe(3000);
	});

	it('360dialog\'s own error envelope', () => {
		const error = errorFromResponse(
			{ status: 401, headers: {}, body: { meta: { success: false, http_code: 401, developer_message: 'Invalid api key secret-token-123' } } },
			secrets,
			0,
		);
		expect(error).toMatchObject({ code: 'HTTP_401', retryable: false });
		expect(error.message).toBe('The WhatsApp API answered HTTP 401: Invalid api key [redacted]');
		expect(error.hint).toMatch(/credential/);
	});

	it('a Meta error in a Buffer body (media download) and string codes', () => {
		const body = Buffer.from(JSON.stringify({ error: { message: '(#131056) pair rate', code: '131056', fbtrace_id: 'AbC' } }));
		expect(errorFromResponse({ status: 400, headers: {}, body }, secrets, 0)).toMatchObject({ code: 'META_131056', metaCode: 131056, retryable: true });
	});

	it('retryable exactly for 130429, 131056, 131000, 1, 2, 4, 80007; for a send only the throttling ones', () => {
		const throttling = [130429, 131056, 4, 80007];
		const unknownOutcome = [131000, 1, 2];
		for (const code of [...throttling, ...unknownOutcome, 100, 190, 131047, 131026, 132000, 132001, 368, 131031, 131048, 10]) {
			const answer = { status: 400, headers: {}, body: { error: { message: 'x', code } } };
			const read = errorFromResponse(answer, secrets, 0);
			expect([code, read.retryable, read.mayHaveBeenSent]).toEqual([code, throttling.includes(code) || unknownOutcome.includes(code), false]);
			expect(read.hint.length).toBeGreaterThan(20);
			const send = errorFromResponse(answer, secrets, 0, { isSend: true });
			expect([code, send.retryable, send.mayHaveBeenSent]).toEqual([code, throttling.includes(code), unknownOutcome.includes(code)]);
		}
		// Meta's answers carry the code: a 5xx with a throttling code is still a refusal; any other 5xx is not.
		const throttled5xx = errorFromResponse({ status: 503, headers: {}, body: { error: { message: 'x', code: 130429 } } }, secrets, 0, { isSend: true });
		expect(throttled5xx).toMatchObject({ retryable: true, mayHaveBeenSent: false });
		const other5xx = errorFromResponse({ status: 500, headers: {}, body: { error: { message: 'x', code: 100 } } }, secrets, 0, { isSend: true });
		expect(other5xx).toMatchObject({ retryable: false, mayHaveBeenSent: true });
	});

	it('scrubSecrets removes tokens and access_token parameters', () => {
		expect(scrubSecrets('a secret-token-123 b https://x/?access_token=EAAB123&after=1', secrets)).toBe(
			'a [redacted] b https://x/?access_token=[redacted]&after=1',
		);
	});
});

describe('configuration errors', () => {
	it('rejects an empty token, a bad version and a bad base URL with CONFIG_INVALID', () => {
		const base = { accessToken: 't0ken', phoneNumberId: '1', throttleRegistry: new ThrottleRegistry() };
		expect(() => new CloudApiClient({ ...base, accessToken: ' ' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
		expect(() => new CloudApiClient({ ...base, apiVersion: '25' })).toThrow(/API version/);
		expect(() => new CloudApiClient({ ...base, baseUrl: 'not a url' })).toThrow(/not a valid URL/);
		expect(() => new CloudApiClient({ ...base, maxMessagesPerSecond: 0 })).toThrow(/maxMessagesPerSecond/);
	});

	it('needs the business account id to list templates', async () => {
		const client = new CloudApiClient({ accessToken: 't0ken', phoneNumberId: '1', throttleRegistry: new ThrottleRegistry() });
		await expect(client.listTemplates()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
	});
});
