// n8n's ICredentialsHelper without a database: credential data comes decrypted from the test,
// keyed by credential type. Does what the n8n server's helper does at run time for the parts a
// node can observe: defaults of the credential type filled in, `authenticate` (function or
// generic) applied to requests, `preAuthentication` for expirable tokens, parent types.
import { Credentials } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
} from 'n8n-workflow';

export type CredentialDataMap = Record<string, ICredentialDataDecryptedObject>;
export type CredentialTypeMap = Record<string, ICredentialType>;

type AuthTarget = 'headers' | 'qs' | 'body' | 'auth';
const AUTH_TARGETS: readonly AuthTarget[] = ['headers', 'qs', 'body', 'auth'];

export class HarnessCredentialsHelper extends ICredentialsHelper {
	/** Every credential type a node asked for, in order (lets tests assert which were used). */
	readonly requested: string[] = [];

	constructor(
		private readonly data: CredentialDataMap,
		private readonly types: CredentialTypeMap = {},
	) {
		super();
	}

	private credentialType(name: string): ICredentialType | undefined {
		return this.types[name];
	}

	getParentTypes(name: string): string[] {
		const parents = this.credentialType(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.credentialType(credentialType);
		if (type?.restrictToSupportedNodes !== true) return true;
		return (type.supportedNodes ?? []).includes(nodeType);
	}

	getCredentialsProperties(name: string): INodeProperties[] {
		const type = this.credentialType(name);
		if (type === undefined) return [];
		const merged: INodeProperties[] = [];
		for (const parent of type.extends ?? []) {
			NodeHelpers.mergeNodeProperties(merged, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(merged, type.properties);
		return merged;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.requested.push(type);
		const stored = this.data[type];
		if (stored === undefined) {
			throw new UnexpectedError(`The harness was given no credentials of type "${type}"`);
		}
		const properties = this.getCredentialsProperties(type);
		if (properties.length === 0) return { ...stored };
		// Like the n8n server: defaults of the credential type, and only the fields it displays.
		const withDefaults = NodeHelpers.getNodeParameters(
			properties,
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		);
		return { ...(withDefaults as ICredentialDataDecryptedObject | null) };
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.data[type] ?? {});
		return credentials;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = data;
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = { ...this.data[type], ...data };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialType(typeName)?.authenticate;
		const options = requestOptions as IHttpRequestOptions;
		if (authenticate === undefined) return options;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);

		const resolve = (value: unknown): string => {
			if (typeof value !== 'string' || !isExpression(value)) return String(value);
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
			return resolved === undefined ? '' : String(resolved);
		};
		const target = options as unknown as Partial<Record<AuthTarget, Record<string, unknown>>>;
		for (const key of AUTH_TARGETS) {
			const entries = authenticate.properties[key];
			if (entries === undefined) continue;
			const section = (target[key] ??= {});
			for (const [name, value] of Object.entries(entries)) {
				section[resolve(name)] = resolve(value);
			}
		}
		return options;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.credentialType(typeName);
		const expirable = type?.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (type?.preAuthentication === undefined || expirable === undefined) return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		this.data[typeName] = { ...this.data[typeName], ...output };
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const preAuthentication = this.credentialType(typeName)?.preAuthentication;
		if (preAuthentication === undefined) return undefined;
		return (await preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}
}
