/**
 * The demo behind `npm start`: a real conversation through the core on the embedded store, offline.
 * A local Meta Cloud API simulator plays WhatsApp; it delivers signed webhooks to the core's ingress
 * server, a small bot answers through the Cloud API client, and every rule (window, templates,
 * opt-out, daily limit, inactivity) is applied on the way. Prints what happens and exits.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
	CloudApiClient,
	EventSubscriber,
	IdleConversationSweeper,
	PolicyError,
	sendSessionMessage,
	sendTemplateMessage,
	SqliteConversationStore,
	startWebhookServer,
	TemplateCatalog,
	type OutboundContext,
	type StoreEvent,
} from '../core';
import { DEFAULT_APP_SECRET, startMetaSimulator } from '../tools/meta-simulator/meta-simulator';

const HOUR = 3_600_000;
const CUSTOMER = '16505551234';
const INACTIVITY_TIMEOUT_MS = 30 * 60_000;

let clock = Date.now();
const time = (): string => new Date(clock).toISOString().slice(5, 16).replace('T', ' ');
const say = (who: string, text: string): void => console.log(`  ${time()}  ${who.padEnd(9)} ${text}`);
const step = (title: string): void => console.log(`\n▸ ${title}`);

function describeEvent(event: StoreEvent): string {
	switch (event.type) {
		case 'conversation.started':
			return `conversation started (${event.payload.conversation.initiatedBy}-initiated)`;
		case 'message.received':
			return `message received: "${event.payload.message.text}" (window open until ${new Date(event.payload.window.expiresAt ?? 0).toISOString().slice(0, 16)}Z)`;
		case 'message.status':
			return `status ${event.payload.status.status} for ${event.payload.status.wamid.slice(0, 18)}…`;
		case 'conversation.ended':
			return `conversation ended (${event.payload.reason}, ${event.payload.conversation.messageCount} messages)`;
		case 'account.event':
			return `account event ${event.payload.event.field} (${event.payload.event.event ?? 'no event name'})`;
	}
}

async function main(): Promise<void> {
	const folder = resolve(process.env.DEMO_DIR ?? join(__dirname, '..', '.demo'));
	rmSync(folder, { recursive: true, force: true });
	mkdirSync(folder, { recursive: true });
	const store = new SqliteConversationStore({ path: join(folder, 'conversations.sqlite') });

	const ingress = await startWebhookServer({ store, appSecret: DEFAULT_APP_SECRET, verifyToken: 'demo-verify-token', inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, clock: () => clock });
	const meta = await startMetaSimulator({ now: () => clock, webhook: { url: ingress.url, appSecret: DEFAULT_APP_SECRET } });
	const client = new CloudApiClient({ ...meta.clientConfig(), now: () => clock });
	const context: OutboundContext = {
		store,
		client,
		phoneNumberId: meta.phoneNumberId,
		businessAccountId: meta.businessAccountId,
		tier: 'TIER_250',
		inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS,
		templates: new TemplateCatalog(client),
		clock: () => clock,
	};
	console.log('WhatsApp conversations demo: offline, on the embedded SQLite store');
	console.log(`  Meta Cloud API simulator  ${meta.url}`);
	console.log(`  webhook ingress (core)    ${ingress.url}`);
	console.log(`  conversation store        ${join(folder, 'conversations.sqlite')}`);

	// A subscriber reads the event log, as each n8n trigger does; the bot answers received messages.
	const logEvents = new EventSubscriber({ store, subscriberId: 'demo-log', from: 'beginning', handle: (event) => say('event', describeEvent(event)) });
	await logEvents.start();

	const settle = async (): Promise<void> => {
		await meta.flushWebhooks();
		await new Promise((resolvePause) => setTimeout(resolvePause, 150));
	};

	step('The customer writes; the signed webhook is verified, parsed and stored');
	say('customer', 'Hi! Does the Lucky Shrub planter come in blue?');
	const first = await meta.simulateInbound({ from: CUSTOMER, name: 'Sheena Nelson', text: 'Hi! Does the Lucky Shrub planter come in blue?' });
	await settle();

	step('The bot replies inside the 24-hour window; ticks come back as status webhooks');
	const reply = await sendSessionMessage(context, { kind: 'text', to: `+${CUSTOMER}`, body: 'Yes! It comes in navy and sky blue. Want a link?' });
	say('business', 'Yes! It comes in navy and sky blue. Want a link?');
	await settle();

	step('Meta retries the first webhook: the store recognises the wamid, no second event');
	const retry = await meta.redeliver(first);
	say('meta', `redelivery answered ${retry.status}`);
	await settle();

	step('Quiet for 31 minutes: the sweep ends the conversation, exactly once');
	clock += 31 * 60_000;
	const sweeper = new IdleConversationSweeper({ store, inactivityTimeoutMs: INACTIVITY_TIMEOUT_MS, intervalMs: 60_000, clock: () => clock });
	await sweeper.sweepNow();
	await settle();
	const transcript = await store.getTranscript(reply.conversationId);
	for (const message of transcript) say(message.direction === 'inbound' ? '  ↳ in' : '  ↳ out', `${message.text} ${message.status ? `[${message.status}]` : ''}`);

	step('A day later, a free-form follow-up is refused before it reaches Meta');
	clock += 25 * HOUR;
	try {
		await sendSessionMessage(context, { kind: 'text', to: `+${CUSTOMER}`, body: 'Still thinking about the planter?' });
	} catch (error) {
		if (!(error instanceof PolicyError)) throw error;
		say('policy', `${error.code}: ${error.message}`);
		say('hint', error.hint);
	}

	step('So the flow falls back to an approved template, counted against the daily limit');
	const template = await sendTemplateMessage(context, { to: `+${CUSTOMER}`, name: 'hello_world', languageCode: 'en_US' });
	say('business', `template "${template.template.name}" sent; daily limit ${template.dailyLimit?.used}/${template.dailyLimit?.limit}`);
	await settle();

	step('The customer answers STOP: marketing templates are refused from now on');
	say('customer', 'STOP');
	await meta.simulateInbound({ from: CUSTOMER, text: 'STOP' });
	await settle();
	try {
		await sendTemplateMessage(context, { to: `+${CUSTOMER}`, name: 'coupon_expiration_reminder_number_vars', languageCode: 'en', header: { type: 'text', text: 'Sheena' }, body: ['SPRING20', '3'] });
	} catch (error) {
		if (!(error instanceof PolicyError)) throw error;
		say('policy', `${error.code}: ${error.message}`);
	}

	await logEvents.stop();
	const conversations = await store.listConversations({});
	console.log(`\nDone: ${conversations.length} conversations, ${meta.requests.length} API calls to the simulator, nothing left running.`);
	await meta.close();
	await ingress.close();
	await store.close();
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
