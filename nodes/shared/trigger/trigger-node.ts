import type {
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { credentialTest } from '../methods/credential-test';
import { startEventTrigger } from './event-trigger';
import { testListenerMethods } from './manual-listen';
import type { EventTriggerOptions, ParameterSource } from './options';
import { handleMetaWebhook } from './webhook-endpoint';

/**
 * What every WhatsApp trigger node does: it takes Meta's deliveries on its webhook and emits its events
 * from the store's event log. A subclass gives its description and what it listens for.
 */
export abstract class WhatsAppEventTriggerNode implements INodeType {
	abstract description: INodeTypeDescription;

	methods = { credentialTest };

	webhookMethods: { default: ReturnType<typeof testListenerMethods> };

	// n8n calls trigger() with its own context as `this`, so it reaches listenFor through this closure.
	trigger: (this: ITriggerFunctions) => Promise<ITriggerResponse>;

	/**
	 * @param listenFor what the node listens for, read from its parameters.
	 * @param whileRunning adds work that lives as long as the trigger (not the test listener) to its options.
	 */
	protected constructor(
		listenFor: (context: ParameterSource) => EventTriggerOptions,
		whileRunning?: (trigger: ITriggerFunctions, options: EventTriggerOptions) => EventTriggerOptions,
	) {
		this.webhookMethods = { default: testListenerMethods(listenFor) };
		this.trigger = async function (this: ITriggerFunctions): Promise<ITriggerResponse> {
			const options = listenFor(this);
			return startEventTrigger.call(this, whileRunning ? whileRunning(this, options) : options);
		};
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleMetaWebhook.call(this);
	}
}
