import { buildTemplateMessage } from '../../../core/cloud-api/messages';
import { buildTemplateInput, parseTemplateReference, resolveTemplate, type TemplateDefinition } from '../../../core/template';
import { mediaHeader, named, positional, template, withButtons } from './templates';

const target = { to: '+16505551234', name: 'x', languageCode: 'en_US' };

describe('parseTemplateReference', () => {
	it('reads name|language as the template list gives it', () => {
		expect(parseTemplateReference('order_update|en_US')).toEqual({ name: 'order_update', language: 'en_US' });
	});
	it('takes the language field when the name has none', () => {
		expect(parseTemplateReference(' order_update ', ' en_US ')).toEqual({ name: 'order_update', language: 'en_US' });
	});
	it('prefers the language inside the value', () => {
		expect(parseTemplateReference('order_update|es', 'en_US')).toEqual({ name: 'order_update', language: 'es' });
	});
	it('leaves the language empty when none is given', () => {
		expect(parseTemplateReference('order_update')).toEqual({ name: 'order_update', language: '' });
		expect(parseTemplateReference(undefined)).toEqual({ name: '', language: '' });
	});
});

describe('resolveTemplate', () => {
	const catalog: TemplateDefinition[] = [
		{ ...positional, name: 'order_update', language: 'en_US' },
		{ ...positional, name: 'promo', language: 'en_US' },
		{ ...positional, name: 'promo', language: 'es' },
		{ ...positional, name: 'draft', language: 'fr', status: 'PENDING' },
		{ ...positional, name: 'draft', language: 'de', status: 'APPROVED' },
	];
	it('matches name and language case-insensitively, with - or _', () => {
		const found = resolveTemplate(catalog, { name: 'Order_Update', language: 'en-us' });
		expect(found.template?.name).toBe('order_update');
	});
	it('takes the only language when none is given', () => {
		expect(resolveTemplate(catalog, { name: 'order_update', language: '' })).toMatchObject({ language: 'en_US' });
	});
	it('counts approved versions first when guessing the language', () => {
		expect(resolveTemplate(catalog, { name: 'draft', language: '' })).toMatchObject({ language: 'de' });
	});
	it('does not guess between several languages', () => {
		expect(resolveTemplate(catalog, { name: 'promo', language: '' })).toEqual({ template: undefined, language: '' });
	});
	it('finds nothing for an unknown name', () => {
		expect(resolveTemplate(catalog, { name: 'nope', language: 'en_US' }).template).toBeUndefined();
	});
});

