import { readBinaryData } from './n8n-environment';
import {
	AlwaysFailingNode,
	AuthenticatedNode,
	HttpGetNode,
	ItemFailingNode,
	MakeBinaryNode,
	ReadBinaryNode,
	harnessApiCredential,
} from './harness-test-nodes';
import { startLocalHttpServer, type LocalHttpServer } from './local-http-server';
import { chain, runWorkflow, type WorkflowNode } from './workflow-runner';

const nodeTypes = {
	'test.httpGet': new HttpGetNode(),
	'test.authenticated': new AuthenticatedNode(),
	'test.itemFailing': new ItemFailingNode(),
	'test.alwaysFailing': new AlwaysFailingNode(),
	'test.makeBinary': new MakeBinaryNode(),
	'test.readBinary': new ReadBinaryNode(),
};

let server: LocalHttpServer;
beforeAll(async () => {
	server = await startLocalHttpServer((request) => ({
		body: { path: request.path, auth: request.headers.authorization ?? null },
	}));
});
afterAll(async () => await server.close());

describe('runWorkflow: HTTP, expressions, pairedItem, logger', () => {
	it('resolves expressions per item ($json, $vars), calls the local server, pairs items', async () => {
		const result = await runWorkflow({
			nodeTypes,
			workflow: {
				nodes: [
					{
						name: 'Fetch',
						type: 'test.httpGet',
						parameters: { url: `=${server.baseUrl}/{{ $vars.kind }}/{{ $json.id }}` },
					},
				],
				connections: {},
			},
			inputItems: [{ json: { id: 'a' } }, { json: { id: 'b' } }],
			variables: { kind: 'things' },
		});

		expect(result.status).toBe('success');
		expect(result.itemsOf('Fetch')).toEqual([
			{ json: { fetched: { path: '/things/a', auth: null } }, pairedItem: { item: 0 } },
			{ json: { fetched: { path: '/things/b', auth: null } }, pairedItem: { item: 1 } },
		]);
		expect(result.logs).toContainEqual(
			expect.objectContaining({ level: 'info', message: 'fetched' }),
		);
	});

	it('runs a chain in order; the engine assigns pairedItem when a node leaves it out', async () => {
		const nodes: WorkflowNode[] = [
			{ name: 'Make', type: 'test.makeBinary' },
			{ name: 'Read', type: 'test.readBinary' },
			{
				name: 'Fetch',
				type: 'test.httpGet',
				// `$('Make').item` follows pairedItem back through Read to Make.
				parameters: { url: `=${server.baseUrl}/{{ $json.text }}/{{ $('Make').item.binary.data.fileName }}` },
			},
		];
		const result = await runWorkflow({
			nodeTypes,
			workflow: { nodes, connections: chain('Make', 'Read', 'Fetch') },
			inputItems: [{ json: { text: 'x' } }, { json: { text: 'y' } }],
		});
		expect(result.executedNodes).toEqual(['Make', 'Read', 'Fetch']);
		expect(result.itemsOf('Make').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.itemsOf('Fetch').map((item) => item.json.fetched)).toEqual([
			{ path: '/x/note.txt', auth: null },
			{ path: '/y/note.txt', auth: null },
		]);
	});
});

