/**
 * Secret hygiene checks: known secret values, every string reachable from what a flow produced
 * (outputs, errors with their hidden fields and causes, responses, log entries), and what was
 * written to the console or the process's own output while it ran.
 */
export const SECRETS = {
	accessToken: 'EAAGsecretTOKEN-5b0d3e9f71c2a8',
	/** A token Meta does not know (the simulator answers 190): a secret all the same. */
	wrongAccessToken: 'EAAGrevokedTOKEN-c47e19a0d2f6b3',
	appSecret: 'app-secret-9f1c2e7a4b83d650',
	verifyToken: 'verify-token-3a7d91c0e5f2',
} as const;

/** Each secret, and the forms it could leak in (URL-encoded, base64). */
export function secretForms(extra: readonly string[] = []): string[] {
	return [...new Set([...Object.values(SECRETS), ...extra].flatMap((secret) => [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]))];
}

/** Every string reachable from `value`: own properties (hidden ones too), causes, buffers, maps. */
export function textsOf(value: unknown, out: string[] = [], seen = new WeakSet<object>(), depth = 0): string[] {
	if (typeof value === 'string') out.push(value);
	if (value === null || typeof value !== 'object' || depth > 12 || seen.has(value)) return out;
	seen.add(value);
	if (value instanceof Uint8Array) {
		out.push(Buffer.from(value).toString('latin1'));
		return out;
	}
	if (value instanceof Map || value instanceof Set) {
		for (const entry of value.entries()) textsOf(entry, out, seen, depth + 1);
		return out;
	}
	for (const key of Object.getOwnPropertyNames(value)) {
		let property: unknown;
		try {
			property = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		textsOf(property, out, seen, depth + 1);
	}
	return out;
}

/** Where a secret shows up, as "secret form in: ...text around it" lines (empty when clean). */
export function leaks(values: readonly unknown[], extraSecrets: readonly string[] = []): string[] {
	const texts = values.flatMap((value) => textsOf(value));
	return secretForms(extraSecrets).flatMap((secret) =>
		texts.filter((text) => text.includes(secret)).map((text) => `${secret.slice(0, 6)}… in: ${text.slice(Math.max(0, text.indexOf(secret) - 60), text.indexOf(secret) + 20)}`),
	);
}

/** Records console calls and writes to stdout/stderr (still passing the latter through). */
export function captureOutput(): { readonly lines: string[]; restore(): void } {
	const lines: string[] = [];
	const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
		jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			lines.push(args.map((arg) => (typeof arg === 'string' ? arg : textsOf(arg).join(' '))).join(' '));
		}),
	);
	const writes = [process.stdout, process.stderr].map((stream) => {
		const original = stream.write.bind(stream);
		const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
			lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
			return (original as (chunk: string | Uint8Array, ...more: unknown[]) => boolean)(chunk, ...rest);
		});
		return spy;
	});
	return {
		lines,
		restore: () => {
			for (const spy of [...spies, ...writes]) spy.mockRestore();
		},
	};
}

/** Runs `work`, returning what it resolved with or the error it threw (both are checked for leaks). */
export async function settle<T>(work: () => Promise<T>): Promise<T | unknown> {
	try {
		return await work();
	} catch (error) {
		return error;
	}
}
