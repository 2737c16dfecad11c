// Tiny trigger and webhook node types that exercise the trigger harness (not product nodes).
import { createHmac } from 'node:crypto';

import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

function triggerDescription(name: string, extra: Partial<INodeTypeDescription>): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['trigger'],
		version: 1,
		description: `Harness test trigger ${name}`,
		defaults: { name },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...extra,
	};
}

/** Emits `{ tick, label }` every `intervalMs`; the tick count lives in the node's static data. */
export class TickTrigger implements INodeType {
	description = triggerDescription('tick', {
		properties: [
			{ displayName: 'Interval', name: 'intervalMs', type: 'number', default: 10 },
			{ displayName: 'Label', name: 'label', type: 'string', default: '={{ "tick-" + $workflow.id }}' },
		],
	});

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const state = this.getWorkflowStaticData('node');
		const label = this.getNodeParameter('label') as string;
		const emitTick = () => {
			state.ticks = ((state.ticks as number | undefined) ?? 0) + 1;
			const json: IDataObject = {
				tick: state.ticks,
				label,
				mode: this.getMode(),
				activation: this.getActivationMode(),
				node: this.getNode().name,
				workflowActive: this.getWorkflow().active ?? false,
			};
			this.emit([this.helpers.returnJsonArray([json])]);
		};
		const interval = setInterval(emitTick, this.getNodeParameter('intervalMs') as number);
		return {
			closeFunction: async () => clearInterval(interval),
			manualTriggerFunction: async () => emitTick(),
		};
	}
}

export const hookCredentialType = 'hookApi';

/**
 * Meta-style webhook: GET answers `hub.challenge` when `hub.verify_token` matches; POST checks an
 * HMAC-SHA256 of the raw body (`x-signature`) with the app secret, counts deliveries in static
 * data and starts the workflow with the parsed body and the raw body as binary.
 */
export class SignedWebhookTrigger implements INodeType {
	description = triggerDescription('signedWebhook', {
		credentials: [{ name: hookCredentialType, required: true }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'hook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hook' },
		],
	});

	/** Registration with the remote side, simulated in static data. */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return this.getWorkflowStaticData('node').registeredUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				this.getWorkflowStaticData('node').registeredUrl = this.getNodeWebhookUrl('default');
				this.logger.info('registered', { url: this.getNodeWebhookUrl('default') });
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				delete this.getWorkflowStaticData('node').registeredUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials<{ verifyToken: string; appSecret: string }>(
			hookCredentialType,
		);
		const res = this.getResponseObject();
		if (this.getWebhookName() === 'setup') {
			const query = this.getQueryData() as Record<string, string>;
			const ok = query['hub.verify_token'] === credentials.verifyToken;
			res.status(ok ? 200 : 403).send(ok ? query['hub.challenge'] : 'forbidden');
			return { noWebhookResponse: true };
		}
		const req = this.getRequestObject();
		const rawBody = req.rawBody as Buffer;
		const expected = createHmac('sha256', credentials.appSecret).update(rawBody).digest('hex');
		if (this.getHeaderData()['x-signature'] !== expected) {
			res.status(401).send('bad signature');
			return { noWebhookResponse: true };
		}
		const state = this.getWorkflowStaticData('node');
		state.deliveries = ((state.deliveries as number | undefined) ?? 0) + 1;
		const raw = await this.helpers.prepareBinaryData(rawBody, 'delivery.json', 'application/json');
		const json: IDataObject = {
			body: this.getBodyData(),
			deliveries: state.deliveries,
			mode: this.getMode(),
			url: this.getNodeWebhookUrl('default') ?? null,
			workflowId: this.getWorkflow().id ?? null,
		};
		return { webhookResponse: 'EVENT_RECEIVED', workflowData: [[{ json, binary: { raw } }]] };
	}
}

/** A trigger whose activation fails, and one that reports errors through emitError / saveFailedExecution. */
export class BrokenTrigger implements INodeType {
	description = triggerDescription('broken', {
		properties: [
			{ displayName: 'Fail On Activation', name: 'failOnActivation', type: 'boolean', default: false },
		],
	});

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		if (this.getNodeParameter('failOnActivation') as boolean) {
			throw new NodeOperationError(this.getNode(), 'cannot connect');
		}
		this.emitError(new Error('connection lost'));
		this.saveFailedExecution(new NodeOperationError(this.getNode(), 'one run failed'));
		return {};
	}
}