describe('buildTemplateInput', () => {
	it('orders positional values by placeholder number, whatever order the fields come in', () => {
		const input = buildTemplateInput(target, positional, { 'body.3': '9 €', 'body.1': 'Pablo', 'body.2': '#12', 'header.1': 'Pablo' });
		expect(input).toEqual({ ...target, header: { type: 'text', text: 'Pablo' }, body: ['Pablo', '#12', '9 €'] });
	});

	it('fills a missing position with an empty value, so the core names it', () => {
		const input = buildTemplateInput(target, positional, { 'body.1': 'Pablo', 'body.3': '9 €', 'header.1': 'P' });
		expect(input.body).toEqual(['Pablo', '', '9 €']);
	});

	it('turns numbers and booleans into text and leaves out unset values', () => {
		const input = buildTemplateInput(target, positional, { 'body.1': 42, 'body.2': true, 'body.3': null, 'header.1': undefined });
		expect(input).toEqual({ ...target, body: ['42', 'true'] });
	});

	it('gives named values by name, the header with its parameter name', () => {
		const input = buildTemplateInput(target, named, { 'header.first_name': 'Pablo', 'body.first_name': 'Pablo', 'body.order_number': '860198' });
		expect(input).toEqual({
			...target,
			header: { type: 'text', text: 'Pablo', parameterName: 'first_name' },
			body: { first_name: 'Pablo', order_number: '860198' },
		});
		const payload = buildTemplateMessage(input);
		expect(payload.template.components).toEqual([
			{ type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Pablo' }] },
			{
				type: 'body',
				parameters: [
					{ type: 'text', parameter_name: 'first_name', text: 'Pablo' },
					{ type: 'text', parameter_name: 'order_number', text: '860198' },
				],
			},
		]);
	});

	it('passes keys that do not fit a positional template by name, so the core reports them', () => {
		expect(buildTemplateInput(target, positional, { 'body.1': 'a', 'body.first_name': 'b' }).body).toEqual({ 1: 'a', first_name: 'b' });
	});

	it('reads a media header value starting with http(s) as a link', () => {
		expect(buildTemplateInput(target, mediaHeader('IMAGE'), { 'header.media': ' https://cdn.example/p.jpg ' }).header).toEqual({
			type: 'image',
			link: 'https://cdn.example/p.jpg',
		});
	});

	it('reads any other media header value as an uploaded media id', () => {
		expect(buildTemplateInput(target, mediaHeader('VIDEO'), { 'header.media': '1234567890' }).header).toEqual({ type: 'video', id: '1234567890' });
	});

	it('adds the file name of a document header', () => {
		const input = buildTemplateInput(target, mediaHeader('DOCUMENT'), { 'header.media': '987', 'header.filename': 'invoice.pdf' });
		expect(input.header).toEqual({ type: 'document', id: '987', filename: 'invoice.pdf' });
		expect(buildTemplateMessage(input).template.components?.[0]).toEqual({
			type: 'header',
			parameters: [{ type: 'document', document: { id: '987', filename: 'invoice.pdf' } }],
		});
	});

	it('passes an empty media value on as neither id nor link, and no value as no header', () => {
		expect(buildTemplateInput(target, mediaHeader('IMAGE'), { 'header.media': '  ' }).header).toEqual({ type: 'image' });
		expect(buildTemplateInput(target, mediaHeader('IMAGE'), {}).header).toBeUndefined();
	});

	it('builds a location header from its four fields', () => {
		const location = template({ components: [{ type: 'HEADER', format: 'LOCATION' }, { type: 'BODY', text: 'Pick up here.' }] });
		const input = buildTemplateInput(target, location, {
			'header.location.latitude': '37.4847',
			'header.location.longitude': -122.1477,
			'header.location.name': 'Pickup point',
			'header.location.address': '',
		});
		expect(input.header).toEqual({ type: 'location', latitude: 37.4847, longitude: -122.1477, name: 'Pickup point' });
		expect(buildTemplateInput(target, location, { 'header.location.latitude': 1 }).header).toMatchObject({ latitude: 1, longitude: Number.NaN });
	});

	it('gives each button value the sub-type of the template button at its index', () => {
		const input = buildTemplateInput(target, withButtons, { 'body.1': '#1', 'button.2': 'SAVE10', 'button.1': 'ZX81', 'button.0': 'stop' });
		expect(input.buttons).toEqual([
			{ subType: 'quick_reply', index: 0, payload: 'stop' },
			{ subType: 'url', index: 1, text: 'ZX81' },
			{ subType: 'copy_code', index: 2, couponCode: 'SAVE10' },
		]);
		expect(buildTemplateMessage(input).template.components?.slice(1)).toEqual([
			{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'stop' }] },
			{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'ZX81' }] },
			{ type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] },
		]);
	});

	it('sends an authentication OTP code as a url button, as Meta wants', () => {
		const otp = template({ category: 'AUTHENTICATION', components: [{ type: 'BODY', text: '{{1}} is your code.' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', text: 'Copy code' }] }] });
		expect(buildTemplateInput(target, otp, { 'body.1': '123456', 'button.0': '123456' }).buttons).toEqual([{ subType: 'url', index: 0, text: '123456' }]);
	});

	it('passes values on unchanged when the template is unknown', () => {
		expect(buildTemplateInput(target, undefined, { 'body.2': 'b', 'body.1': 'a' })).toEqual({ ...target, body: ['a', 'b'] });
		expect(buildTemplateInput(target, undefined, { 'body.name': 'a' }).body).toEqual({ name: 'a' });
		expect(buildTemplateInput(target, undefined, null)).toEqual(target);
	});
});
