import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTextToSpeech } from '../../src/providers';
import type { ProviderConnection } from '../../src/providers/types';
import { mulawToPcm16, zeroCrossingFrequency } from '../../src/voice/audio';
import { FakeElevenLabs } from '../fakes/elevenlabs';
import { rejection, synthesizeAll, until } from './helpers';

const API_KEY = 'xi-test-key-0123456789';
const VOICE = '21m00Tcm4TlvDq8ikWAM';
const TEXT = 'Your table for two is booked at seven.';

describe('ElevenLabs adapter against the fake server', () => {
  let fake: FakeElevenLabs;
  let connection: ProviderConnection;

  beforeEach(async () => {
    fake = new FakeElevenLabs({ apiKey: API_KEY, chunkBytes: 777 });
    await fake.start();
    connection = {
      providerKey: 'elevenlabs',
      modelId: VOICE,
      credentials: { apiKey: API_KEY },
      settings: { baseUrl: fake.baseUrl },
      timeoutMs: 2000,
      allowPrivateNetwork: true,
    };
  });
  afterEach(async () => {
    await fake.close();
  });

  it('passes the mu-law stream through unchanged, chunk by chunk', async () => {
    const { audio, chunks } = await synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1, language: 'en-US' });
    const expected = fake.audioFor(TEXT);
    expect(audio.length).toBe(TEXT.length * 60 * 8);
    expect(audio.equals(expected)).toBe(true);
    expect(chunks).toBeGreaterThan(1);
    expect(zeroCrossingFrequency(mulawToPcm16(audio), 8000)).toBeCloseTo(440, 0);
  });

  it('sends the documented request: voice in the path, ulaw_8000, xi-api-key, model and speed', async () => {
    await synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1.5, language: 'en-US' });
    const recorded = fake.requests[0]!;
    expect(recorded.path).toBe(`/v1/text-to-speech/${VOICE}/stream`);
    expect(recorded.query).toEqual({ output_format: 'ulaw_8000' });
    expect(recorded.headers['xi-api-key']).toBe(API_KEY);
    expect(recorded.body).toEqual({ text: TEXT, model_id: 'eleven_flash_v2_5', voice_settings: { speed: 1.2 }, language_code: 'en' });
  });

  it('uses settings.modelId and leaves language_code out for models that reject it', async () => {
    const conn = { ...connection, settings: { ...connection.settings, modelId: 'eleven_multilingual_v2' } };
    await synthesizeAll(createTextToSpeech(conn), { text: TEXT, speed: 0.5, language: 'fr' });
    expect(fake.requests[0]!.body).toEqual({ text: TEXT, model_id: 'eleven_multilingual_v2', voice_settings: { speed: 0.7 } });
  });

  it('yields the first audio before the server has sent everything', async () => {
    fake.configure({ pauseAfterChunks: 1 });
    const iterator = createTextToSpeech(connection).synthesize({ text: TEXT, speed: 1 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(first.value!.length).toBeGreaterThan(0);
    expect(fake.requests[0]!.completed).toBe(false);
    fake.resume();
    while (!(await iterator.next()).done);
    expect(fake.requests[0]!.completed).toBe(true);
  });

  it('makes no request for empty text', async () => {
    const { audio } = await synthesizeAll(createTextToSpeech(connection), { text: '  ', speed: 1 });
    expect(audio.length).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('maps a wrong key to auth without leaking it', async () => {
    const conn = { ...connection, credentials: { apiKey: 'xi-wrong-key-424242' } };
    const error = await rejection(synthesizeAll(createTextToSpeech(conn), { text: TEXT, speed: 1 }));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('Invalid API key');
    expect(error.message).not.toContain('xi-wrong-key-424242');
  });

  it.each([
    [500, 'unavailable'],
    [429, 'rate_limited'],
    [422, 'invalid_request'],
  ] as const)('maps HTTP %i to %s', async (status, kind) => {
    fake.configure({ fault: { type: 'status', status } });
    const error = await rejection(synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1 }));
    expect(error.kind).toBe(kind);
  });

  it('times out when the first byte never comes', async () => {
    fake.configure({ fault: { type: 'hang' } });
    const error = await rejection(synthesizeAll(createTextToSpeech({ ...connection, timeoutMs: 200 }), { text: TEXT, speed: 1 }));
    expect(error.kind).toBe('timeout');
  });

  it('stops at once when aborted mid-stream', async () => {
    fake.configure({ pauseAfterChunks: 2 });
    const controller = new AbortController();
    let received = 0;
    const error = await rejection(
      (async () => {
        for await (const chunk of createTextToSpeech(connection).synthesize({ text: TEXT, speed: 1, signal: controller.signal })) {
          received += chunk.length;
          if (received >= 777 * 2) controller.abort();
        }
      })(),
    );
    expect(error.kind).toBe('aborted');
    await until(() => fake.requests[0]!.clientClosedEarly);
    expect(fake.requests[0]!.completed).toBe(false);
  });

  it('reports a reset mid-stream as unavailable', async () => {
    fake.configure({ fault: { type: 'reset', afterChunks: 2 } });
    const error = await rejection(synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1 }));
    expect(error.kind).toBe('unavailable');
  });
});
