import type { ConversationStore } from '../../core/conversation/store';
import { inbound, webhookOf } from '../../tools/traffic/builders';

const SECOND = 1000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifecycle = (now: number) => ({ now, inactivityTimeoutMs: 30 * 60 * SECOND });
const ANA = '16505550001';
const BEN = '16505550002';
const PHONE = inbound().phoneNumberId;

function question(waitId: string, customerId: string, createdAt = T0, expiresAt = T0 + 60 * SECOND) {
	return { waitId, phoneNumberId: PHONE, customerId, resumeUrl: `http://n8n.test/webhook-waiting/${waitId}?signature=s`, createdAt, expiresAt };
}

/**
 * Send and Wait (ConversationStore.waitForAnswer and the resume outbox): a waiting question is
 * settled once, by its customer's next answering message in the ingest transaction or by its expiry,
 * and claimed for resuming by one caller at a time until it is marked resumed.
 */
export function describeWaitingAnswerConformance(current: () => ConversationStore): void {
	describe('waiting answers', () => {
		it("settles the customer's oldest waiting question with the next message, once, and leaves others waiting", async () => {
			const store = current();
			await store.waitForAnswer(question('q-ana-1', `+${ANA}`));
			await store.waitForAnswer(question('q-ana-2', ANA, T0 + SECOND));
			await store.waitForAnswer(question('q-ben', BEN));
			// A repeated wait id keeps the first row.
			await store.waitForAnswer({ ...question('q-ana-1', ANA), resumeUrl: 'http://other' });

			const reply = inbound({
				customerId: ANA,
				type: 'interactive',
				timestamp: T0 + 5 * SECOND,
				text: 'Yes',
				reply: { kind: 'button_reply', id: 'yes', title: 'Yes', description: null },
			});
			const result = await store.ingest(webhookOf({ messages: [reply] }), lifecycle(T0 + 5 * SECOND));
			expect(result).toMatchObject({ messagesStored: 1, questionsAnswered: 1 });
			// Meta's redelivery of the same message answers nothing more.
			expect(await store.ingest(webhookOf({ messages: [reply] }), lifecycle(T0 + 6 * SECOND))).toMatchObject({ questionsAnswered: 0 });

			expect(await store.getWaitingAnswer('q-ana-1')).toEqual({
				waitId: 'q-ana-1',
				phoneNumberId: PHONE,
				customerId: ANA,
				resumeUrl: 'http://n8n.test/webhook-waiting/q-ana-1?signature=s',
				createdAt: T0,
				expiresAt: T0 + 60 * SECOND,
				state: 'answered',
				answer: { wamid: reply.wamid, type: 'interactive', text: 'Yes', replyId: 'yes', replyKind: 'button_reply', timestamp: T0 + 5 * SECOND },
				settledAt: T0 + 5 * SECOND,
				resumeAfter: T0 + 5 * SECOND,
				attempts: 0,
			});
			expect((await store.getWaitingAnswer('q-ana-2'))?.state).toBe('waiting');
			expect((await store.getWaitingAnswer('q-ben'))?.state).toBe('waiting');
			// The answer still reaches the triggers as a received message.
			await store.subscribe('trigger', 'beginning');
			expect((await store.readEvents('trigger')).events.map((event) => event.type)).toContain('message.received');
		});

		it('does not take a reaction as an answer, nor answer an expired question', async () => {
			const store = current();
			await store.waitForAnswer(question('q', ANA, T0, T0 + 10 * SECOND));
			const reaction = inbound({ customerId: ANA, type: 'reaction', timestamp: T0 + SECOND, text: '👍', reaction: { messageId: 'wamid.x', emoji: '👍' } });
			expect(await store.ingest(webhookOf({ messages: [reaction] }), lifecycle(T0 + SECOND))).toMatchObject({ questionsAnswered: 0 });
			const late = inbound({ customerId: ANA, timestamp: T0 + 20 * SECOND, text: 'too late' });
			expect(await store.ingest(webhookOf({ messages: [late] }), lifecycle(T0 + 20 * SECOND))).toMatchObject({ questionsAnswered: 0 });
			expect((await store.getWaitingAnswer('q'))?.state).toBe('waiting');
		});

		it('times out expired questions and hands each settled question to one claimer until it is resumed', async () => {
			const store = current();
			await store.waitForAnswer(question('q-expired', ANA, T0, T0 + 10 * SECOND));
			await store.waitForAnswer(question('q-open', BEN, T0, T0 + 60 * SECOND));
			expect(await store.claimWaitingAnswerResumes(T0 + 11 * SECOND, 30 * SECOND, 10)).toEqual([]);
			expect(await store.expireWaitingAnswers(T0 + 11 * SECOND)).toBe(1);
			expect(await store.expireWaitingAnswers(T0 + 12 * SECOND)).toBe(0);

			const [claimed, ...more] = await store.claimWaitingAnswerResumes(T0 + 12 * SECOND, 30 * SECOND, 10);
			expect(more).toEqual([]);
			expect(claimed).toMatchObject({ waitId: 'q-expired', state: 'timed_out', answer: null, settledAt: T0 + 10 * SECOND, attempts: 1 });
			// Claimed: nobody else gets it until the claim runs out.
			expect(await store.claimWaitingAnswerResumes(T0 + 13 * SECOND, 30 * SECOND, 10)).toEqual([]);
			await store.deferWaitingAnswerResume('q-expired', T0 + 15 * SECOND);
			expect(await store.claimWaitingAnswerResumes(T0 + 15 * SECOND, 30 * SECOND, 10)).toMatchObject([{ waitId: 'q-expired', attempts: 2 }]);
			await store.markWaitingAnswerResumed('q-expired', T0 + 16 * SECOND);
			expect(await store.claimWaitingAnswerResumes(T0 + 100 * SECOND, 30 * SECOND, 10)).toEqual([]);
			expect((await store.getWaitingAnswer('q-expired'))?.state).toBe('resumed');
			// A resumed question is not answered again.
			const message = inbound({ customerId: ANA, timestamp: T0 + 17 * SECOND });
			expect(await store.ingest(webhookOf({ messages: [message] }), lifecycle(T0 + 17 * SECOND))).toMatchObject({ questionsAnswered: 0 });
		});

		it('prunes questions resumed, or expired in any state, before the given time, and keeps the rest', async () => {
			const store = current();
			const HOUR = 3600 * SECOND;
			// Resumed long ago, though its long timeout is still ahead: its execution has moved on.
			await store.waitForAnswer(question('q-resumed-old', ANA, T0, T0 + 100 * HOUR));
			await store.ingest(webhookOf({ messages: [inbound({ customerId: ANA, timestamp: T0 + SECOND })] }), lifecycle(T0 + SECOND));
			await store.markWaitingAnswerResumed('q-resumed-old', T0 + 2 * SECOND);
			// Expired long ago and never resumed (no resumer ran): n8n's backstop ended its wait.
			await store.waitForAnswer(question('q-expired-old', BEN, T0, T0 + HOUR));
			// Resumed recently, and still waiting: kept.
			await store.waitForAnswer(question('q-resumed-new', ANA, T0 + 10 * HOUR, T0 + 11 * HOUR));
			await store.expireWaitingAnswers(T0 + 11 * HOUR);
			await store.markWaitingAnswerResumed('q-resumed-new', T0 + 11 * HOUR);
			await store.waitForAnswer(question('q-waiting', BEN, T0 + 10 * HOUR, T0 + 100 * HOUR));

			expect(await store.prune({ waitingAnswersBefore: T0 + 10 * HOUR, batchSize: 1, pauseMs: 0 })).toMatchObject({ waitingAnswers: 2 });
			expect(await store.getWaitingAnswer('q-resumed-old')).toBeNull();
			expect(await store.getWaitingAnswer('q-expired-old')).toBeNull();
			expect((await store.getWaitingAnswer('q-resumed-new'))?.state).toBe('resumed');
			expect((await store.getWaitingAnswer('q-waiting'))?.state).toBe('waiting');
			// Not asked for: nothing goes.
			expect(await store.prune({ eventsBefore: T0 + 200 * HOUR })).toMatchObject({ waitingAnswers: 0 });
			expect(await store.prune({ waitingAnswersBefore: T0 + 10 * HOUR })).toMatchObject({ waitingAnswers: 0 });
		});

		it('cancels a question whose send failed, answered or not', async () => {
			const store = current();
			await store.waitForAnswer(question('q', ANA));
			await store.ingest(webhookOf({ messages: [inbound({ customerId: ANA, timestamp: T0 + SECOND })] }), lifecycle(T0 + SECOND));
			await store.cancelWaitingAnswer('q');
			expect(await store.getWaitingAnswer('q')).toBeNull();
			expect(await store.claimWaitingAnswerResumes(T0 + 2 * SECOND, 30 * SECOND, 10)).toEqual([]);
		});

		it('gives a question to one of two concurrent answers and one of two concurrent claimers', async () => {
			const store = current();
			await store.waitForAnswer(question('q', ANA));
			const answers = await Promise.all(
				['a', 'b'].map((text, index) =>
					store.ingest(webhookOf({ messages: [inbound({ customerId: ANA, text, timestamp: T0 + SECOND + index })] }), lifecycle(T0 + 2 * SECOND)),
				),
			);
			expect(answers.map((result) => result.questionsAnswered).sort()).toEqual([0, 1]);
			const claims = await Promise.all([1, 2].map(() => store.claimWaitingAnswerResumes(T0 + 3 * SECOND, 30 * SECOND, 10)));
			expect(claims.flat().map((row) => row.waitId)).toEqual(['q']);
		});
	});
}
