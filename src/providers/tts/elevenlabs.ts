/**
 * ElevenLabs streaming TTS asked for `ulaw_8000`: the bytes are already what a phone line carries, so they are
 * passed on as they arrive with no conversion.
 */
import { apiKeyOf, baseUrlOf, clamp, secretsOf, stringSetting, timeoutOf } from '../connection';
import { ProviderError } from '../errors';
import { createProviderAgents, openHttpStream } from '../http/http-stream';
import type { ProviderConnection, SynthesisRequest, TextToSpeech } from '../types';

const DEFAULT_MODEL = 'eleven_flash_v2_5';
/** ElevenLabs accepts voice speed in this range only. */
const MIN_SPEED = 0.7;
const MAX_SPEED = 1.2;
/** Only these models accept `language_code`; others reject the request when it is present. */
const LANGUAGE_CODE_MODELS = new Set(['eleven_flash_v2_5', 'eleven_turbo_v2_5']);

export function buildElevenLabsBody(connection: ProviderConnection, request: SynthesisRequest): Record<string, unknown> {
  const model = stringSetting(connection, 'modelId') ?? DEFAULT_MODEL;
  const language = request.language?.split(/[-_]/)[0]?.toLowerCase();
  return {
    text: request.text,
    model_id: model,
    voice_settings: { speed: clamp(request.speed, MIN_SPEED, MAX_SPEED) },
    ...(language && LANGUAGE_CODE_MODELS.has(model) ? { language_code: language } : {}),
  };
}

export function createElevenLabsSpeech(connection: ProviderConnection): TextToSpeech {
  const provider = connection.providerKey;
  const agents = createProviderAgents();
  const secrets = secretsOf(connection);
  const voiceId = encodeURIComponent(connection.modelId);
  const url = `${baseUrlOf(connection, 'tts')}/v1/text-to-speech/${voiceId}/stream?output_format=ulaw_8000`;

  async function* synthesize(request: SynthesisRequest): AsyncGenerator<Buffer> {
    if (request.text.trim() === '') return;
    const apiKey = apiKeyOf(connection);
    if (!apiKey) throw new ProviderError({ kind: 'auth', provider, message: 'no API key configured' });
    const response = await openHttpStream({
      provider,
      url,
      headers: { 'content-type': 'application/json', accept: 'audio/basic', 'xi-api-key': apiKey },
      body: JSON.stringify(buildElevenLabsBody(connection, request)),
      timeoutMs: timeoutOf(connection),
      signal: request.signal,
      allowPrivateNetwork: connection.allowPrivateNetwork === true,
      secrets,
      agents,
    });
    try {
      await response.throwForStatus();
      if (response.contentType.includes('application/json')) {
        throw new ProviderError({ kind: 'bad_response', provider, message: 'expected audio, got JSON' });
      }
      for await (const chunk of response.chunks()) {
        if (chunk.length > 0) yield chunk;
      }
    } finally {
      response.close();
    }
  }

  return { synthesize };
}
