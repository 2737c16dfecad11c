import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The path with `.`, `..` and every symbolic link resolved, as far as it exists: folders and the file
 * still to be created are appended to their nearest existing parent. Null when an existing entry cannot
 * be resolved (a dangling or looping link): where it leads cannot be checked.
 */
function realPathOf(path: string): string | null {
	const absolute = resolve(path);
	try {
		return realpathSync(absolute);
	} catch {
		// Not there yet, or not resolvable: the two differ by whether the entry itself exists.
	}
	try {
		lstatSync(absolute);
		return null;
	} catch {
		const parent = dirname(absolute);
		if (parent === absolute) return absolute;
		const realParent = realPathOf(parent);
		return realParent === null ? null : join(realParent, basename(absolute));
	}
}

function isInside(path: string, folder: string): boolean {
	const inner = relative(folder, path);
	return inner !== '' && !isAbsolute(inner) && inner.split(sep)[0] !== '..';
}

/**
 * Where a file path really leads, when that is inside one of `folders` (each resolved the same way);
 * null otherwise. SQLite follows links too, so the real path is what decides.
 */
export function pathInsideFolders(path: string, folders: readonly string[]): string | null {
	const real = realPathOf(path);
	if (real === null) return null;
	for (const folder of folders) {
		const realFolder = realPathOf(folder);
		if (realFolder !== null && isInside(real, realFolder)) return real;
	}
	return null;
}
