import { resolveCustomer } from '../../../core/ai/customer';
import { isRecordedByAiReply } from '../../../core/ai/ids';

describe('resolveCustomer', () => {
	it('links phone numbers in any common format to the WhatsApp customer', () => {
		expect(resolveCustomer('+1 (650) 555-1234')).toEqual({ customerId: '16505551234', phone: '+16505551234' });
		expect(resolveCustomer('16505551234')).toEqual({ customerId: '16505551234', phone: '+16505551234' });
		expect(resolveCustomer('(650) 555-1234', 'US')).toEqual({ customerId: '16505551234', phone: '+16505551234' });
	});

	it('keeps any other identifier as it is, emails in lower case', () => {
		expect(resolveCustomer(' Maria@Example.com ')).toEqual({ customerId: 'maria@example.com', phone: null });
		expect(resolveCustomer('crm-4711')).toEqual({ customerId: 'crm-4711', phone: null });
		expect(() => resolveCustomer('  ')).toThrow(expect.objectContaining({ code: 'AI_INPUT_INVALID' }));
		expect(() => resolveCustomer('x'.repeat(300))).toThrow(expect.objectContaining({ code: 'AI_INPUT_INVALID' }));
	});
});

describe('isRecordedByAiReply', () => {
	it('tells messages AI Reply stored from what Meta delivered', () => {
		expect(isRecordedByAiReply({ wamid: 'ai-in.123', raw: {} })).toBe(true);
		expect(isRecordedByAiReply({ wamid: 'wamid.ABC', raw: { source: 'whatsapp-ai-reply' } })).toBe(true);
		expect(isRecordedByAiReply({ wamid: 'wamid.ABC', raw: { type: 'text' } })).toBe(false);
	});
});
