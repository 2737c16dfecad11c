import { describeTemplateFields } from '../../../core/template';
import { buttonsTemplate, coupon, locationTemplate, orderConfirmation, reservation } from './templates';

describe('describeTemplateFields', () => {
	it('lists positional fields with the examples Meta stored', () => {
		expect(describeTemplateFields(coupon)).toEqual([
			{ key: 'header.1', component: 'header', placeholder: '1', type: 'text', label: 'Header {{1}}', required: true, example: 'Pablo' },
			{ key: 'body.1', component: 'body', placeholder: '1', type: 'text', label: 'Body {{1}}', required: true, example: 'SUMMER20' },
			{ key: 'body.2', component: 'body', placeholder: '2', type: 'text', label: 'Body {{2}}', required: true, example: '10' },
			{ key: 'button.1', component: 'button', placeholder: null, type: 'quick_reply_payload', label: 'Button 2 "Unsubscribe": payload sent back when tapped (optional)', required: false, example: null, buttonIndex: 1 },
		]);
	});

	it('lists named fields and the media header', () => {
		const fields = describeTemplateFields(reservation);
		expect(fields.map((f) => f.key)).toEqual(['header.media', 'body.number_of_guests', 'body.day', 'body.date', 'body.time', 'button.2']);
		expect(fields[0]).toMatchObject({ type: 'image', placeholder: null, label: 'Header image', example: 'https://scontent.whatsapp.net/v/t61...' });
		expect(fields.map((f) => f.example)).toEqual(['https://scontent.whatsapp.net/v/t61...', '4', 'Saturday', 'August 30th, 2025', '7:30 pm', null]);
		expect(describeTemplateFields(orderConfirmation)).toEqual([
			{ key: 'body.first_name', component: 'body', placeholder: 'first_name', type: 'text', label: 'Body {{first_name}}', required: true, example: 'Pablo' },
			{ key: 'body.order_number', component: 'body', placeholder: 'order_number', type: 'text', label: 'Body {{order_number}}', required: true, example: '860198-230332' },
		]);
	});

	it('lists button fields with the link suffix as example', () => {
		const fields = describeTemplateFields(buttonsTemplate);
		expect(fields.slice(1)).toEqual([
			{ key: 'button.0', component: 'button', placeholder: null, type: 'url_suffix', label: 'Button 1 "Track order": link suffix', required: true, example: 'ZX81', buttonIndex: 0 },
			{ key: 'button.1', component: 'button', placeholder: null, type: 'coupon_code', label: 'Button 2: coupon code', required: true, example: 'SAVE10', buttonIndex: 1 },
			{ key: 'button.2', component: 'button', placeholder: null, type: 'quick_reply_payload', label: 'Button 3 "Stop updates": payload sent back when tapped (optional)', required: false, example: null, buttonIndex: 2 },
		]);
		expect(describeTemplateFields(locationTemplate)).toEqual([
			{ key: 'header.location', component: 'header', placeholder: null, type: 'location', label: 'Header location', required: true, example: null },
		]);
	});
});
