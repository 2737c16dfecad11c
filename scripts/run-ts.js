// Runs a TypeScript file without a build, the way jest runs tests: each file is transpiled on load.
// Transpiled files are kept on disk, keyed by path, size, modification time and compiler version, so
// the many worker processes the tests start (and later runs) skip the compiler.
// Usage: node scripts/run-ts.js <file.ts> [args...]
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CACHE = path.join(os.tmpdir(), `wa-conversations-ts-cache-${process.getuid ? process.getuid() : 'user'}`);
fs.mkdirSync(CACHE, { recursive: true });
const TYPESCRIPT_VERSION = require('typescript/package.json').version;
let ts = null;

function transpile(source, filename) {
	// Loaded only on a cache miss: loading the compiler is itself a good part of the cost.
	ts ??= require('typescript');
	const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false };
	return ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
}

require.extensions['.ts'] = (module, filename) => {
	const stat = fs.statSync(filename);
	const key = crypto.createHash('sha1').update(`${TYPESCRIPT_VERSION}|${filename}|${stat.size}|${stat.mtimeMs}`).digest('hex');
	const cached = path.join(CACHE, `${key}.js`);
	let output;
	try {
		output = fs.readFileSync(cached, 'utf8');
	} catch {
		output = transpile(fs.readFileSync(filename, 'utf8'), filename);
		// Written aside and renamed, so that processes starting together never read half a file.
		const partial = `${cached}.${process.pid}.tmp`;
		fs.writeFileSync(partial, output);
		fs.renameSync(partial, cached);
	}
	module._compile(output, filename);
};

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], entry, ...args];
require(path.resolve(entry));
