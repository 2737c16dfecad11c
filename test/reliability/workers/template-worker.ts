/**
 * One n8n process sending templates: the core's sendTemplateMessage (daily limit reserved in the
 * shared store, then the call to the simulator), several sends in flight. Once its template catalog
 * is loaded it waits at the ready/go barrier (tools/processes/barrier.ts), so that every process starts
 * together. argv: <json: { path, baseUrl, recipients, concurrency }>; prints one JSON line:
 * { outcomes, span }.
 */
import { CloudApiClient } from '../../../core/cloud-api/client';
import { ThrottleRegistry } from '../../../core/cloud-api/throttle';
import { PolicyError, WhatsAppConversationsError } from '../../../core/errors';
import { sendTemplateMessage, type OutboundContext } from '../../../core/outbound';
import { TemplateCatalog } from '../../../core/template';
import { SqliteConversationStore } from '../../../core/conversation/open';
import { DEFAULT_ACCESS_TOKEN, DEFAULT_BUSINESS_ACCOUNT_ID, DEFAULT_PHONE_NUMBER_ID } from '../../../tools/meta-simulator/seed';
import { afterGo } from '../../../tools/processes/barrier';

interface Job {
	path: string;
	baseUrl: string;
	recipients: string[];
	concurrency: number;
}

export interface SendOutcome {
	to: string;
	outcome: 'sent' | 'refused' | 'error';
	/** For sends: whether this one used a new unit of the daily limit. */
	counted?: boolean;
	code?: string;
}

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2]) as Job;
	const store = new SqliteConversationStore({ path: job.path, busyTimeoutMs: 30_000 });
	// Pacing far above what the test sends: the limit, not the throughput cap, is under test.
	const client = new CloudApiClient({ baseUrl: job.baseUrl, accessToken: DEFAULT_ACCESS_TOKEN, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, businessAccountId: DEFAULT_BUSINESS_ACCOUNT_ID, maxMessagesPerSecond: 100_000, throttleRegistry: new ThrottleRegistry() });
	const context: OutboundContext = {
		store,
		client,
		phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
		businessAccountId: DEFAULT_BUSINESS_ACCOUNT_ID,
		tier: 'TIER_250',
		inactivityTimeoutMs: 3_600_000,
		templates: new TemplateCatalog(client),
	};
	await context.templates.all();

	const outcomes: SendOutcome[] = [];
	let next = 0;
	const { span } = await afterGo(() => Promise.all(
		Array.from({ length: job.concurrency }, async () => {
			while (next < job.recipients.length) {
				const to = job.recipients[next++];
				try {
					const result = await sendTemplateMessage(context, { to, name: 'hello_world', languageCode: 'en_US' });
					outcomes.push({ to, outcome: 'sent', counted: result.dailyLimit?.counted ?? false });
				} catch (error) {
					if (error instanceof PolicyError && error.code === 'DAILY_LIMIT_REACHED') outcomes.push({ to, outcome: 'refused' });
					else outcomes.push({ to, outcome: 'error', code: error instanceof WhatsAppConversationsError ? error.code : String(error) });
				}
			}
		}),
	));
	await store.close();
	process.stdout.write(`${JSON.stringify({ outcomes, span })}\n`);
	process.exit(0);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
