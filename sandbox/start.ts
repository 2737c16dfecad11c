/**
 * `npm start`: the sandbox in the foreground. Prints the URLs and the login, and stops everything on
 * Ctrl-C (SIGINT), SIGTERM or SIGHUP: n8n and its task runner (their own process group), the simulator
 * with the chat page, and the stand-in model. A second Ctrl-C kills n8n's process group at once.
 *
 *   npm start                  embedded SQLite store, state kept in .sandbox/ between starts
 *   npm start -- --reset       start from an empty .sandbox/
 *   npm start -- --postgres    the PostgreSQL store (SANDBOX_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 *   npm start -- --ai-agent    the support bot is the AI Agent variant (n8n's AI Agent) instead of the AI Reply one
 *
 * Environment: OPENAI_API_KEY (+ OPENAI_BASE_URL, OPENAI_MODEL) for a real model; SANDBOX_DIR,
 * SANDBOX_N8N_PORT (5678), SANDBOX_CHAT_PORT (5680).
 */
import { resolve } from 'node:path';

import { startSandbox, type Sandbox } from './sandbox';

const args = new Set(process.argv.slice(2));
for (const arg of args) {
	if (!['--reset', '--postgres', '--ai-agent', '--help', '-h'].includes(arg)) {
		console.error(`Unknown option ${arg}. Options: --reset, --postgres, --ai-agent`);
		process.exit(2);
	}
}
if (args.has('--help') || args.has('-h')) {
	console.log('npm start [-- --reset] [-- --postgres] [-- --ai-agent]   (see sandbox/start.ts and the README)');
	process.exit(0);
}

const startedAt = Date.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
let sandbox: Sandbox | undefined;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
	if (stopping) {
		// Impatient: whatever is still running goes now (n8n's group is killed on exit).
		console.log('\nStopping at once.');
		process.exit(130);
	}
	stopping = true;
	if (sandbox === undefined) {
		// Still starting: exiting takes n8n's process group along (the harness kills it on exit).
		console.log(`\n${signal}: stopped while starting.`);
		process.exit(130);
	}
	console.log(`\n${signal}: stopping n8n, the simulator and the model server…`);
	const began = Date.now();
	await sandbox?.stop();
	console.log(`Stopped in ${seconds(Date.now() - began)}. Nothing is left running; state is kept in ${stateDir} (npm start -- --reset to start over).`);
	process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

const stateDir = resolve(process.env.SANDBOX_DIR ?? resolve(__dirname, '..', '.sandbox'));

async function main(): Promise<void> {
	console.log('Starting the WhatsApp sandbox: the Meta simulator, n8n with this package, credentials and example workflows…');
	const apiKey = process.env.OPENAI_API_KEY?.trim();
	sandbox = await startSandbox({
		stateDir,
		reset: args.has('--reset'),
		n8nPort: Number(process.env.SANDBOX_N8N_PORT ?? 5678),
		chatPort: Number(process.env.SANDBOX_CHAT_PORT ?? 5680),
		openAi: apiKey ? { apiKey, baseUrl: process.env.OPENAI_BASE_URL?.trim() || undefined, model: process.env.OPENAI_MODEL?.trim() || undefined } : undefined,
		postgres: args.has('--postgres') ? { connectionString: process.env.SANDBOX_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' } : undefined,
		supportBot: args.has('--ai-agent') ? 'agent' : 'bot',
		log: (line) => console.log(`  ${line}`),
	});
	if (stopping) return;
	const { urls, owner } = sandbox;
	const line = '─'.repeat(78);
	console.log(`
${line}
 WhatsApp sandbox is running (everything on 127.0.0.1, nothing reaches the internet)

 Chat as a WhatsApp customer   ${urls.chat}
 n8n editor                    ${urls.editor}
   login                       ${owner.email}  /  ${owner.password}
 Example workflows (active)    ${(sandbox.supportBot === 'agent' ? 'AI support bot (AI Agent)' : 'AI support bot').padEnd(25)}  ${urls.workflows[sandbox.supportBot]}
                               CRM sync (CSV)             ${urls.workflows.crm}
                               Re-engagement (templates)  ${urls.workflows.reengage}
 AI model                      ${sandbox.modelDescription}
 Conversation store            ${sandbox.storeDescription}
 CRM file                      ${sandbox.crmCsvPath}
 Meta simulator (Graph API)    ${sandbox.simulator.url}/v25.0/${sandbox.simulator.phoneNumberId}/messages
 n8n log                       ${sandbox.n8n.logFile}

 Started in ${seconds(Date.now() - startedAt)} (n8n ${seconds(sandbox.n8nStartMs)}). Press Ctrl-C to stop everything.
${line}`);
}

main().catch(async (error: unknown) => {
	console.error(`\nThe sandbox did not start: ${error instanceof Error ? error.message : String(error)}`);
	await sandbox?.stop();
	process.exit(1);
});
