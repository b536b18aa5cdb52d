/**
 * The provider types Voicex can talk to. Seeded into `provider_catalog` at start; plans name models as
 * `providerKey/modelId` from this list. Model ids of TTS providers are voices.
 */
export type ProviderCategory = 'llm' | 'tts' | 'stt';

export interface CatalogModel {
  modelId: string;
  label: string;
}

export interface SettingsField {
  key: string;
  label: string;
  type: 'string' | 'number' | 'boolean' | 'url';
  required: boolean;
  description: string;
}

export interface CatalogEntry {
  providerKey: string;
  category: ProviderCategory;
  name: string;
  requiresKey: boolean;
  /** Used when a provider has no `settings.baseUrl` (conventions in shared/design.md). */
  defaultBaseUrl: string;
  credentialFields: string[];
  settingsFields: SettingsField[];
  models: CatalogModel[];
}

const baseUrlField = (example: string): SettingsField => ({
  key: 'baseUrl',
  label: 'Base URL',
  type: 'url',
  required: false,
  description: `Overrides the vendor origin, e.g. ${example}`,
});

export const PROVIDER_CATALOG: readonly CatalogEntry[] = [
  {
    providerKey: 'openai',
    category: 'llm',
    name: 'OpenAI',
    requiresKey: true,
    defaultBaseUrl: 'https://api.openai.com/v1',
    credentialFields: ['apiKey'],
    settingsFields: [baseUrlField('https://api.openai.com/v1')],
    models: [
      { modelId: 'gpt-4o-mini', label: 'GPT-4o Mini' },
      { modelId: 'gpt-4o', label: 'GPT-4o' },
      { modelId: 'gpt-4.1-mini', label: 'GPT-4.1 Mini' },
      { modelId: 'gpt-4.1', label: 'GPT-4.1' },
    ],
  },
  {
    providerKey: 'groq',
    category: 'llm',
    name: 'Groq',
    requiresKey: true,
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    credentialFields: ['apiKey'],
    settingsFields: [baseUrlField('https://api.groq.com/openai/v1')],
    models: [
      { modelId: 'llama-3.3-70b-versatile', label: 'Llama 3.3 70B Versatile' },
      { modelId: 'llama-3.1-8b-instant', label: 'Llama 3.1 8B Instant' },
    ],
  },
  {
    providerKey: 'ollama',
    category: 'llm',
    name: 'Ollama',
    requiresKey: false,
    defaultBaseUrl: 'http://localhost:11434/v1',
    credentialFields: [],
    settingsFields: [baseUrlField('http://localhost:11434/v1')],
    models: [
      { modelId: 'llama3.2:3b', label: 'Llama 3.2 3B' },
      { modelId: 'llama3.1:8b', label: 'Llama 3.1 8B' },
      { modelId: 'qwen2.5:7b', label: 'Qwen 2.5 7B' },
    ],
  },
  {
    providerKey: 'openai',
    category: 'tts',
    name: 'OpenAI TTS',
    requiresKey: true,
    defaultBaseUrl: 'https://api.openai.com/v1',
    credentialFields: ['apiKey'],
    settingsFields: [
      baseUrlField('https://api.openai.com/v1'),
      { key: 'model', label: 'Speech model', type: 'string', required: false, description: 'Defaults to tts-1' },
    ],
    models: [
      { modelId: 'alloy', label: 'Alloy' },
      { modelId: 'echo', label: 'Echo' },
      { modelId: 'fable', label: 'Fable' },
      { modelId: 'nova', label: 'Nova' },
      { modelId: 'onyx', label: 'Onyx' },
      { modelId: 'shimmer', label: 'Shimmer' },
    ],
  },
  {
    providerKey: 'elevenlabs',
    category: 'tts',
    name: 'ElevenLabs',
    requiresKey: true,
    defaultBaseUrl: 'https://api.elevenlabs.io',
    credentialFields: ['apiKey'],
    settingsFields: [
      baseUrlField('https://api.elevenlabs.io'),
      { key: 'modelId', label: 'Voice model', type: 'string', required: false, description: 'Defaults to eleven_flash_v2_5' },
    ],
    models: [
      { modelId: '21m00Tcm4TlvDq8ikWAM', label: 'Rachel' },
      { modelId: 'EXAVITQu4vr4xnSDxMaL', label: 'Sarah' },
      { modelId: 'pNInz6obpgDQGcFmaJgB', label: 'Adam' },
      { modelId: 'ErXwobaYiN019PkySvjV', label: 'Antoni' },
    ],
  },
  {
    providerKey: 'edge',
    category: 'tts',
    name: 'Microsoft Edge Read Aloud',
    requiresKey: false,
    defaultBaseUrl: 'wss://speech.platform.bing.com',
    credentialFields: [],
    settingsFields: [baseUrlField('wss://speech.platform.bing.com')],
    models: [
      { modelId: 'en-US-AriaNeural', label: 'Aria (English, US)' },
      { modelId: 'en-US-GuyNeural', label: 'Guy (English, US)' },
      { modelId: 'en-US-JennyNeural', label: 'Jenny (English, US)' },
      { modelId: 'en-GB-SoniaNeural', label: 'Sonia (English, UK)' },
      { modelId: 'de-DE-KatjaNeural', label: 'Katja (German)' },
      { modelId: 'es-ES-ElviraNeural', label: 'Elvira (Spanish)' },
      { modelId: 'fr-FR-DeniseNeural', label: 'Denise (French)' },
    ],
  },
  {
    providerKey: 'deepgram',
    category: 'stt',
    name: 'Deepgram',
    requiresKey: true,
    defaultBaseUrl: 'wss://api.deepgram.com',
    credentialFields: ['apiKey'],
    settingsFields: [baseUrlField('wss://api.deepgram.com')],
    models: [
      { modelId: 'nova-2', label: 'Nova 2' },
      { modelId: 'nova-3', label: 'Nova 3' },
      { modelId: 'nova-2-phonecall', label: 'Nova 2 Phone Call' },
    ],
  },
];

export function findCatalogEntry(category: string, providerKey: string): CatalogEntry | undefined {
  return PROVIDER_CATALOG.find((entry) => entry.category === category && entry.providerKey === providerKey);
}
