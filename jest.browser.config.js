/**
 * Browser suite: Debian's Chromium driven by playwright-core against the sandbox (a real n8n with the
 * package, the Meta simulator and its chat page). Run it with `npm run test:browser` (builds, installs
 * n8n and Chromium when missing); the other suites leave these files alone.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/browser'],
	testMatch: ['**/*.browser.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { diagnostics: false }],
	},
	// n8n's first start on a fresh user folder runs its migrations; one sandbox at a time.
	testTimeout: 300000,
	maxWorkers: 1,
	// Failures listed again after the counts, as in jest.config.js.
	reporters: [['default', { summaryThreshold: 0 }]],
};
