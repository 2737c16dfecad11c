/**
 * Debian's Chromium (apt-get install chromium; scripts/ensure-chromium.sh) driven by playwright-core:
 * headless, no sandbox (root in CI), nothing that reaches out (QUIC, component updates, sync), and a
 * fresh profile folder per run, removed on close. No browser is ever downloaded.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface Browser {
	context: BrowserContext;
	close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 800 }): Promise<Browser> {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(`No Chromium at ${CHROMIUM_PATH}: run \`bash scripts/ensure-chromium.sh\` (npm run test:browser does)`);
	}
	// A fresh --user-data-dir: playwright passes the folder given here as Chromium's profile.
	const profile = mkdtempSync(join(tmpdir(), 'wa-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: CHROMIUM_FLAGS,
		viewport,
		deviceScaleFactor: 1,
		timeout: 60_000,
	});
	return {
		context,
		async close() {
			await context.close().catch(() => undefined);
			rmSync(profile, { recursive: true, force: true });
		},
	};
}
