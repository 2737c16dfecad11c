/**
 * n8n-nodes-whatsapp-conversations: n8n loads the nodes and credentials listed in package.json;
 * this entry point also exposes them and the conversation core for use from code.
 */
export * from './core';

export { WhatsAppConversationsApi } from './credentials/WhatsAppConversationsApi.credentials';
export { OpenAiCompatibleApi } from './credentials/OpenAiCompatibleApi.credentials';

export { WhatsAppMessageReceivedTrigger } from './nodes/WhatsAppMessageReceivedTrigger/WhatsAppMessageReceivedTrigger.node';
export { WhatsAppConversationStartedTrigger } from './nodes/WhatsAppConversationStartedTrigger/WhatsAppConversationStartedTrigger.node';
export { WhatsAppConversationEndedTrigger } from './nodes/WhatsAppConversationEndedTrigger/WhatsAppConversationEndedTrigger.node';
export { WhatsAppSendMessage } from './nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
export { WhatsAppSendTemplate } from './nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
export { WhatsAppConversation } from './nodes/WhatsAppConversation/WhatsAppConversation.node';
export { WhatsAppAiReply } from './nodes/WhatsAppAiReply/WhatsAppAiReply.node';
