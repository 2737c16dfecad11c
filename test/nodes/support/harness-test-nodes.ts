// Tiny node and credential types that exercise the harness (not product nodes).
import {
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialType,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

function description(name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: `Harness test node ${name}`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...extra,
	};
}

/** GETs `url` (an expression per item) with this.helpers.httpRequest. */
export class HttpGetNode implements INodeType {
	description = description('httpGet', {
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			const url = this.getNodeParameter('url', i) as string;
			const body = (await this.helpers.httpRequest({ url, json: true })) as { [key: string]: string };
			this.logger.info('fetched', { url });
			out.push({ json: { fetched: body }, pairedItem: { item: i } });
		}
		return [out];
	}
}

export const harnessApiCredential: ICredentialType = {
	name: 'harnessApi',
	displayName: 'Harness API',
	properties: [
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://default.invalid' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
	],
	authenticate: {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}' },
			qs: { region: '={{$credentials.region}}' },
		},
	},
};

/** Reads its credentials and calls `${baseUrl}/me` with httpRequestWithAuthentication. */
export class AuthenticatedNode implements INodeType {
	description = description('authenticated', {
		credentials: [{ name: 'harnessApi', required: true }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials<{ baseUrl: string; region: string }>('harnessApi');
		const me = (await this.helpers.httpRequestWithAuthentication.call(this, 'harnessApi', {
			url: `${credentials.baseUrl}/me`,
			json: true,
		})) as { [key: string]: string };
		return [[{ json: { me, region: credentials.region }, pairedItem: { item: 0 } }]];
	}
}

/** Throws for items with `json.fail`; honours continueOnFail itself, as n8n's nodes do. */
export class ItemFailingNode implements INodeType {
	description = description('itemFailing');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				if (items[i].json.fail === true) throw new Error(`item ${i} refused`);
				out.push({ json: { ok: i }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
		}
		return [out];
	}
}

/** Always throws; whatever happens next is n8n-core's continueOnFail / onError handling. */
export class AlwaysFailingNode implements INodeType {
	description = description('alwaysFailing');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'always fails', { description: 'by design' });
	}
}

/** Turns `json.text` into a binary property `data` (text/plain); leaves pairedItem to the engine. */
export class MakeBinaryNode implements INodeType {
	description = description('makeBinary');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const item of this.getInputData()) {
			const buffer = Buffer.from(String(item.json.text), 'utf8');
			const data = await this.helpers.prepareBinaryData(buffer, 'note.txt', 'text/plain');
			out.push({ json: {}, binary: { data } });
		}
		return [out];
	}
}

/** Reads the binary property `data` back with getBinaryDataBuffer. */
export class ReadBinaryNode implements INodeType {
	description = description('readBinary');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			const buffer = await this.helpers.getBinaryDataBuffer(i, 'data');
			out.push({ json: { text: buffer.toString('utf8') }, pairedItem: { item: i } });
		}
		return [out];
	}
}
