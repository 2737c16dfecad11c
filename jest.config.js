/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The end-to-end suite (real n8n server) runs with jest.e2e.config.js, the browser suite with jest.browser.config.js.
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/browser/'],
	transform: {
		// Type checking is `npm run typecheck`; tests only transpile, which keeps them fast.
		'^.+\\.ts$': ['ts-jest', { diagnostics: false }],
	},
	testTimeout: 30000,
	// CI keeps the tail of a run's output: every failure is listed again after the counts, whatever
	// the number of suites (jest's default only does so past 20).
	reporters: [['default', { summaryThreshold: 0 }]],
};
