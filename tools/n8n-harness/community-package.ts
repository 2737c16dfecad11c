/**
 * The package as its users get it: `npm pack` of the built package, installed into an n8n user folder
 * the way n8n's Community Nodes installs a package (n8n 2.x, modules/community-packages): the tarball
 * unpacked into `<user folder>/.n8n/nodes/node_modules/<name>`, its package.json stripped of dev, peer and
 * optional dependencies, then `npm install` there (shallow, no scripts, no lockfile) resolves the runtime
 * dependencies from the registry; `.n8n/nodes/package.json` records the package. n8n scans
 * `.n8n/nodes/node_modules/n8n-nodes-*` at start-up and loads what each package.json's `n8n` section lists.
 */
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';

export interface PackageManifest {
	name: string;
	version: string;
	main?: string;
	types?: string;
	dependencies?: Record<string, string>;
	devDependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

export function readManifest(packageDir: string): PackageManifest {
	return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageManifest;
}

/**
 * `npm pack` of a built package (dist/ must be there) into a temporary folder; returns the tarball's path.
 * Exactly what `npm publish` would upload: `files`, the manifest and npm's own always-included files.
 */
export function packPackage(packageDir: string): string {
	const destination = mkdtempSync(join(tmpdir(), 'n8n-e2e-pack-'));
	const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
		cwd: packageDir,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [packed] = JSON.parse(output) as Array<{ filename: string }>;
	return join(destination, packed.filename);
}

/** Installs a tarball into `<userFolder>/.n8n/nodes` as Community Nodes does; returns the package folder. */
export function installTarball(userFolder: string, tarball: string): string {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
	const manifestEntry = listing.split('\n').find((entry) => /^[^/]+\/package\.json$/.test(entry));
	if (manifestEntry === undefined) throw new Error(`${tarball} holds no package.json`);
	const { name } = JSON.parse(execFileSync('tar', ['-xzOf', tarball, manifestEntry], { encoding: 'utf8' })) as PackageManifest;
	if (!/^(@[^/]+\/)?n8n-nodes-/.test(name)) {
		throw new Error(`${tarball}: n8n loads community packages named n8n-nodes-* only (got ${name})`);
	}
	const target = join(nodesDir, 'node_modules', name);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	// Only the runtime dependencies get installed: n8n itself provides the peer n8n-workflow.
	const manifest = readManifest(target);
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(join(target, 'package.json'), JSON.stringify(manifest, null, 2));
	execFileSync(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error'],
		{ cwd: target, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const nodesManifest = join(nodesDir, 'package.json');
	const recorded = existsSync(nodesManifest) ? (JSON.parse(readFileSync(nodesManifest, 'utf8')) as { dependencies?: Record<string, string> }) : {};
	const dependencies = { ...recorded.dependencies, [name]: manifest.version };
	writeFileSync(nodesManifest, JSON.stringify({ name: 'installed-nodes', private: true, ...recorded, dependencies }, null, 2));
	return target;
}

/**
 * Every module a compiled file of an installed package requires by bare name that neither the package's
 * own install, Node nor n8n (`providedByN8n`, e.g. n8n-workflow) supplies. n8n requires a node file only
 * when it loads it, and the package requires some dependencies only when they are used (the PostgreSQL
 * store, the AI client): this finds a dependency missing from `dependencies` before a user does.
 */
export function unresolvedRequires(installedDir: string, providedByN8n: string[]): string[] {
	const missing = new Set<string>();
	for (const file of javascriptFiles(installedDir)) {
		const source = readFileSync(file, 'utf8');
		for (const [, specifier] of source.matchAll(/\brequire\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
			const bare = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
			if (specifier.startsWith('node:') || builtinModules.includes(bare) || providedByN8n.includes(bare)) continue;
			try {
				require.resolve(specifier, { paths: [dirname(file)] });
			} catch {
				missing.add(`${specifier} (${relative(installedDir, file)})`);
			}
		}
	}
	return [...missing].sort();
}

function javascriptFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : javascriptFiles(path);
		return entry.name.endsWith('.js') ? [path] : [];
	});
}

/**
 * The node and credential type names a package's `n8n` section declares, read from the built files in
 * `packageDir` (the exported class is named after its file): what n8n must list once it loaded the package.
 */
export function declaredTypes(packageDir: string): { nodes: string[]; credentials: string[] } {
	const manifest = readManifest(packageDir);
	const load = (file: string, suffix: string): Record<string, unknown> => {
		const className = basename(file, suffix);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const exported = (require(resolve(packageDir, file)) as Record<string, new () => Record<string, unknown>>)[className];
		if (typeof exported !== 'function') throw new Error(`${file} exports no class ${className}`);
		return new exported();
	};
	return {
		nodes: (manifest.n8n?.nodes ?? []).map((file) => `${manifest.name}.${(load(file, '.node.js').description as { name: string }).name}`),
		credentials: (manifest.n8n?.credentials ?? []).map((file) => String(load(file, '.credentials.js').name)),
	};
}
