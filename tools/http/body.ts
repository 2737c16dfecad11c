import type { IncomingMessage } from 'node:http';

/** The request's whole body; past `maxBytes` the request is destroyed, so a runaway client cannot fill memory. */
export function readBody(request: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) request.destroy(new Error('body too large'));
			else chunks.push(chunk);
		});
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

/** A JSON body, parsed; an empty, multipart or malformed one is undefined. */
export function parseJson(raw: Buffer, contentType: string | undefined): unknown {
	if (raw.length === 0 || contentType?.includes('multipart/')) return undefined;
	try {
		return JSON.parse(raw.toString('utf8')) as unknown;
	} catch {
		return undefined;
	}
}
