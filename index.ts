/**
 * n8n-nodes-whatsapp-conversations: n8n loads the nodes and credentials listed in package.json;
 * this entry point also exposes the conversation core for use from code.
 */
export * from './core';
