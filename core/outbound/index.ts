export { nowOf, type OutboundContext, type SendHooks } from './context';
export type { SentMessage } from './record';
export { toRecipient, type Recipient } from './recipient';
export { sendSessionMessage, type SessionMessage, type SessionMessageResult } from './send-session-message';
export { sendTemplateMessage, type TemplateSendResult } from './send-template';
