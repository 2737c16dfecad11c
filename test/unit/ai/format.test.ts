import { toWhatsAppText } from '../../../core/ai/format';

describe('toWhatsAppText: Markdown to WhatsApp', () => {
	it.each([
		['**bold**', '*bold*'],
		['__bold__', '*bold*'],
		['*italic*', '_italic_'],
		['_italic_', '_italic_'],
		['***both***', '*_both_*'],
		['~~gone~~', '~gone~'],
		['`npm install`', '```npm install```'],
		['``a ` b``', '```a ` b```'],
	])('%s → %s', (markdown, whatsapp) => {
		expect(toWhatsAppText(markdown)).toBe(whatsapp);
	});

	it('converts nested emphasis without turning bold into italics', () => {
		expect(toWhatsAppText('**bold with *italic* inside** and *italic with **bold** inside*')).toBe(
			'*bold with _italic_ inside* and _italic with *bold* inside_',
		);
		expect(toWhatsAppText('Price: **~~$20~~ $15**')).toBe('Price: *~$20~ $15*');
	});

	it('leaves snake_case, arithmetic, lone markers and escaped characters alone', () => {
		expect(toWhatsAppText('file_name_v2.txt and 2*3*4 = 24 and a * b')).toBe('file_name_v2.txt and 2*3*4 = 24 and a * b');
		expect(toWhatsAppText('\\*not italic\\* and 5 \\* 3')).toBe('*not italic* and 5 * 3');
	});

	it('turns headings into bold lines, also when they carry emphasis', () => {
		expect(toWhatsAppText('# Order status\n## **Shipping** ##\nText')).toBe('*Order status*\n*Shipping*\nText');
		expect(toWhatsAppText('Summary\n=======\nAll good')).toBe('*Summary*\nAll good');
	});

	it('keeps lists readable: bullets, nesting, numbers and tasks', () => {
		expect(toWhatsAppText('- one\n* two\n  - nested **bold**\n+ three\n1. first\n2) second\n- [ ] todo\n- [x] done')).toBe(
			'• one\n• two\n  ◦ nested *bold*\n• three\n1. first\n2. second\n☐ todo\n☑ done',
		);
	});

	it('writes links as "text (url)" and keeps URLs intact, underscores included', () => {
		expect(toWhatsAppText('See [our FAQ](https://shop.example/faq_page?a=1_2) now.')).toBe('See our FAQ (https://shop.example/faq_page?a=1_2) now.');
		expect(toWhatsAppText('[https://example.com](https://example.com)')).toBe('https://example.com');
		expect(toWhatsAppText('Go to <https://x.example/a_b> or https://y.example/__init__.')).toBe('Go to https://x.example/a_b or https://y.example/__init__.');
		expect(toWhatsAppText('![a planter](https://cdn.example/p.png)')).toBe('a planter (https://cdn.example/p.png)');
	});

	it('makes fenced code blocks monospace and leaves their content untouched', () => {
		const answer = 'Run this:\n\n```python\ndef area(r):\n    return 3.14 * r**2  # **not bold**\n```\n\nDone.';
		expect(toWhatsAppText(answer)).toBe('Run this:\n\n```def area(r):\n    return 3.14 * r**2  # **not bold**```\n\nDone.');
		expect(toWhatsAppText('```\nunclosed *code*')).toBe('```unclosed *code*```');
		expect(toWhatsAppText('~~~\ntilde fence\n~~~')).toBe('```tilde fence```');
	});

	it('strips HTML and decodes entities, keeping its meaning', () => {
		expect(toWhatsAppText('<p>Hello <strong>Maria</strong>,<br/>your order &amp; invoice are <em>ready</em>.</p><ul><li>Box</li><li>Card</li></ul>')).toBe(
			'Hello *Maria*,\nyour order & invoice are _ready_.\n\n• Box\n• Card',
		);
		expect(toWhatsAppText('Visit <a href="https://shop.example">our shop</a> &lt;today&gt;')).toBe('Visit our shop (https://shop.example) <today>');
		expect(toWhatsAppText('<pre><code>x &lt; 3</code></pre>')).toBe('```x < 3```');
		expect(toWhatsAppText('if a < b and c > d')).toBe('if a < b and c > d');
	});

	it('removes reasoning, tool-call and chat-template remnants', () => {
		expect(toWhatsAppText('<think>The user wants a refund policy.</think>\nRefunds take 5 days.<|eot_id|>')).toBe('Refunds take 5 days.');
		expect(toWhatsAppText('<tool_call>{"name":"lookup","arguments":{}}</tool_call>Your order shipped.<|im_end|>')).toBe('Your order shipped.');
		expect(toWhatsAppText('[TOOL_CALLS] [{"name":"x"}]\nHi there </s>')).toBe('Hi there');
	});

	it('drops table syntax and horizontal rules, keeping the cells', () => {
		expect(toWhatsAppText('| Size | Price |\n|:-----|------:|\n| S | **$10** |\n\n---\n\nEnd')).toBe('Size | Price\nS | *$10*\n\nEnd');
	});

	it('keeps emoji, right-to-left text and quotes as they are', () => {
		expect(toWhatsAppText('**مرحبا بك** في متجرنا 👋🏽\n> שלום *עולם*')).toBe('*مرحبا بك* في متجرنا 👋🏽\n> שלום _עולם_');
		expect(toWhatsAppText('👨‍👩‍👧 **family** pack')).toBe('👨‍👩‍👧 *family* pack');
	});

	it('collapses blank lines and trims', () => {
		expect(toWhatsAppText('\r\n\r\nA\r\n\r\n\r\n\r\nB  \n\n')).toBe('A\n\nB');
		expect(toWhatsAppText('<think>only thinking</think>')).toBe('');
	});
});
