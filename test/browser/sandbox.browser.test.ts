/**
 * The sandbox in a real browser: Debian's Chromium (playwright-core) on the chat page and in the n8n
 * editor of a sandbox started exactly as `npm start` starts it (its own state folder and free ports).
 *
 * - The chat page: a customer's message reaches n8n as Meta's signed webhook, the AI support bot's reply
 *   comes back through the Cloud API, and its ticks move to read once the page shows it (the read
 *   status webhook reaches the store). Interactive lists work both ways. Three quick messages get one
 *   answer (the bot's trigger combines messages sent within 3 s).
 * - Reactions and quotes: the customer reacts to the bot's answer and replies quoting it; the page shows
 *   the badge and the quote, and the workflow's Message Received items carry both.
 * - 25 hours later: the window closes, the conversation ends (the CRM sync appends its CSV row) and the
 *   re-engagement workflow takes the only path WhatsApp allows, an approved template.
 * - A customer with a WhatsApp username: n8n gets no phone number, only a business-scoped user id, and
 *   the bot answers them by it (Meta's `recipient` field).
 * - The AI Agent variant of the bot, published instead of it: n8n's AI Agent with WhatsApp Conversation
 *   Memory and n8n's OpenAI Chat Model on the stand-in model answers two turns, each sent once; back to
 *   the AI Reply bot, nothing is answered twice.
 * - Send and Wait (the booking example): "book" gets a question with reply buttons while the execution
 *   waits in n8n; the tapped button resumes that execution once, the time is confirmed, and the AI
 *   support bot leaves both messages alone.
 * - The editor: the package's nodes are in the node panel with their own icons, and the example
 *   workflows open. Screenshots are taken on every run; they replace the README's docs/screenshots/
 *   only when asked for (`UPDATE_SCREENSHOTS=1 npm run test:browser`), else they go to the run's
 *   temporary folder, so a test run leaves the working tree as it was.
 *
 * Needs the build, n8n (scripts/ensure-n8n.sh) and Chromium (scripts/ensure-chromium.sh):
 * `npm run test:browser` sees to all three.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { startSandbox, WORKFLOWS, WORKFLOWS_DIR, type Sandbox, type WorkflowKey } from '../../sandbox/sandbox';
import type { Execution } from '../../tools/n8n-harness/n8n-server';
import { recordTestTimings } from '../e2e/support/harness';
import { launchChromium, type Browser } from './support/chromium';

const ROOT = resolve(__dirname, '../..');
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
// A valid UK mobile number (Send Message checks numbers with libphonenumber, as Meta would).
const CUSTOMER = { phone: '447911123450', name: 'Sam Sandbox' };
// A customer who uses a WhatsApp username: Meta shows the business a business-scoped user id, no number.
const USERNAME_CUSTOMER = { phone: '447911123451', name: 'Robin', username: 'robin.plants' };
const TYPING_CUSTOMER = { phone: '447911123452', name: 'Tess Typing' };
const BURST_CUSTOMER = { phone: '447911123453', name: 'Bea Burst' };
const REACTING_CUSTOMER = { phone: '447911123460', name: 'Rae Reacts' };
const AGENT_CUSTOMER = { phone: '447911123461', name: 'Ari Agent' };
const PACKAGE_ICON_PATH = '/icons/n8n-nodes-whatsapp-conversations/';

let sandbox: Sandbox | undefined;
let browser: Browser | undefined;
let stateDir: string;
const timings: string[] = [];

function running(): Sandbox {
	if (!sandbox) throw new Error('the sandbox is not running');
	return sandbox;
}

async function newPage(): Promise<Page> {
	if (!browser) throw new Error('Chromium is not running');
	const page = await browser.context.newPage();
	page.setDefaultTimeout(30_000);
	return page;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; n8n log:\n${running().n8n.logTail(30)}`);
		await new Promise((done) => setTimeout(done, 250));
	}
}

const finished = (execution: Execution) => !['new', 'running', 'waiting'].includes(execution.status);

function outputOf(execution: Execution, nodeName: string, output = 0): Array<Record<string, unknown>> {
	return (execution.data?.resultData.runData[nodeName]?.[0]?.data?.main[output] ?? []).map((item) => item.json);
}

async function screenshot(page: Page | Locator, name: string): Promise<void> {
	const folder = UPDATE_SCREENSHOTS ? join(ROOT, 'docs/screenshots') : join(stateDir, 'screenshots');
	mkdirSync(folder, { recursive: true });
	await page.screenshot({ path: join(folder, name), animations: 'disabled' });
}

/** The chat page's bubbles from the business, newest last. */
const businessMessages = (page: Page) => page.locator('[data-testid="business-message"]');

