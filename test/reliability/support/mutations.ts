/**
 * Random damage to Meta's samples, for the property "whatever arrives, the parser answers with a
 * result or a 4xx WebhookError, never anything else": structural edits of the JSON (nodes removed,
 * replaced, retyped, keys added, arrays emptied or grown) and byte-level edits of the serialised body
 * (flips, truncation, insertion, deletion), each 1 to 4 times over.
 */
import fc from 'fast-check';

import { changeInPlace, escapeLikeMeta, getAt, pathsOf, REMOVE } from './json-paths';
import type { Json, Sample } from './samples';

const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

/** Strings that stress decoders and databases: any code unit (lone surrogates too), long, empty, digits. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ unit: 'grapheme', maxLength: 40 }),
	fc.constantFrom('', ' ', '\u0000', '\ud800', '💥'.repeat(200), 'x'.repeat(5000), '-1', '1e400', '0x1F', 'null', '__proto__', 'constructor'),
	// Digit strings (ids, timestamps) of any length, built cheaply: regex-driven generation is slow.
	fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
	fc.integer(),
	fc.double({ noNaN: true }),
	fc.constantFrom(0, -0, -1, 1e11, 1e21, Number.MAX_SAFE_INTEGER + 2, Number.MAX_VALUE, Number.MIN_VALUE),
);

type Retype = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

type StructuralMutation =
	| { kind: 'remove'; at: number }
	| { kind: 'replace'; at: number; value: Json }
	| { kind: 'retype'; at: number; to: Retype }
	| { kind: 'string'; at: number; value: string }
	| { kind: 'number'; at: number; value: number }
	| { kind: 'addKey'; at: number; key: string; value: Json }
	| { kind: 'duplicate'; at: number }
	| { kind: 'empty'; at: number };

const at = fc.nat();
const structuralMutation: fc.Arbitrary<StructuralMutation> = fc.oneof(
	fc.record({ kind: fc.constant('remove' as const), at }),
	fc.record({ kind: fc.constant('replace' as const), at, value: jsonValue }),
	fc.record({ kind: fc.constant('retype' as const), at, to: fc.constantFrom<Retype>('string', 'number', 'boolean', 'null', 'object', 'array') }),
	fc.record({ kind: fc.constant('string' as const), at, value: hostileString }),
	fc.record({ kind: fc.constant('number' as const), at, value: hostileNumber }),
	fc.record({ kind: fc.constant('addKey' as const), at, key: fc.oneof(hostileString, fc.constantFrom('id', 'type', 'from', 'timestamp', 'messages', 'statuses', 'errors')), value: jsonValue }),
	fc.record({ kind: fc.constant('duplicate' as const), at }),
	fc.record({ kind: fc.constant('empty' as const), at }),
);

function retyped(to: Retype): Json {
	return { string: 'retyped', number: 7, boolean: true, null: null, object: {}, array: [] }[to];
}

/** Applies one mutation to `root`, which the caller owns (a fresh copy per case): no clone per step. */
function applyStructural(root: Json, mutation: StructuralMutation): Json {
	const paths = pathsOf(root);
	const path = paths[mutation.at % paths.length];
	const target = getAt(root, path);
	switch (mutation.kind) {
		case 'remove':
			return changeInPlace(root, path, () => REMOVE);
		case 'replace':
			return changeInPlace(root, path, () => structuredClone(mutation.value));
		case 'retype':
			return changeInPlace(root, path, () => retyped(mutation.to));
		case 'string':
			return changeInPlace(root, path, () => mutation.value);
		case 'number':
			return changeInPlace(root, path, () => mutation.value);
		case 'addKey':
			return target !== null && typeof target === 'object' && !Array.isArray(target) ? changeInPlace(root, path, (current) => ({ ...(current as Record<string, Json>), [mutation.key]: structuredClone(mutation.value) })) : root;
		case 'duplicate':
			return Array.isArray(target) && target.length > 0 ? changeInPlace(root, path, (current) => [...(current as Json[]), ...structuredClone(current as Json[])]) : root;
		case 'empty':
			return changeInPlace(root, path, (current) => (Array.isArray(current) ? [] : typeof current === 'string' ? '' : current !== null && typeof current === 'object' ? {} : current));
	}
}

/** A sample changed in 1 to 4 places, serialised plainly or the way Meta escapes it. */
export function structurallyMutated(samples: readonly Sample[]): fc.Arbitrary<Buffer> {
	return fc
		.tuple(fc.constantFrom(...samples), fc.array(structuralMutation, { minLength: 1, maxLength: 4 }), fc.boolean())
		.map(([sample, mutations, escape]) => {
			const body = mutations.reduce<Json>((current, mutation) => applyStructural(current, mutation), structuredClone(sample.body));
			const json = JSON.stringify(body) ?? '';
			return Buffer.from(escape ? escapeLikeMeta(json) : json);
		});
}

type ByteMutation =
	| { kind: 'flip'; at: number; byte: number }
	| { kind: 'truncate'; at: number }
	| { kind: 'insert'; at: number; text: string }
	| { kind: 'delete'; at: number; length: number };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
	fc.record({ kind: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
	fc.record({ kind: fc.constant('truncate' as const), at }),
	fc.record({ kind: fc.constant('insert' as const), at, text: fc.oneof(hostileString, fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\\u12', '\\ud800')) }),
	fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 64 }) }),
);

function applyBytes(body: Buffer, mutation: ByteMutation): Buffer {
	const position = body.length === 0 ? 0 : mutation.at % body.length;
	switch (mutation.kind) {
		case 'flip': {
			const copy = Buffer.from(body);
			if (copy.length > 0) copy[position] = mutation.byte;
			return copy;
		}
		case 'truncate':
			return body.subarray(0, position);
		case 'insert':
			return Buffer.concat([body.subarray(0, position), Buffer.from(mutation.text), body.subarray(position)]);
		case 'delete':
			return Buffer.concat([body.subarray(0, position), body.subarray(position + mutation.length)]);
	}
}

/** A sample's bytes damaged in 1 to 4 places. */
export function byteMutated(samples: readonly Sample[]): fc.Arbitrary<Buffer> {
	return fc
		.tuple(fc.constantFrom(...samples), fc.array(byteMutation, { minLength: 1, maxLength: 4 }), fc.boolean())
		.map(([sample, mutations, escape]) => {
			const json = JSON.stringify(sample.body);
			return mutations.reduce<Buffer>((current, mutation) => applyBytes(current, mutation), Buffer.from(escape ? escapeLikeMeta(json) : json));
		});
}

/** Anything at all: arbitrary JSON documents and arbitrary text. */
export const arbitraryBody: fc.Arbitrary<Buffer> = fc.oneof(
	jsonValue.map((value) => Buffer.from(JSON.stringify(value) ?? '')),
	fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)),
	fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);
