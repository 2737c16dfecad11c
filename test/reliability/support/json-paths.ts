/** Addressing and changing one node of a JSON document, always on a copy. */
import type { Json } from './samples';

export type Path = Array<string | number>;

/** Every node's path, the root's (empty) included, depth first. */
export function pathsOf(value: Json, path: Path = [], out: Path[] = []): Path[] {
	out.push(path);
	if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...path, index], out));
	else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
	return out;
}

export function getAt(root: Json, path: Path): Json | undefined {
	let current: Json | undefined = root;
	for (const segment of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = Array.isArray(current) ? current[Number(segment)] : current[String(segment)];
	}
	return current;
}

/** Marker for "take the node out" (a key deleted, an array item spliced). */
export const REMOVE = Symbol('remove');

/** A copy of `root` with the node at `path` replaced by `change(node)`; the root itself cannot be removed. */
export function changedAt(root: Json, path: Path, change: (current: Json) => Json | typeof REMOVE): Json {
	return changeInPlace(structuredClone(root), path, change);
}

/** The same change made on `root` itself (cheaper when the caller already holds a copy); returns the root. */
export function changeInPlace(root: Json, path: Path, change: (current: Json) => Json | typeof REMOVE): Json {
	if (path.length === 0) {
		const replaced = change(root);
		return replaced === REMOVE ? null : replaced;
	}
	const parent = getAt(root, path.slice(0, -1));
	const key = path[path.length - 1];
	if (Array.isArray(parent)) {
		const index = Number(key);
		const replaced = change(parent[index]);
		if (replaced === REMOVE) parent.splice(index, 1);
		else parent[index] = replaced;
	} else if (parent !== null && parent !== undefined && typeof parent === 'object') {
		const replaced = change(parent[String(key)]);
		if (replaced === REMOVE) delete parent[String(key)];
		else parent[String(key)] = replaced;
	}
	return root;
}

/** Meta's serialisation: non-ASCII UTF-16 units as \uXXXX escapes (what it signs). */
export function escapeLikeMeta(json: string): string {
	return json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
