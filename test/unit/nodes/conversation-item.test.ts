import type { ConversationRecord, StoredMessage } from '../../../core/conversation/types';
import { customerIdOf } from '../../../nodes/WhatsAppConversation/actions/list.operation';
import {
	conversationItem,
	customerPhone,
	formatTranscript,
	messageLine,
	transcriptItems,
} from '../../../nodes/shared/conversation-item';

const start = Date.UTC(2025, 4, 1, 14, 3, 0);

const record: ConversationRecord = {
	id: 'c-1',
	businessAccountId: 'waba-1',
	phoneNumberId: '106540352242922',
	displayPhoneNumber: '15550783881',
	customerId: '16505551234',
	customerName: 'Maria',
	status: 'closed',
	initiatedBy: 'customer',
	startedAt: start,
	lastMessageAt: start + 90_500,
	closedAt: start + 1_890_500,
	closeReason: 'inactivity',
	messageCount: 3,
	aiEnabled: false,
	inputVariables: { plan: 'gold' },
	extractedVariables: { email: 'maria@example.com' },
};

let seq = 0;
function message(direction: StoredMessage['direction'], type: string, text: string | null, offsetMs = 0, status: string | null = null): StoredMessage {
	seq += 1;
	return {
		seq,
		wamid: `wamid.${seq}`,
		conversationId: 'c-1',
		direction,
		type,
		text,
		timestamp: start + offsetMs,
		status,
		statusAt: null,
		error: null,
		payload: {},
	};
}

describe('conversationItem', () => {
	it('flattens the record with ISO times, the phone and the duration', () => {
		expect(conversationItem(record)).toEqual({
			conversationId: 'c-1',
			status: 'closed',
			customerId: '16505551234',
			customerPhone: '+16505551234',
			customerName: 'Maria',
			phoneNumberId: '106540352242922',
			displayPhoneNumber: '15550783881',
			businessAccountId: 'waba-1',
			initiatedBy: 'customer',
			startedAt: '2025-05-01T14:03:00.000Z',
			lastMessageAt: '2025-05-01T14:04:30.500Z',
			closedAt: '2025-05-01T14:34:30.500Z',
			closeReason: 'inactivity',
			messageCount: 3,
			durationSeconds: 91,
			aiEnabled: false,
			inputVariables: { plan: 'gold' },
			extractedVariables: { email: 'maria@example.com' },
		});
	});

	it('keeps an open conversation without close time and copies the variables', () => {
		const item = conversationItem({ ...record, status: 'open', closedAt: null, closeReason: null });
		expect(item).toMatchObject({ status: 'open', closedAt: null, closeReason: null });
		expect(item.inputVariables).not.toBe(record.inputVariables);
	});

	it('gives no phone for a customer id that is not a wa_id', () => {
		expect(customerPhone('US.13491208655302741918')).toBeNull();
		expect(customerPhone('16505551234')).toBe('+16505551234');
	});
});

describe('transcript', () => {
	const messages = [
		message('inbound', 'text', 'Hi, is my order on its way?'),
		message('outbound', 'template', 'order_update', 60_000, 'read'),
		message('inbound', 'image', 'the box', 90_000),
		message('inbound', 'audio', null, 95_000),
		message('inbound', 'interactive', 'Track order', 96_000),
		message('inbound', 'reaction', '👍', 97_000),
		message('outbound', 'text', 'Yes, tomorrow.', 120_000, 'delivered'),
	];

	it('lists each message with ISO time, status and wamid', () => {
		expect(transcriptItems(messages.slice(0, 2))).toEqual([
			{ direction: 'inbound', type: 'text', text: 'Hi, is my order on its way?', timestamp: '2025-05-01T14:03:00.000Z', status: null, wamid: messages[0].wamid },
			{ direction: 'outbound', type: 'template', text: 'order_update', timestamp: '2025-05-01T14:04:00.000Z', status: 'read', wamid: messages[1].wamid },
		]);
	});

	it('formats Customer: / Business: lines, marking what is not plain text', () => {
		expect(formatTranscript(messages)).toBe(
			[
				'Customer: Hi, is my order on its way?',
				'Business: [template order_update]',
				'Customer: [image] the box',
				'Customer: [audio]',
				'Customer: Track order',
				'Customer: [reaction 👍]',
				'Business: Yes, tomorrow.',
			].join('\n'),
		);
	});

	it('takes other labels and optional timestamps', () => {
		expect(formatTranscript(messages.slice(0, 2), { customerLabel: 'Maria', businessLabel: 'Lucky Shrub', timestamps: true })).toBe(
			'[2025-05-01 14:03] Maria: Hi, is my order on its way?\n[2025-05-01 14:04] Lucky Shrub: [template order_update]',
		);
	});

	it('is empty for no messages', () => {
		expect(formatTranscript([])).toBe('');
		expect(transcriptItems([])).toEqual([]);
	});

	it('marks empty texts and removed reactions', () => {
		expect(messageLine({ type: 'text', text: '  ' })).toBe('[text]');
		expect(messageLine({ type: 'reaction', text: null })).toBe('[reaction removed]');
		expect(messageLine({ type: 'location', text: 'Lucky Shrub, 1 Main St' })).toBe('[location] Lucky Shrub, 1 Main St');
	});
});

describe('customerIdOf (List filter)', () => {
	it('normalizes a phone number to the wa_id', () => {
		expect(customerIdOf('+1 (650) 555-1234')).toBe('16505551234');
	});
	it('keeps digits it cannot validate, without separators', () => {
		expect(customerIdOf('+999 123')).toBe('999123');
	});
	it('keeps another customer id as given', () => {
		expect(customerIdOf(' US.13491208655302741918 ')).toBe('US.13491208655302741918');
	});
});
