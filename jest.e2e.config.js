/**
 * End-to-end suite: drives a real n8n server (installed by scripts/ensure-n8n.sh). Run it with
 * `npm run test:e2e`; the unit and integration suite (jest.config.js) leaves these files alone.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { diagnostics: false }],
	},
	// n8n's first start on a fresh user folder runs its migrations (25-35 s); one server at a time.
	testTimeout: 300000,
	maxWorkers: 1,
	// Failures listed again after the counts, as in jest.config.js.
	reporters: [['default', { summaryThreshold: 0 }]],
};
