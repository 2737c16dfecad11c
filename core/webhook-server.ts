import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { WebhookError } from './errors';
import { ingestWebhookRequest, type IngressSummary, type WebhookIngressOptions } from './ingress';
import { assertWebhookAuthConfigured } from './webhook/authenticate';
import { SIGNATURE_HEADER } from './webhook/signature';
import { answerVerificationChallenge } from './webhook/verification';

export interface WebhookHandlerOptions extends WebhookIngressOptions {
	verifyToken: string;
	/** Meta stops at a few megabytes; anything far larger is not a webhook. */
	maxBodyBytes?: number;
	onIngested?: (summary: IngressSummary) => void;
	onRejected?: (error: WebhookError) => void;
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) {
				reject(new WebhookError('PAYLOAD_INVALID', `The request body is larger than ${maxBytes} bytes`, 'This URL only accepts Meta webhooks.', 413));
				request.destroy();
			} else chunks.push(chunk);
		});
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

function answer(response: ServerResponse, status: number, body: string): void {
	response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
	response.end(body);
}

/**
 * A plain Node request handler for Meta's callback URL, for using the core without n8n: the GET
 * handshake, and POSTs answered 200 once their transaction committed. Refusals carry the
 * WebhookError's status and message, never a secret. Throws WebhookError AUTH_NOT_CONFIGURED at once
 * unless the options authenticate deliveries or say `allowUnsigned: true`.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
	assertWebhookAuthConfigured(options);
	return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
		try {
			const url = new URL(request.url ?? '/', 'http://localhost');
			if (request.method === 'GET') {
				answer(response, 200, answerVerificationChallenge(Object.fromEntries(url.searchParams), options.verifyToken));
				return;
			}
			if (request.method !== 'POST') {
				answer(response, 405, 'Only GET (verification) and POST (notifications) are accepted');
				return;
			}
			const rawBody = await readBody(request, options.maxBodyBytes ?? 10 * 1024 * 1024);
			const summary = await ingestWebhookRequest({ rawBody, signature: request.headers[SIGNATURE_HEADER], headers: request.headers }, options);
			answer(response, 200, 'OK');
			options.onIngested?.(summary);
		} catch (error) {
			if (error instanceof WebhookError) {
				options.onRejected?.(error);
				answer(response, error.httpStatus, error.message);
				return;
			}
			// Anything else (the store unavailable...): 500 makes Meta retry later, and nothing was committed.
			answer(response, 500, 'The notification could not be stored; Meta will retry it');
		}
	};
}

/** Starts a server on 127.0.0.1 with the handler; resolves once it listens. */
export async function startWebhookServer(
	options: WebhookHandlerOptions & { port?: number; host?: string },
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
	const handler = createWebhookHandler(options);
	const server = createServer((request, response) => void handler(request, response));
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		server,
		url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