async function send(page: Page, text: string): Promise<void> {
	await page.locator('[data-testid="composer"]').fill(text);
	await page.locator('[data-testid="send"]').click();
	await page.locator('[data-testid="customer-message"]', { hasText: text }).last().waitFor();
}

async function logIn(page: Page): Promise<void> {
	const { n8n, owner } = running();
	await page.goto(`${n8n.baseUrl}/signin`);
	// A session from an earlier test sends the sign-in page on to the workflows.
	const form = page.locator('#emailOrLdapLoginId');
	await Promise.race([form.waitFor({ timeout: 30_000 }), page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 30_000 })]);
	if (!new URL(page.url()).pathname.includes('signin')) return;
	await form.fill(owner.email);
	await page.locator('#password').fill(owner.password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 30_000 });
}

/** The little of the DOM the page functions use (the project compiles without the DOM library). */
interface PageElement {
	textContent: string | null;
	parentElement: PageElement | null;
	querySelector(selector: string): (PageElement & { complete?: boolean; naturalWidth?: number; getAttribute(name: string): string | null }) | null;
}

/** Names and icons in the open node panel (nodes with actions are drawn as a different kind of item). */
async function nodePanelItems(page: Page): Promise<Array<{ name: string; icon: string; iconLoaded: boolean }>> {
	return page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]').evaluateAll((elements) =>
		(elements as unknown as PageElement[]).map((name) => {
			let item: PageElement | null = name;
			while (item !== null && item.querySelector('img') === null) item = item.parentElement;
			const image = item?.querySelector('img') ?? null;
			return {
				name: name.textContent?.trim() ?? '',
				icon: image?.getAttribute('src') ?? '',
				iconLoaded: image !== null && image.complete === true && (image.naturalWidth ?? 0) > 0,
			};
		}),
	);
}

beforeAll(async () => {
	if (!existsSync(join(ROOT, 'dist/nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node.js'))) {
		throw new Error('dist/ holds no compiled nodes: run `npm run build` first (npm run test:browser does)');
	}
	stateDir = mkdtempSync(join(tmpdir(), 'wa-sandbox-browser-'));
	let started = Date.now();
	sandbox = await startSandbox({ stateDir, n8nPort: 0, chatPort: 0 });
	timings.push(`sandbox start ${Date.now() - started} ms (n8n ${sandbox.n8nStartMs} ms)`);
	started = Date.now();
	browser = await launchChromium();
	timings.push(`chromium start ${Date.now() - started} ms`);
}, 240_000);

afterAll(async () => {
	await browser?.close();
	await sandbox?.stop();
	if (stateDir) rmSync(stateDir, { recursive: true, force: true });
	console.log(`browser suite timings:\n  ${timings.join('\n  ')}`);
}, 120_000);

recordTestTimings(timings);

