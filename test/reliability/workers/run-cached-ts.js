// Runs a TypeScript file like scripts/run-ts.js (transpiled on load, no build), but keeps each
// transpiled file on disk, keyed by its path, size and modification time. The reliability suite
// starts a dozen worker processes; transpiling the core again in each was most of their start-up.
// Usage: node test/reliability/workers/run-cached-ts.js <file.ts> [args...]
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CACHE = path.join(os.tmpdir(), `wa-conversations-ts-cache-${process.getuid ? process.getuid() : 'user'}`);
fs.mkdirSync(CACHE, { recursive: true });
let ts = null;

function transpile(source, filename) {
	// Loaded only on a cache miss: loading the compiler is itself a good part of the cost.
	ts ??= require('typescript');
	const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false };
	return ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
}

require.extensions['.ts'] = (module, filename) => {
	const stat = fs.statSync(filename);
	const key = crypto.createHash('sha1').update(`${filename}|${stat.size}|${stat.mtimeMs}`).digest('hex');
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
