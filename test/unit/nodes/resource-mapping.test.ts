import { templateMapperFields } from '../../../nodes/shared/methods/template-fields';
import { mediaHeader, named, positional, template, withButtons } from '../template/templates';

describe('templateMapperFields', () => {
	it('asks for every placeholder, required, with the example in the label', () => {
		expect(templateMapperFields(positional).map((f) => [f.id, f.displayName, f.required, f.type])).toEqual([
			['header.1', 'Header {{1}} (e.g. Pablo)', true, 'string'],
			['body.1', 'Body {{1}} (e.g. Pablo)', true, 'string'],
			['body.2', 'Body {{2}} (e.g. #12)', true, 'string'],
			['body.3', 'Body {{3}} (e.g. 9 €)', true, 'string'],
		]);
		expect(templateMapperFields(named).map((f) => f.id)).toEqual(['header.first_name', 'body.first_name', 'body.order_number']);
	});

	it('asks for header media as a link or id, and an optional file name for documents', () => {
		expect(templateMapperFields(mediaHeader('DOCUMENT')).map((f) => [f.id, f.displayName, f.required])).toEqual([
			['header.media', 'Header document: https link or uploaded media ID', true],
			['header.filename', 'Header document: file name shown (optional)', false],
		]);
	});

	it('asks for dynamic buttons, and optionally for quick-reply payloads', () => {
		expect(templateMapperFields(withButtons).map((f) => [f.id, f.displayName])).toEqual([
			['body.1', 'Body {{1}}'],
			['button.1', 'Button 2 "Track order": link suffix (e.g. ZX81)'],
			['button.2', 'Button 3: coupon code (e.g. SAVE10)'],
			['button.0', 'Button 1 "Stop updates": payload sent back when tapped (optional)'],
		]);
	});

	it('asks for a location as latitude, longitude and optional name and address', () => {
		const location = template({ components: [{ type: 'HEADER', format: 'LOCATION' }, { type: 'BODY', text: 'Here.' }] });
		expect(templateMapperFields(location).map((f) => [f.id, f.type, f.required])).toEqual([
			['header.location.latitude', 'number', true],
			['header.location.longitude', 'number', true],
			['header.location.name', 'string', false],
			['header.location.address', 'string', false],
		]);
	});
});
