/**
 * The smoke suite's packaging checks, without n8n: a module the compiled code requires must resolve from
 * the install (or be Node's, or the host's), and the declared types come from the n8n section's files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { declaredTypes, unresolvedRequires } from '../../../tools/n8n-harness/community-package';

describe('community package checks', () => {
	let dir: string;
	beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'community-package-'))));
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	function file(path: string, content: string): void {
		mkdirSync(join(dir, path, '..'), { recursive: true });
		writeFileSync(join(dir, path), content);
	}

	it('reports a bare require that nothing installed provides, also one only made when used', () => {
		file('node_modules/present/package.json', '{ "name": "present", "main": "index.js" }');
		file('node_modules/present/index.js', '');
		file('dist/index.js', 'const a = require("present"); const b = require("node:fs"); const c = require("path"); const w = require("n8n-workflow"); const r = require("./local");');
		file('dist/lazy/store.js', 'function open() { return require("pg"); }\nconst v4 = require("@scope/missing/v4");');
		expect(unresolvedRequires(dir, ['n8n-workflow'])).toEqual(['@scope/missing/v4 (dist/lazy/store.js)', 'pg (dist/lazy/store.js)']);
	});

	it('names every node and credential of the n8n section by its description, the node types prefixed with the package', () => {
		file(
			'package.json',
			JSON.stringify({ name: 'n8n-nodes-example', version: '1.0.0', n8n: { nodes: ['dist/Foo.node.js'], credentials: ['dist/FooApi.credentials.js'] } }),
		);
		file('dist/Foo.node.js', 'exports.Foo = class { constructor() { this.description = { name: "foo" }; } };');
		file('dist/FooApi.credentials.js', 'exports.FooApi = class { constructor() { this.name = "fooApi"; } };');
		expect(declaredTypes(dir)).toEqual({ nodes: ['n8n-nodes-example.foo'], credentials: ['fooApi'] });
	});
});
