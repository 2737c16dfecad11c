import { PolicyError, renderTemplatePreview } from '../../../core';
import { buttonsTemplate, coupon, reservation } from './templates';

describe('renderTemplatePreview', () => {
	it("fills a positional template's header and body and reads like the message", () => {
		const preview = renderTemplatePreview(coupon, { 'header.1': 'Pablo', 'body.1': 'SUMMER20', 'body.2': '10' });
		expect(preview.header).toEqual({ format: 'TEXT', text: 'Act fast, Pablo!', media: null });
		expect(preview.body).toContain('your exclusive coupon code, SUMMER20, *expires in only 10 days!*');
		expect(preview.footer).toBe('Lucky Shrub Succulents');
		expect(preview.buttons).toEqual([
			{ type: 'URL', text: 'See deals', url: 'https://www.luckyshrub.com/deals' },
			{ type: 'QUICK_REPLY', text: 'Unsubscribe' },
		]);
		expect(preview.text.split('\n\n')[0]).toBe('Act fast, Pablo!');
		expect(preview.text.endsWith('Lucky Shrub Succulents')).toBe(true);
	});

	it('fills named variables and shows a media header by its link', () => {
		const preview = renderTemplatePreview(reservation, {
			'header.media': 'https://example.com/table.jpg',
			'body.number_of_guests': '4',
			'body.day': 'Saturday',
			'body.date': 'August 30th, 2025',
			'body.time': '7:30 pm',
		});
		expect(preview.header).toEqual({ format: 'IMAGE', text: null, media: 'https://example.com/table.jpg' });
		expect(preview.body).toContain('Your reservation for 4 at Lucky Shrub Eatery on Saturday, August 30th, 2025, at 7:30 pm');
		expect(preview.text.startsWith('[image: https://example.com/table.jpg]')).toBe(true);
	});

	it("fills a dynamic URL button and shows a copy-code button's code", () => {
		const preview = renderTemplatePreview(buttonsTemplate, { 'body.1': '#77', 'button.0': 'AB12', 'button.1': 'SAVE10' });
		expect(preview.buttons[0]).toEqual({ type: 'URL', text: 'Track order', url: 'https://shop.example/track/AB12' });
		expect(preview.buttons[1]).toEqual({ type: 'COPY_CODE', text: null, code: 'SAVE10' });
	});

	it('names every missing value', () => {
		let error: unknown;
		try {
			renderTemplatePreview(buttonsTemplate, { 'body.1': '  ' });
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(PolicyError);
		const typed = error as PolicyError;
		expect(typed.code).toBe('TEMPLATE_PARAMETERS_MISMATCH');
		expect(typed.details.missing).toEqual(['Body {{1}}', 'Button 1 "Track order": link suffix', 'Button 2: coupon code']);
		expect(typed.message).toContain('Body {{1}}');
	});
});
