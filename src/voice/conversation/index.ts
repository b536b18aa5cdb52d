export { Conversation } from './conversation';
export { DEFAULT_TUNING, deriveTimings } from './timing';
export type { ConversationTimings, ConversationTuning } from './timing';
