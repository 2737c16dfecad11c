/** Message templates: Meta's definitions, their placeholders, the form fields, the send checks, the catalogue and the node's input. */
export type * from './definition';
export type * from './request';
export {
	extractPlaceholders,
	type ButtonPlaceholder,
	type HeaderFormat,
	type MediaHeaderType,
	type ParameterFormat,
	type TemplatePlaceholders,
} from './placeholders';
export { describeTemplateFields, type TemplateField, type TemplateFieldType } from './fields';
export {
	assertTemplateSendable,
	TEMPLATE_BODY_ONLY_PARAMETER_MAX_LENGTH,
	TEMPLATE_BODY_PARAMETER_MAX_LENGTH,
	TEMPLATE_HEADER_PARAMETER_MAX_LENGTH,
} from './send-check';
export { TemplateCatalog } from './catalog';
export {
	buildTemplateCreateRequest,
	TEMPLATE_BODY_TEXT_MAX_LENGTH,
	TEMPLATE_BUTTON_TEXT_MAX_LENGTH,
	TEMPLATE_CATEGORIES,
	TEMPLATE_FOOTER_TEXT_MAX_LENGTH,
	TEMPLATE_HEADER_TEXT_MAX_LENGTH,
	TEMPLATE_MAX_BUTTONS,
	TEMPLATE_NAME_MAX_LENGTH,
	type AuthenticationTemplateOptions,
	type TemplateButtonDefinition,
	type TemplateCreateInput,
	type TemplateCreateRequest,
	type TemplateHeaderDefinition,
} from './create';
export { languageKey } from './find';
export { renderTemplatePreview, type TemplatePreview, type TemplatePreviewButton } from './preview';
export {
	buildTemplateInput,
	HEADER_FILENAME_KEY,
	HEADER_LOCATION_KEYS,
	HEADER_MEDIA_KEY,
	parseTemplateReference,
	resolveTemplate,
	type TemplateReference,
	type TemplateVariableValues,
} from './input-mapping';