describe('runWorkflow: credentials', () => {
	const nodes: WorkflowNode[] = [
		{
			name: 'Call',
			type: 'test.authenticated',
			credentials: { harnessApi: { id: '1', name: 'Harness account' } },
		},
	];

	it('gives getCredentials the data with type defaults and applies generic authenticate', async () => {
		const result = await runWorkflow({
			nodeTypes,
			workflow: { nodes, connections: {} },
			credentials: { harnessApi: { token: 's3cret', baseUrl: server.baseUrl } },
			credentialTypes: { harnessApi: harnessApiCredential },
		});
		expect(result.error).toBeUndefined();
		expect(result.itemsOf('Call')[0].json).toEqual({
			me: { path: '/me?region=eu', auth: 'Bearer s3cret' },
			region: 'eu',
		});
		expect(result.credentialsRequested).toContain('harnessApi');
	});

	it('fails like n8n when the node has no credentials set', async () => {
		const result = await runWorkflow({
			nodeTypes,
			workflow: { nodes: [{ name: 'Call', type: 'test.authenticated' }], connections: {} },
			credentials: { harnessApi: { token: 't' } },
			credentialTypes: { harnessApi: harnessApiCredential },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Node does not have any credentials set');
	});
});

describe('runWorkflow: errors, continueOnFail and onError', () => {
	const input = [{ json: { fail: false } }, { json: { fail: true } }];
	const failing = (settings: Partial<WorkflowNode>): WorkflowNode[] => [
		{ name: 'Check', type: 'test.itemFailing', ...settings },
	];

	it('fails the execution with the NodeOperationError when nothing continues', async () => {
		const result = await runWorkflow({
			nodeTypes,
			workflow: { nodes: failing({}), connections: {} },
			inputItems: input,
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('item 1 refused');
		expect(result.nodeError('Check')?.name).toBe('NodeOperationError');
	});

	it('lets the node turn the failure into an item with continueOnFail: true', async () => {
		const result = await runWorkflow({
			nodeTypes,
			workflow: { nodes: failing({ continueOnFail: true }), connections: {} },
			inputItems: input,
		});
		expect(result.status).toBe('success');
		expect(result.itemsOf('Check')).toEqual([
			{ json: { ok: 0 }, pairedItem: { item: 0 } },
			{ json: { error: 'item 1 refused' }, pairedItem: { item: 1 } },
		]);
	});

	it.each([{ onError: 'continueRegularOutput' as const }, { continueOnFail: true }])(
		'when the whole node throws, %j passes its input on and the workflow goes on',
		async (setting) => {
			const result = await runWorkflow({
				nodeTypes,
				workflow: {
					nodes: [
						{ name: 'Boom', type: 'test.alwaysFailing', ...setting },
						{ name: 'Next', type: 'test.itemFailing' },
					],
					connections: chain('Boom', 'Next'),
				},
				inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }],
			});
			expect(result.status).toBe('success');
			expect(result.nodeError('Boom')?.message).toBe('always fails');
			expect(result.itemsOf('Boom')).toEqual([
				{ json: { n: 1 }, pairedItem: { item: 0 } },
				{ json: { n: 2 }, pairedItem: { item: 1 } },
			]);
			expect(result.itemsOf('Next')).toHaveLength(2);
		},
	);

	it('reports the execution as failed when the continuing node is the last one (n8n-core 2.30)', async () => {
		const result = await runWorkflow({
			nodeTypes,
			workflow: {
				nodes: [{ name: 'Boom', type: 'test.alwaysFailing', onError: 'continueRegularOutput' }],
				connections: {},
			},
		});
		expect(result.status).toBe('error');
		expect(result.itemsOf('Boom')).toEqual([{ json: {}, pairedItem: { item: 0 } }]);
	});

	it("routes to the error output with onError: 'continueErrorOutput'", async () => {
		const result = await runWorkflow({
			nodeTypes,
			workflow: {
				nodes: [{ name: 'Check', type: 'test.itemFailing', onError: 'continueErrorOutput' }],
				connections: {},
			},
			inputItems: input,
		});
		const [success, errors] = result.outputOf('Check');
		expect(success).toEqual([{ json: { ok: 0 }, pairedItem: { item: 0 } }]);
		expect(errors).toEqual([
			expect.objectContaining({ json: expect.objectContaining({ error: 'item 1 refused' }) }),
		]);
	});
});

describe('runWorkflow: binary data', () => {
	it.each(['default', 'filesystem'] as const)(
		'prepareBinaryData / getBinaryDataBuffer in %s mode',
		async (binaryDataMode) => {
			const result = await runWorkflow({
				nodeTypes,
				binaryDataMode,
				workflow: {
					nodes: [
						{ name: 'Make', type: 'test.makeBinary' },
						{ name: 'Read', type: 'test.readBinary' },
					],
					connections: chain('Make', 'Read'),
				},
				inputItems: [{ json: { text: 'héllo' } }],
			});
			const binary = result.itemsOf('Make')[0].binary?.data;
			expect(binary).toMatchObject({ fileName: 'note.txt', mimeType: 'text/plain', bytes: 6 });
			if (binaryDataMode === 'filesystem') expect(binary?.id).toMatch(/^filesystem-v2:/);
			else expect(binary?.data).toBe(Buffer.from('héllo').toString('base64'));
			expect((await readBinaryData(binary!)).toString('utf8')).toBe('héllo');
			expect(result.itemsOf('Read')[0].json).toEqual({ text: 'héllo' });
		},
	);
});
