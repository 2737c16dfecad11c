/** Just enough multipart/form-data parsing for POST /{phone-number-id}/media. */

export interface FormPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] | null {
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
	if (boundary === undefined) return null;
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: FormPart[] = [];
	let start = body.indexOf(delimiter);
	while (start >= 0) {
		const next = body.indexOf(delimiter, start + delimiter.length);
		if (next < 0) break;
		// Each part: CRLF, headers, blank line, data, CRLF, then the next delimiter.
		const part = body.subarray(start + delimiter.length + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd >= 0) {
			const headers = part.subarray(0, headerEnd).toString('utf8');
			const name = /name="([^"]*)"/i.exec(headers)?.[1];
			if (name !== undefined) {
				parts.push({
					name,
					filename: /filename="([^"]*)"/i.exec(headers)?.[1],
					contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim(),
					data: part.subarray(headerEnd + 4),
				});
			}
		}
		start = next;
	}
	return parts;
}