describe('the sandbox in Chromium', () => {
	let chat: Page;

	it('chat page: the customer writes, the AI support bot answers, and its ticks move to read', async () => {
		const { urls, workflowIds, n8n, store, simulator } = running();
		chat = await newPage();
		await chat.goto(`${urls.chat}?phone=${CUSTOMER.phone}&name=${encodeURIComponent(CUSTOMER.name)}`);
		await chat.locator('#window').waitFor();

		await send(chat, 'hello');
		const reply = businessMessages(chat).filter({ hasText: 'Lucky Shrub assistant' }).first();
		await reply.waitFor({ timeout: 30_000 });
		// The stand-in model says what it is in every reply.
		await expect(reply.innerText()).resolves.toContain('offline stand-in model');
		// The page showed it, so the customer "read" it: Meta's read status webhook went to n8n.
		await chat.waitForFunction(`document.querySelector('[data-testid="business-message"]')?.getAttribute('data-status') === 'read'`, undefined, { timeout: 20_000 });
		await expect(chat.locator('[data-testid="customer-message"]').first().getAttribute('data-status')).resolves.toMatch(/received|read/);

		// n8n ran the bot: Message Received → Route → AI Reply → Send Message, successfully.
		const run = await waitFor('the bot execution', async () => (await n8n.executions(workflowIds.bot)).filter(finished).find((e) => outputOf(e, 'Send the Reply').length > 0));
		expect(run.status).toBe('success');
		const [sent] = outputOf(run, 'Send the Reply');
		expect(sent).toMatchObject({ to: `+${CUSTOMER.phone}`, messageId: expect.stringMatching(/^wamid\./) });
		// The read status is in the store too (the webhook went through the trigger's URL).
		const readInStore = await waitFor('the read status in the store', async () => {
			const transcript = await store.getTranscript(String(sent.conversationId));
			return transcript.find((message) => message.wamid === sent.messageId && message.status === 'read');
		});
		expect(readInStore.direction).toBe('outbound');
		expect(simulator.sentTo(CUSTOMER.phone)[0]).toMatchObject({ type: 'text' });

		// An interactive list both ways: "menu" sends one; choosing a row answers with a list reply.
		await send(chat, 'menu');
		const listButton = chat.locator('[data-testid="list-button"]').last();
		await listButton.waitFor();
		await listButton.click();
		await chat.locator('[data-testid="list-option"]', { hasText: 'Where is my order?' }).click();
		await businessMessages(chat).filter({ hasText: 'What is your order number?' }).first().waitFor();
		await send(chat, '12345');
		await businessMessages(chat).filter({ hasText: '#12345' }).first().waitFor();
		await chat.waitForFunction(
			`[...document.querySelectorAll('[data-testid="business-message"]')].every((bubble) => bubble.getAttribute('data-status') === 'read')`,
			undefined,
			{ timeout: 20_000 },
		);
		await screenshot(chat, 'chat.png');
	});

	it('chat page: "typing…" while the model answers, blue ticks on the customer\'s message once the bot read it', async () => {
		const { urls } = running();
		const page = await newPage();
		await page.goto(`${urls.chat}?phone=${TYPING_CUSTOMER.phone}&name=${encodeURIComponent(TYPING_CUSTOMER.name)}`);
		await page.locator('#window').waitFor();
		await send(page, 'When are you open?');
		// AI Reply's typing indicator shows while the stand-in model takes its time to answer.
		await page.waitForFunction(`document.querySelector('#window')?.getAttribute('data-typing') === 'true'`, undefined, { timeout: 30_000 });
		await expect(page.locator('#window').innerText()).resolves.toBe('typing…');
		await screenshot(page, 'chat-typing.png');
		await businessMessages(page).filter({ hasText: 'Monday to Saturday' }).first().waitFor({ timeout: 30_000 });
		// The answer ends it, and the trigger (version 1.1) marked the customer's message read.
		await page.waitForFunction(`document.querySelector('#window')?.getAttribute('data-typing') === 'false'`, undefined, { timeout: 5000 });
		await page.waitForFunction(
			`document.querySelector('[data-testid="customer-message"]')?.getAttribute('data-status') === 'read' && getComputedStyle(document.querySelector('[data-testid="customer-message"] .ticks')).color === 'rgb(83, 189, 235)'`,
			undefined,
			{ timeout: 10_000 },
		);
		await page.close();
	});

	it('a burst is answered once: three quick messages, one answer that covers them', async () => {
		const { urls, workflowIds, n8n, simulator } = running();
		const page = await newPage();
		await page.goto(`${urls.chat}?phone=${BURST_CUSTOMER.phone}&name=${encodeURIComponent(BURST_CUSTOMER.name)}`);
		await page.locator('#window').waitFor();
		// Nothing the stand-in model has a canned answer for, so its answer quotes the text it was given.
		const lines = ['Quick question', 'about the blue ceramic pot', 'is it frost-proof?'];
		for (const line of lines) await send(page, line);
		const answer = businessMessages(page).filter({ hasText: 'You wrote' }).first();
		await answer.waitFor({ timeout: 30_000 });
		const answerText = await answer.innerText();
		for (const line of lines) expect(answerText).toContain(line);

		// One run for the three messages (the trigger combines those sent within 3 s), and one answer.
		const byCustomer = (e: Execution) => outputOf(e, 'WhatsApp Message Received')[0]?.customerPhone === `+${BURST_CUSTOMER.phone}`;
		const run = await waitFor('the bot run for the burst', async () => (await n8n.executions(workflowIds.bot)).filter(finished).find(byCustomer));
		expect(run.status).toBe('success');
		expect(outputOf(run, 'WhatsApp Message Received')[0]).toMatchObject({ messageCount: 3, text: lines.join('\n') });
		// Longer than the quiet period: a run per message would have answered again by now.
		await new Promise((done) => setTimeout(done, 5000));
		expect((await n8n.executions(workflowIds.bot)).filter(byCustomer)).toHaveLength(1);
		expect(simulator.sentTo(BURST_CUSTOMER.phone)).toHaveLength(1);
		await expect(businessMessages(page).count()).resolves.toBe(1);
		await page.close();
	});

	it('human takeover: "agent" turns AI off for the conversation, the button hands it back', async () => {
		const { simulator, n8n, workflowIds } = running();
		await send(chat, 'agent');
		const handBack = chat.locator('[data-testid="reply-button"]', { hasText: 'Back to the bot' }).last();
		await handBack.waitFor();
		// AI is off: AI Reply skips, so a question gets no answer while a person has the conversation.
		const sentBefore = simulator.sentTo(CUSTOMER.phone).length;
		await send(chat, 'are you a robot?');
		// Its run starts only after the bot's 3 s quiet period: wait for it, so the button below is not
		// combined with the question into one run.
		const skipped = await waitFor('the bot run for "are you a robot?"', async () =>
			(await n8n.executions(workflowIds.bot)).filter(finished).find((e) => outputOf(e, 'WhatsApp Message Received')[0]?.text === 'are you a robot?'),
		);
		expect(outputOf(skipped, 'WhatsApp AI Reply')[0]).toMatchObject({ skipped: true });
		expect(simulator.sentTo(CUSTOMER.phone)).toHaveLength(sentBefore);
		// The customer's button turns AI on again, and the assistant answers once more.
		await handBack.click();
		await businessMessages(chat).filter({ hasText: 'The assistant is back' }).first().waitFor();
		await send(chat, 'thanks');
		await businessMessages(chat).filter({ hasText: 'You are welcome' }).first().waitFor();
	});

	it('25 hours later: the window is closed and the re-engagement workflow sends an approved template', async () => {
		const { workflowIds, n8n, crmCsvPath, simulator } = running();
		const sendsBefore = simulator.sentTo(CUSTOMER.phone).length;
		await chat.locator('[data-testid="jump"]').click();
		await chat.waitForFunction(`document.querySelector('#window')?.getAttribute('data-window') === 'closed'`, undefined, { timeout: 20_000 });

		// The template as WhatsApp shows it: header, body with the values, footer, buttons.
		const template = chat.locator('[data-testid="business-message"][data-template="coupon_expiration_reminder_number_vars"]');
		await template.waitFor({ timeout: 60_000 });
		const text = await template.innerText();
		expect(text).toContain('Act fast, Sam!');
		expect(text).toContain('COMEBACK15');
		expect(text).toContain('Unsubscribe');
		// Only the template went out, and nothing free-form after the window closed.
		const after = simulator.sentTo(CUSTOMER.phone).slice(sendsBefore);
		expect(after.map((message) => message.type)).toEqual(['template']);

		// n8n: the re-engagement run took the template path and counted the daily limit.
		const run = await waitFor('the re-engagement execution', async () => (await n8n.executions(workflowIds.reengage)).filter(finished).find((e) => outputOf(e, 'WhatsApp Send Template').length > 0));
		expect(run.status).toBe('success');
		expect(outputOf(run, 'WhatsApp Send Template')[0]).toMatchObject({
			to: `+${CUSTOMER.phone}`,
			windowOpen: false,
			dailyLimit: expect.objectContaining({ counted: true, tier: 'TIER_250' }),
		});

		// The conversation ended: the CRM sync appended its row (transcript included) to the CSV file.
		await chat.locator('[data-testid="note"]', { hasText: 'CRM row written' }).waitFor({ timeout: 30_000 });
		const csv = readFileSync(crmCsvPath, 'utf8');
		expect(csv.startsWith('ended_at,conversation_id,customer_phone')).toBe(true);
		expect(csv).toContain(`"+${CUSTOMER.phone}","${CUSTOMER.name}","inactivity"`);
		expect(csv).toContain('Customer: Where is my order?');
		// The trigger's extraction (the stand-in model reads the transcript by pattern).
		expect(csv).toContain('""order_number"":""12345""');
		expect(csv.charCodeAt(0)).not.toBe(0xfeff);
		await screenshot(chat, 'chat-window-closed.png');
		await chat.close();
	});

	it('a username customer: the business sees only a business-scoped user ID, and the bot answers by it', async () => {
		const { urls, workflowIds, n8n, simulator } = running();
		const page = await newPage();
		const query = new URLSearchParams(USERNAME_CUSTOMER);
		await page.goto(`${urls.chat}?${query}`);
		const identity = page.locator('[data-testid="identity"]');
		const userId = await waitFor('the business-scoped user id on the page', async () => identity.getAttribute('data-user-id'));
		expect(userId).toMatch(/^[A-Z]{2}\.\d{20}$/);
		await expect(identity.innerText()).resolves.toContain(userId);

		await send(page, 'hello');
		await businessMessages(page).filter({ hasText: 'Lucky Shrub assistant' }).first().waitFor({ timeout: 30_000 });

		// What n8n received: the BSUID and the username, and the number nowhere.
		const delivery = simulator.webhookDeliveries.filter((candidate) => candidate.kind === 'inbound').at(-1);
		const body = delivery?.rawBody.toString('utf8') ?? '';
		expect(body).toContain(`"from_user_id":"${userId}"`);
		expect(body).toContain(`"username":"${USERNAME_CUSTOMER.username}"`);
		expect(body).not.toContain(USERNAME_CUSTOMER.phone.slice(2));

		// The bot's run answered by the BSUID, and Meta got it in `recipient`.
		const run = await waitFor('the bot execution for the username customer', async () =>
			(await n8n.executions(workflowIds.bot)).filter(finished).find((e) => outputOf(e, 'Send the Reply')[0]?.customerId === userId),
		);
		expect(run.status).toBe('success');
		expect(outputOf(run, 'WhatsApp Message Received')[0]).toMatchObject({ customerId: userId, customerPhone: null });
		expect(outputOf(run, 'Send the Reply')[0]).toMatchObject({ customerId: userId, waId: null, to: null, isNewConversation: false });
		const [reply] = simulator.state.sentMessages.filter((sent) => sent.to === userId);
		expect(reply.payload).toMatchObject({ recipient: userId, type: 'text' });
		expect(reply.payload).not.toHaveProperty('to');
		await page.close();
	});

	it('chat page: the customer reacts to the bot\'s answer and replies quoting it; the workflow gets both', async () => {
		const { urls, workflowIds, n8n, simulator } = running();
		const page = await newPage();
		// username= empty: the page would otherwise keep the username an earlier test typed (localStorage).
		await page.goto(`${urls.chat}?phone=${REACTING_CUSTOMER.phone}&name=${encodeURIComponent(REACTING_CUSTOMER.name)}&username=`);
		await page.locator('#window').waitFor();
		await send(page, 'hello');
		const answer = businessMessages(page).filter({ hasText: 'Lucky Shrub assistant' }).first();
		await answer.waitFor({ timeout: 30_000 });
		const answerWamid = await answer.getAttribute('data-wamid');
		expect(answerWamid).toMatch(/^wamid\./);
		const triggerItemOf = async (what: string, accept: (item: Record<string, unknown>) => boolean) => {
			const run = await waitFor(what, async () =>
				(await n8n.executions(workflowIds.bot)).filter(finished).find((e) => {
					const item = outputOf(e, 'WhatsApp Message Received')[0];
					return item?.customerPhone === `+${REACTING_CUSTOMER.phone}` && accept(item);
				}),
			);
			return outputOf(run, 'WhatsApp Message Received')[0];
		};

		// A tap on the answer opens the reaction bar; 👍 goes to n8n as Meta's reaction webhook.
		await answer.locator('.text').click();
		await page.locator('[data-testid="react-option"][data-emoji="👍"]').click();
		const badge = answer.locator('[data-testid="reaction"]');
		await badge.waitFor();
		await expect(badge.getAttribute('data-emojis')).resolves.toBe('customer:👍');
		const reactionDelivery = simulator.webhookDeliveries.filter((delivery) => delivery.kind === 'inbound' && delivery.rawBody.toString('utf8').includes('"type":"reaction"')).at(-1);
		expect({ status: reactionDelivery?.status, body: reactionDelivery?.responseBody }).toEqual({ status: 200, body: 'OK' });
		const reaction = await triggerItemOf('the bot run for the reaction', (item) => item.type === 'reaction');
		expect(reaction.reaction).toMatchObject({ messageId: answerWamid, emoji: '👍', toOurMessage: true, messageText: expect.stringContaining('Lucky Shrub assistant') });

		// Reply quoting the answer: the preview above the composer, then the quote in the sent bubble.
		await answer.locator('.text').click();
		await page.locator('[data-testid="reply-action"]').click();
		await expect(page.locator('[data-testid="reply-preview"]').innerText()).resolves.toContain('Lucky Shrub assistant');
		await send(page, 'Do you deliver on Sundays?');
		const quote = page.locator('[data-testid="customer-message"]', { hasText: 'Do you deliver on Sundays?' }).locator('[data-testid="quote"]');
		await quote.waitFor();
		await expect(quote.getAttribute('data-wamid')).resolves.toBe(answerWamid);
		await expect(quote.innerText()).resolves.toContain('Lucky Shrub assistant');
		await expect(page.locator('[data-testid="reply-preview"]').isVisible()).resolves.toBe(false);
		const quoted = await triggerItemOf('the bot run for the quoted reply', (item) => item.text === 'Do you deliver on Sundays?');
		expect(quoted).toMatchObject({ contextMessageId: answerWamid, context: { messageId: answerWamid, fromUs: true, text: expect.stringContaining('Lucky Shrub assistant') } });
		await page.close();
	});

	it('the AI Agent variant, published instead of the AI Reply bot: n8n\'s AI Agent answers from the stored conversation, and switching back answers nothing twice', async () => {
		const { urls, workflowIds, n8n, store, simulator } = running();
		// The variant is the bot with the AI step swapped: the same trigger (so the same webhook URL) and Route.
		const nodesOf = (key: WorkflowKey) => (JSON.parse(readFileSync(join(WORKFLOWS_DIR, WORKFLOWS[key].file), 'utf8')) as { nodes: Array<Record<string, unknown>> }).nodes;
		for (const name of ['WhatsApp Message Received', 'Route']) {
			expect(nodesOf('agent').find((node) => node.name === name)).toEqual(nodesOf('bot').find((node) => node.name === name));
		}
		// So n8n refuses to publish both, and a message is never answered by both.
		const refusal = await n8n.activate(workflowIds.agent).then(
			() => 'published',
			(error: unknown) => (error instanceof Error ? error.message : String(error)),
		);
		expect(refusal).toMatch(/conflict with one of the webhooks|already taken/);

		await running().useSupportBot('agent');
		const page = await newPage();
		const byCustomer = (e: Execution) => outputOf(e, 'WhatsApp Message Received')[0]?.customerPhone === `+${AGENT_CUSTOMER.phone}`;
		try {
			await page.goto(`${urls.chat}?phone=${AGENT_CUSTOMER.phone}&name=${encodeURIComponent(AGENT_CUSTOMER.name)}&username=`);
			await page.locator('#window').waitFor();
			await send(page, 'where is my order?');
			await businessMessages(page).filter({ hasText: 'What is your order number?' }).first().waitFor({ timeout: 30_000 });
			// The stand-in answers a bare number with the order only when an earlier message asked about
			// one: the memory gave the Agent the first turn from the store.
			await send(page, '12345');
			const answer = businessMessages(page).filter({ hasText: '#12345' }).first();
			await answer.waitFor({ timeout: 30_000 });
			await expect(answer.innerText()).resolves.toContain('offline stand-in model');

			const runs = await waitFor('two runs of the AI Agent variant', async () => {
				const found = (await n8n.executions(workflowIds.agent)).filter(finished).filter(byCustomer);
				return found.length === 2 && found;
			});
			expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
			const [second, first] = runs;
			const answers = [first, second].map((run) => String(outputOf(run, 'AI Agent')[0]?.output));
			expect(answers[0]).toContain('What is your order number?');
			expect(answers[1]).toContain('#12345');
			// The memory sub-node read the history and recorded the Agent's answer in each run.
			const memoryRuns = (second.data?.resultData.runData['WhatsApp Conversation Memory'] ?? []) as Array<{ data?: { ai_memory?: Array<Array<{ json: Record<string, unknown> }>> } }>;
			expect(memoryRuns.map((run) => run.data?.ai_memory?.[0]?.[0]?.json.action)).toEqual(['loadMemoryVariables', 'saveContext']);
			// Each answer reached the customer once; the store holds it once as sent, beside the memory's record.
			const conversationId = String(outputOf(second, 'WhatsApp Message Received')[0]?.conversationId);
			const transcript = await store.getTranscript(conversationId);
			expect(transcript.map((message) => [message.direction, message.wamid?.startsWith('ai.') ? 'ai.' : message.wamid?.slice(0, 6), message.text])).toEqual([
				['inbound', 'wamid.', 'where is my order?'],
				['outbound', 'ai.', answers[0]],
				['outbound', 'wamid.', answers[0]],
				['inbound', 'wamid.', '12345'],
				['outbound', 'ai.', answers[1]],
				['outbound', 'wamid.', answers[1]],
			]);
			expect(simulator.sentTo(AGENT_CUSTOMER.phone).map((sent) => (sent.payload as { text?: { body?: string } }).text?.body)).toEqual(answers);
			// The AI Reply bot was unpublished: it ran for none of them.
			expect((await n8n.executions(workflowIds.bot)).filter(byCustomer)).toEqual([]);
		} finally {
			await running().useSupportBot('bot');
		}

		// The AI Reply bot again: it starts with new messages, so the two the Agent answered are not answered again.
		await send(page, 'thanks');
		await businessMessages(page).filter({ hasText: 'You are welcome' }).first().waitFor({ timeout: 30_000 });
		// Longer than the bot's 3 s quiet period: a replay of the earlier messages would have run by now.
		await new Promise((done) => setTimeout(done, 5000));
		const botRuns = (await n8n.executions(workflowIds.bot)).filter(byCustomer);
		expect(botRuns.map((run) => outputOf(run, 'WhatsApp Message Received')[0]?.text)).toEqual(['thanks']);
		expect(simulator.sentTo(AGENT_CUSTOMER.phone)).toHaveLength(3);
		expect((await n8n.executions(workflowIds.agent)).filter(byCustomer)).toHaveLength(2);
		await page.close();
	});

	it('editor: the package\'s nodes are in the node panel with their icons', async () => {
		const { n8n, urls } = running();
		const page = await newPage();
		await page.setViewportSize({ width: 1440, height: 900 });
		await logIn(page);

		// A new workflow: the trigger panel.
		await page.goto(`${n8n.baseUrl}/workflow/new`);
		await page.locator('[data-test-id="canvas-add-button"]').click({ timeout: 60_000 });
		await page.locator('[data-test-id="node-creator-search-bar"]').waitFor();
		await page.keyboard.type('WhatsApp');
		await page.locator('[data-test-id="node-creator-node-item"]', { hasText: 'WhatsApp Message Received Trigger' }).waitFor();
		const triggers = await nodePanelItems(page);
		// n8n 2.30.8's panel names the Account Event trigger "WhatsApp Account Event".
		for (const name of ['WhatsApp Message Received Trigger', 'WhatsApp Conversation Started Trigger', 'WhatsApp Conversation Ended Trigger', 'WhatsApp Account Event']) {
			const item = triggers.find((candidate) => candidate.name === name);
			expect(item).toMatchObject({ iconLoaded: true, icon: expect.stringContaining(PACKAGE_ICON_PATH) });
		}

		// In a workflow: the action panel.
		await page.goto(urls.workflows.bot);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		await page.locator('[data-test-id="node-creator-search-bar"]').waitFor();
		await page.keyboard.type('WhatsApp');
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: 'WhatsApp Send Template' }).waitFor();
		await page.waitForFunction(`[...document.querySelectorAll('[data-test-id="node-creator"] img')].every((image) => image.complete)`);
		const actions = await nodePanelItems(page);
		const expected = ['WhatsApp Send Message', 'WhatsApp Send Template', 'WhatsApp Conversation', 'WhatsApp Template', 'WhatsApp AI Reply'];
		for (const name of expected) {
			const item = actions.find((candidate) => candidate.name === name);
			expect({ name, ...item }).toMatchObject({ name, iconLoaded: true, icon: expect.stringContaining(PACKAGE_ICON_PATH) });
		}
		await screenshot(page, 'editor-node-panel.png');
		await page.close();
	});

	it('editor: the example workflows open with every node known', async () => {
		const { urls } = running();
		const page = await newPage();
		await page.setViewportSize({ width: 1440, height: 900 });
		await logIn(page);
		for (const key of Object.keys(WORKFLOWS) as WorkflowKey[]) {
			const workflow = JSON.parse(readFileSync(join(WORKFLOWS_DIR, WORKFLOWS[key].file), 'utf8')) as { nodes: Array<{ name: string; type: string }> };
			await page.goto(urls.workflows[key]);
			const nodes = page.locator('[data-test-id="canvas-node"]');
			await nodes.first().waitFor({ timeout: 60_000 });
			const expectedNodes = workflow.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote').length;
			await waitFor(`${expectedNodes} nodes of ${key} on the canvas`, async () => (await nodes.count()) >= expectedNodes);
			// A node type n8n does not know is drawn with a question mark and "Install this node" hints.
			await expect(page.locator('text=Install this node').count()).resolves.toBe(0);
			const icons = await page.locator(`[data-test-id="canvas-node"] img[src*="${PACKAGE_ICON_PATH}"]`).count();
			expect(icons).toBeGreaterThan(0);
			await page.locator('[data-test-id="zoom-to-fit"]').click();
			// One step back, so the "Execute workflow" button does not cover the lowest node's name.
			await page.locator('[data-test-id="zoom-out-button"]').click();
			await page.waitForTimeout(600);
			await screenshot(page, `workflow-${WORKFLOWS[key].file.replace(/\.json$/, '')}.png`);
		}
		await page.close();
	});
});

