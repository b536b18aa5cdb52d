import { describe, expect, it } from 'vitest';
import { createLanguageModel, createTextToSpeech } from '../../src/providers';
import { startAllFakes } from '../fakes/serve';
import { synthesizeAll } from './helpers';

describe('startAllFakes', () => {
  it('starts every fake with a shared key and serves the adapters', async () => {
    const fakes = await startAllFakes({ apiKey: 'shared-key-123456' });
    try {
      expect(Object.keys(fakes.urls).sort()).toEqual(['deepgram', 'deepgramControl', 'edge', 'elevenlabs', 'llm', 'openaiTts']);
      const common = { credentials: { apiKey: 'shared-key-123456' }, allowPrivateNetwork: true, timeoutMs: 3000 };
      const llm = createLanguageModel({ ...common, providerKey: 'groq', modelId: 'llama-3.1-8b-instant', settings: { baseUrl: fakes.urls.llm } });
      let text = '';
      for await (const chunk of llm.stream({ messages: [{ role: 'user', content: 'hello' }], temperature: 0, maxTokens: 50 })) {
        if (chunk.type === 'text') text += chunk.text;
      }
      expect(text).toContain('hello');
      const tts = createTextToSpeech({ ...common, providerKey: 'elevenlabs', modelId: 'voice', settings: { baseUrl: fakes.urls.elevenlabs } });
      const { audio } = await synthesizeAll(tts, { text: 'Hi.', speed: 1 });
      expect(audio.length).toBe(3 * 60 * 8);
    } finally {
      await fakes.close();
    }
  });
});
