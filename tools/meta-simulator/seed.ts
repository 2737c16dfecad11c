/**
 * The simulator's starting world: the ids of Meta's documentation samples, one phone number, and
 * templates covering what the checks must handle: positional and named (a named text header too),
 * MARKETING and UTILITY, media header, dynamic URL button, two languages, PENDING, REJECTED and PAUSED.
 */
import type { TemplateDefinition } from '../../core/template/definition';

export const DEFAULT_ACCESS_TOKEN = 'EAAsimulatorTOKEN0123456789abcdef';
export const DEFAULT_BUSINESS_ACCOUNT_ID = '102290129340398';
export const DEFAULT_PHONE_NUMBER_ID = '106540352242922';
export const DEFAULT_APP_SECRET = 'simulator-app-secret';

export interface SimPhoneNumber {
	id: string;
	display_phone_number: string;
	verified_name: string;
	quality_rating: string;
	code_verification_status: string;
	platform_type: string;
	throughput: { level: string };
	/** Deprecated by Meta for the portfolio's limit (SimulatorState.messagingLimit), still answered. */
	messaging_limit_tier: string;
	name_status: string;
	/** CONNECTED, FLAGGED, RESTRICTED, PENDING, … */
	status?: string;
}

export function defaultPhoneNumbers(): SimPhoneNumber[] {
	return [
		{
			id: DEFAULT_PHONE_NUMBER_ID,
			display_phone_number: '15550783881',
			verified_name: 'Lucky Shrub',
			quality_rating: 'GREEN',
			code_verification_status: 'VERIFIED',
			platform_type: 'CLOUD_API',
			throughput: { level: 'STANDARD' },
			messaging_limit_tier: 'TIER_250',
			name_status: 'APPROVED',
			status: 'CONNECTED',
		},
	];
}

export function defaultTemplates(): TemplateDefinition[] {
	return [
		{
			id: '1000000000000001',
			name: 'hello_world',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Hello World' },
				{ type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API.' },
				{ type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
			],
		},
		{
			id: '1387372356726668',
			name: 'reservation_confirmation',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'NAMED',
			components: [
				{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.whatsapp.net/v/t61...'] } },
				{
					type: 'BODY',
					text: "*You're all set!*\n\nYour reservation for {{number_of_guests}} at Lucky Shrub Eatery on {{day}}, {{date}}, at {{time}}, is confirmed. See you then!",
					example: {
						body_text_named_params: [
							{ param_name: 'number_of_guests', example: '4' },
							{ param_name: 'day', example: 'Saturday' },
							{ param_name: 'date', example: 'August 30th, 2025' },
							{ param_name: 'time', example: '7:30 pm' },
						],
					},
				},
				{ type: 'FOOTER', text: 'Lucky Shrub Eatery: The Luckiest Eatery in Town!' },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'Change reservation', url: 'https://www.luckyshrubeater.com/reservations' },
						{ type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+16467043595' },
						{ type: 'QUICK_REPLY', text: 'Cancel reservation' },
					],
				},
			],
		},
		{
			id: '1304694804498707',
			name: 'coupon_expiration_reminder_number_vars',
			language: 'en',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Act fast, {{1}}!', example: { header_text: ['Pablo'] } },
				{
					type: 'BODY',
					text: "Just a quick reminder—your exclusive coupon code, {{1}}, *expires in only {{2}} days!* Don't miss out on our special deals. Use your code at checkout before it's too late.\n\nHappy shopping! 😃",
					example: { body_text: [['SUMMER20', '10']] },
				},
				{ type: 'FOOTER', text: 'Lucky Shrub Succulents' },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'See deals', url: 'https://www.luckyshrub.com/deals' },
						{ type: 'QUICK_REPLY', text: 'Unsubscribe' },
					],
				},
			],
		},
		{
			id: '1625063511800528',
			name: 'order_confirmation',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'NAMED',
			components: [
				{
					type: 'BODY',
					text: 'Thank you, {{first_name}}! Your order number is {{order_number}}.',
					example: {
						body_text_named_params: [
							{ param_name: 'first_name', example: 'Pablo' },
							{ param_name: 'order_number', example: '860198-230332' },
						],
					},
				},
			],
		},
		{
			id: '1625063511800529',
			name: 'order_tracking',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'BODY', text: 'Your order {{1}} is on its way.', example: { body_text: [['SKBUP2-4CPIG9']] } },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'Track order', url: 'https://www.luckyshrub.com/track/{{1}}', example: ['https://www.luckyshrub.com/track/SKBUP2'] },
						{ type: 'QUICK_REPLY', text: 'Stop updates' },
					],
				},
			],
		},
		{
			id: '1625063511800530',
			name: 'seasonal_promotion',
			language: 'en_US',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Our {{1}} sale starts now: {{2}} off everything!', example: { body_text: [['summer', '20%']] } }],
		},
		{
			id: '1625063511800531',
			name: 'seasonal_promotion',
			language: 'es',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: '¡Nuestra oferta de {{1}} empieza ya: {{2}} de descuento!', example: { body_text: [['verano', '20%']] } }],
		},
		{
			id: '1625063511800532',
			name: 'shipping_update',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'NAMED',
			components: [
				{
					type: 'HEADER',
					format: 'TEXT',
					text: 'Order {{order_id}} has shipped',
					example: { header_text_named_params: [{ param_name: 'order_id', example: 'SKBUP2-4CPIG9' }] },
				},
				{
					type: 'BODY',
					text: 'Hi {{first_name}}, your order is on its way and should arrive by {{delivery_date}}.',
					example: {
						body_text_named_params: [
							{ param_name: 'first_name', example: 'Pablo' },
							{ param_name: 'delivery_date', example: 'March 7th' },
						],
					},
				},
			],
		},
		{
			id: '1137051647947973',
			name: 'address_update',
			language: 'en_US',
			status: 'PENDING',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Hi {{1}}, please confirm your new address.', example: { body_text: [['Pablo']] } }],
		},
		{
			id: '1166414785519855',
			name: 'reservation_confirmation_short_banner',
			language: 'en_US',
			status: 'REJECTED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Reservation confirmed for {{1}}.', example: { body_text: [['4']] } }],
		},
		{
			id: '1166414785519856',
			name: 'flash_sale_old',
			language: 'en_US',
			status: 'PAUSED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Flash sale today only!' }],
		},
	];
}