describe('Send and Wait from the chat page (the booking example)', () => {
	const BOOKING_CUSTOMER = { phone: '447911123470', name: 'Bo Booking' };
	const ASKER = 'Ask for a Time';

	it('"book": the question comes with reply buttons, the tapped time is confirmed, and the waiting execution resumed once', async () => {
		const { urls, workflowIds, n8n, simulator } = running();
		const page = await newPage();
		await page.goto(`${urls.chat}?phone=${BOOKING_CUSTOMER.phone}&name=${encodeURIComponent(BOOKING_CUSTOMER.name)}&username=`);
		await page.locator('#window').waitFor();
		await send(page, 'book');
		const question = businessMessages(page).filter({ hasText: 'When should our plant doctor visit you?' }).first();
		await question.waitFor({ timeout: 30_000 });
		await expect(question.locator('[data-testid="reply-button"]').allInnerTexts()).resolves.toEqual(['↩ Tomorrow 10:00', '↩ Tomorrow 15:00', '↩ Other day']);
		const questionWamid = await question.getAttribute('data-wamid');

		// The execution waits in n8n for the answer (Send and Wait), having sent the question.
		const byCustomer = (e: Execution) => outputOf(e, 'WhatsApp Message Received')[0]?.customerPhone === `+${BOOKING_CUSTOMER.phone}`;
		const waiting = await waitFor('the booking execution waiting for the answer', async () =>
			(await n8n.executions(workflowIds.booking)).find((e) => e.status === 'waiting' && byCustomer(e)),
		);

		await question.locator('[data-testid="reply-button"]', { hasText: 'Tomorrow 15:00' }).click();
		// The tap is Meta's button reply, quoting the question as WhatsApp shows it.
		const tap = page.locator('[data-testid="customer-message"]', { hasText: 'Tomorrow 15:00' });
		await tap.waitFor();
		await expect(tap.getAttribute('data-type')).resolves.toBe('interactive');
		await expect(tap.locator('[data-testid="quote"]').getAttribute('data-wamid')).resolves.toBe(questionWamid);
		await businessMessages(page).filter({ hasText: 'Booked: Tomorrow 15:00' }).first().waitFor({ timeout: 30_000 });

		// The same execution went on, with the tapped button, and confirmed once.
		const resumed = await waitFor('the resumed booking execution', async () => (await n8n.executions(workflowIds.booking)).find((e) => e.id === waiting.id && finished(e)));
		expect(resumed.status).toBe('success');
		const runData = resumed.data?.resultData.runData ?? {};
		// n8n replaces the waiting run of the node with the resumed one.
		expect(runData[ASKER]?.at(-1)?.data?.main[0]?.[0]?.json).toMatchObject({
			answered: true,
			timedOut: false,
			text: 'Tomorrow 15:00',
			replyId: 'slot_tomorrow_15',
			replyKind: 'button_reply',
			answerMessageId: await tap.getAttribute('data-wamid'),
		});
		expect(runData['Confirm the Time']).toHaveLength(1);
		expect(outputOf(resumed, 'Confirm the Time')).toHaveLength(1);

		// The AI support bot left "book" and the tap to this workflow: once its run for the tap is over
		// (after its 3 s quiet period), the customer got the question and one confirmation, nothing else.
		const botRunForTap = (e: Execution) => finished(e) && outputOf(e, 'WhatsApp Message Received')[0]?.replyId === 'slot_tomorrow_15';
		await waitFor('the bot run for the tap', async () => (await n8n.executions(workflowIds.bot)).find(botRunForTap));
		await new Promise((done) => setTimeout(done, 2000));
		expect(simulator.sentTo(BOOKING_CUSTOMER.phone).map((sent) => sent.type)).toEqual(['interactive', 'text']);
		expect((await n8n.executions(workflowIds.booking)).filter(byCustomer)).toHaveLength(1);

		// Blue ticks on both of the customer's messages (the triggers marked them read), then the screenshot.
		await page.waitForFunction(
			`[...document.querySelectorAll('[data-testid="customer-message"]')].every((bubble) => bubble.getAttribute('data-status') === 'read') && [...document.querySelectorAll('[data-testid="business-message"]')].every((bubble) => bubble.getAttribute('data-status') === 'read')`,
			undefined,
			{ timeout: 20_000 },
		);
		await screenshot(page, 'chat-send-and-wait.png');
		await page.close();
	});
});
