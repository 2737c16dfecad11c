import { describeDeliveryFailure } from '../../../core';

describe('describeDeliveryFailure', () => {
	it.each([
		[131047, 'window_closed', /template/],
		[131026, 'not_on_whatsapp', /not on WhatsApp/],
		[131049, 'marketing_frequency_cap', /try again in a day/],
		[131050, 'marketing_opted_out', /stopped marketing messages.*opted out/],
		[130472, 'meta_experiment', /experiment/],
	])('%i is %s with its own hint', (code, reason, hint) => {
		const failure = describeDeliveryFailure({ code, title: 'Meta title' });
		expect(failure).toMatchObject({ code, reason, title: 'Meta title' });
		expect(failure.hint).toMatch(hint);
	});

	it("gives other codes Meta's hint when the client has one, else the title and a generic hint without links", () => {
		expect(describeDeliveryFailure({ code: 131048, title: 'Spam rate limit hit' })).toEqual({
			code: 131048,
			reason: 'other',
			title: 'Spam rate limit hit',
			hint: expect.stringMatching(/quality rating/),
		});
		const unknown = describeDeliveryFailure({ code: 139999, title: 'Something new' });
		expect(unknown).toMatchObject({ code: 139999, reason: 'other', title: 'Something new' });
		expect(unknown.hint).toContain('Something new');
		expect(unknown.hint).toContain('139999');
		expect(unknown.hint).not.toMatch(/https?:|www\./);
	});

	it('names a failure without an error and an empty title', () => {
		expect(describeDeliveryFailure(null)).toMatchObject({ code: null, reason: 'other', title: 'Message not delivered' });
		expect(describeDeliveryFailure({ code: 131000, title: ' ' }).title).toBe('Message not delivered');
	});
});
