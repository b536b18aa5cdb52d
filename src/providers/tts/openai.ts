/**
 * OpenAI speech as raw PCM (24 kHz, 16-bit little-endian, mono: the lowest-latency format it offers), converted to
 * 8 kHz mu-law on the fly as chunks arrive.
 */
import { MulawEncoderStream } from '../../voice/audio';
import { apiKeyOf, baseUrlOf, clamp, secretsOf, stringSetting, timeoutOf } from '../connection';
import { ProviderError } from '../errors';
import { createProviderAgents, openHttpStream } from '../http/http-stream';
import type { ProviderConnection, SynthesisRequest, TextToSpeech } from '../types';

export const OPENAI_PCM_SAMPLE_RATE = 24_000;
const DEFAULT_MODEL = 'tts-1';

export function buildOpenAiSpeechBody(connection: ProviderConnection, request: SynthesisRequest): Record<string, unknown> {
  return {
    model: stringSetting(connection, 'model') ?? DEFAULT_MODEL,
    input: request.text,
    voice: connection.modelId,
    response_format: 'pcm',
    speed: clamp(request.speed, 0.25, 4),
  };
}

export function createOpenAiSpeech(connection: ProviderConnection): TextToSpeech {
  const provider = connection.providerKey;
  const agents = createProviderAgents();
  const secrets = secretsOf(connection);
  const url = `${baseUrlOf(connection, 'tts')}/audio/speech`;

  async function* synthesize(request: SynthesisRequest): AsyncGenerator<Buffer> {
    if (request.text.trim() === '') return;
    const apiKey = apiKeyOf(connection);
    if (!apiKey) throw new ProviderError({ kind: 'auth', provider, message: 'no API key configured' });
    const response = await openHttpStream({
      provider,
      url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(buildOpenAiSpeechBody(connection, request)),
      timeoutMs: timeoutOf(connection),
      signal: request.signal,
      allowPrivateNetwork: connection.allowPrivateNetwork === true,
      secrets,
      agents,
    });
    try {
      await response.throwForStatus();
      if (response.contentType.includes('application/json')) {
        throw new ProviderError({ kind: 'bad_response', provider, message: 'expected PCM audio, got JSON' });
      }
      const encoder = new MulawEncoderStream(OPENAI_PCM_SAMPLE_RATE);
      for await (const chunk of response.chunks()) {
        const mulaw = encoder.pushBytes(chunk);
        if (mulaw.length > 0) yield mulaw;
      }
      const tail = encoder.flush();
      if (tail.length > 0) yield tail;
    } finally {
      response.close();
    }
  }

  return { synthesize };
}
