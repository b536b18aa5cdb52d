/** Picks the adapter for a provider row by its catalog key. */
import { createOpenAiCompatibleModel } from './llm/openai-compatible';
import { createDeepgramSpeechToText } from './stt/deepgram';
import { createEdgeSpeech } from './tts/edge';
import { createElevenLabsSpeech } from './tts/elevenlabs';
import { createOpenAiSpeech } from './tts/openai';
import type { LanguageModel, ProviderConnection, SpeechToText, TextToSpeech } from './types';

export class UnknownProviderError extends Error {
  constructor(category: string, providerKey: string, known: string[]) {
    super(`Unknown ${category} provider "${providerKey}" (known: ${known.join(', ')})`);
    this.name = 'UnknownProviderError';
  }
}

const LANGUAGE_MODELS: Record<string, (connection: ProviderConnection) => LanguageModel> = {
  openai: createOpenAiCompatibleModel,
  groq: createOpenAiCompatibleModel,
  ollama: createOpenAiCompatibleModel,
};

const SPEECH_TO_TEXT: Record<string, (connection: ProviderConnection) => SpeechToText> = {
  deepgram: (connection) => createDeepgramSpeechToText(connection),
};

const TEXT_TO_SPEECH: Record<string, (connection: ProviderConnection) => TextToSpeech> = {
  openai: createOpenAiSpeech,
  elevenlabs: createElevenLabsSpeech,
  edge: createEdgeSpeech,
};

function pick<T>(table: Record<string, (connection: ProviderConnection) => T>, category: string, connection: ProviderConnection): T {
  const factory = Object.hasOwn(table, connection.providerKey) ? table[connection.providerKey] : undefined;
  if (!factory) throw new UnknownProviderError(category, connection.providerKey, Object.keys(table));
  return factory(connection);
}

export function createLanguageModel(connection: ProviderConnection): LanguageModel {
  return pick(LANGUAGE_MODELS, 'llm', connection);
}

export function createSpeechToText(connection: ProviderConnection): SpeechToText {
  return pick(SPEECH_TO_TEXT, 'stt', connection);
}

export function createTextToSpeech(connection: ProviderConnection): TextToSpeech {
  return pick(TEXT_TO_SPEECH, 'tts', connection);
}

export { ProviderError } from './errors';
export type { ProviderErrorKind } from './errors';
