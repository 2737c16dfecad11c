import type { ITriggerFunctions } from 'n8n-workflow';

import { maintainStore, runWaitingAnswerResumer, type ConversationStore } from '../../../core';
import type { WhatsAppCredential } from '../credentials';

/**
 * Every active trigger keeps its store bounded with its credential's retention: one maintenance timer
 * per store in the process, however many triggers share it (so pruning runs wherever a trigger runs,
 * the Conversation Ended trigger's inactivity sweep included). Returns the function that ends it.
 */
export function maintainTriggerStore(trigger: ITriggerFunctions, store: ConversationStore, credential: WhatsAppCredential): () => Promise<void> {
	const logger = trigger.logger;
	// Send and Wait's timeouts and retried resumes run wherever triggers run (the main process in queue mode).
	const stopResumer = runWaitingAnswerResumer(store, {
		onError: (error) => logger.warn(`WhatsApp Send and Wait resumer failed (retried): ${error instanceof Error ? error.message : String(error)}`),
	});
	const stopMaintenance = maintainStore(
		store,
		{
			phoneNumberId: credential.phoneNumberId,
			keepMessagesMs: credential.keepMessagesMs,
			forgetInactiveTriggersAfterMs: credential.forgetInactiveTriggersAfterMs,
		},
		{
			onPruned: (result) => {
				for (const subscriber of result.forgottenSubscribers) {
					logger.info(`WhatsApp store forgot the event cursor of "${subscriber}": its trigger has not run for longer than the credential allows`);
				}
				const rows = result.messages + result.conversations + result.statusReceipts + result.reservations + result.waitingAnswers + result.events;
				if (rows > 0) {
					logger.debug(
						`WhatsApp store pruned ${result.messages} messages, ${result.conversations} conversations, ${result.statusReceipts} status receipts, ${result.reservations} limit reservations, ${result.waitingAnswers} waiting questions and ${result.events} events`,
					);
				}
			},
			onError: (error) => logger.error(`WhatsApp store maintenance failed (retried at the next pass): ${error instanceof Error ? error.message : String(error)}`),
		},
	);
	return async () => {
		await Promise.all([stopMaintenance(), stopResumer()]);
	};
}
