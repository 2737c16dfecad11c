import { resolveCustomer, resolveStoredCustomer } from '../../../core/ai/customer';
import { isRecordedByAiReply } from '../../../core/ai/ids';

describe('resolveCustomer', () => {
	it('links phone numbers in any common format to the WhatsApp customer', () => {
		const maria = { customerId: '16505551234', phone: '+16505551234', whatsApp: '+16505551234' };
		expect(resolveCustomer('+1 (650) 555-1234')).toEqual(maria);
		expect(resolveCustomer('16505551234')).toEqual(maria);
		expect(resolveCustomer('(650) 555-1234', 'US')).toEqual(maria);
	});

	it('links a business-scoped user id (a customer with a WhatsApp username) to the WhatsApp customer', () => {
		expect(resolveCustomer(' US.13491208655302741918 ')).toEqual({ customerId: 'US.13491208655302741918', phone: null, whatsApp: 'US.13491208655302741918' });
	});

	it('keeps any other identifier as it is, emails in lower case', () => {
		expect(resolveCustomer(' Maria@Example.com ')).toEqual({ customerId: 'maria@example.com', phone: null, whatsApp: null });
		expect(resolveCustomer('crm-4711')).toEqual({ customerId: 'crm-4711', phone: null, whatsApp: null });
		expect(() => resolveCustomer('  ')).toThrow(expect.objectContaining({ code: 'AI_INPUT_INVALID' }));
		expect(() => resolveCustomer('x'.repeat(300))).toThrow(expect.objectContaining({ code: 'AI_INPUT_INVALID' }));
	});
});

describe('resolveStoredCustomer', () => {
	it("names a BSUID Meta linked to a phone number by that number's key, and asks the store only for BSUIDs", async () => {
		const asked: string[] = [];
		const store = {
			resolveCustomerId: async (_phoneNumberId: string, id: string) => {
				asked.push(id);
				return id === 'US.13491208655302741918' ? '16505551234' : id;
			},
		};
		await expect(resolveStoredCustomer(store, '1065', 'US.13491208655302741918')).resolves.toEqual({
			customerId: '16505551234',
			phone: '+16505551234',
			whatsApp: 'US.13491208655302741918',
		});
		await expect(resolveStoredCustomer(store, '1065', 'GB.99')).resolves.toEqual({ customerId: 'GB.99', phone: null, whatsApp: 'GB.99' });
		await expect(resolveStoredCustomer(store, '1065', '+1 650 555 1234')).resolves.toMatchObject({ customerId: '16505551234' });
		await expect(resolveStoredCustomer(store, '1065', 'crm-4711')).resolves.toEqual({ customerId: 'crm-4711', phone: null, whatsApp: null });
		expect(asked).toEqual(['US.13491208655302741918', 'GB.99']);
	});
});

describe('isRecordedByAiReply', () => {
	it('tells messages AI Reply stored from what Meta delivered', () => {
		expect(isRecordedByAiReply({ wamid: 'ai-in.123', raw: {} })).toBe(true);
		expect(isRecordedByAiReply({ wamid: 'wamid.ABC', raw: { source: 'whatsapp-ai-reply' } })).toBe(true);
		expect(isRecordedByAiReply({ wamid: 'wamid.ABC', raw: { type: 'text' } })).toBe(false);
	});
});
