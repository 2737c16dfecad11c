/** The policy checks run before any API call: pure functions, no n8n, no I/O. */
export * from './phone';
export * from './customer';
export * from './content';
export * from './window';
export * from './limits';
export * from './optout';
export { countCharacters } from './text';
