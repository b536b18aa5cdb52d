import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTextToSpeech } from '../../src/providers';
import type { ProviderConnection } from '../../src/providers/types';
import { goertzelPower, mulawToPcm16, rms, zeroCrossingFrequency } from '../../src/voice/audio';
import { FakeOpenAiSpeech } from '../fakes/openai-speech';
import { rejection, synthesizeAll, until } from './helpers';

const API_KEY = 'sk-speech-test-0123456789';
const TEXT = 'Thanks for calling, how can I help?';

describe('OpenAI speech adapter against the fake server', () => {
  let fake: FakeOpenAiSpeech;
  let connection: ProviderConnection;

  beforeEach(async () => {
    fake = new FakeOpenAiSpeech({ apiKey: API_KEY });
    await fake.start();
    connection = {
      providerKey: 'openai',
      modelId: 'nova',
      credentials: { apiKey: API_KEY },
      settings: { baseUrl: fake.baseUrl },
      timeoutMs: 2000,
      allowPrivateNetwork: true,
    };
  });
  afterEach(async () => {
    await fake.close();
  });

  it('resamples the 24 kHz PCM stream (sent in odd-sized chunks) to 8 kHz mu-law of a third of the length', async () => {
    const { audio, chunks } = await synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1 });
    const sourceSamples = fake.samplesFor(TEXT).length;
    expect(audio.length).toBe(Math.ceil(sourceSamples / 3));
    expect(chunks).toBeGreaterThan(1);
    const pcm = mulawToPcm16(audio);
    const middle = pcm.subarray(400, pcm.length - 400);
    expect(zeroCrossingFrequency(middle, 8000)).toBeCloseTo(1000, 0);
    // The tone keeps its level (9000 peak): nothing lost or doubled at chunk joins.
    expect(rms(middle)).toBeGreaterThan(9000 / Math.SQRT2 * 0.95);
    expect(rms(middle)).toBeLessThan(9000 / Math.SQRT2 * 1.05);
    expect(goertzelPower(middle, 8000, 1000)).toBeGreaterThan(0.9 * (9000 ** 2 / 4));
  });

  it('sends model, input, voice, pcm format and speed with the bearer key', async () => {
    await synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1.1 });
    const recorded = fake.requests[0]!;
    expect(recorded.path).toBe('/v1/audio/speech');
    expect(recorded.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(recorded.body).toEqual({ model: 'tts-1', input: TEXT, voice: 'nova', response_format: 'pcm', speed: 1.1 });
  });

  it('uses settings.model', async () => {
    const conn = { ...connection, settings: { ...connection.settings, model: 'gpt-4o-mini-tts' } };
    await synthesizeAll(createTextToSpeech(conn), { text: TEXT, speed: 1 });
    expect(fake.requests[0]!.body.model).toBe('gpt-4o-mini-tts');
  });

  it('yields audio before the server has finished', async () => {
    fake.configure({ pauseAfterChunks: 1 });
    const iterator = createTextToSpeech(connection).synthesize({ text: TEXT, speed: 1 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value!.length).toBeGreaterThan(0);
    expect(fake.requests[0]!.completed).toBe(false);
    fake.resume();
    while (!(await iterator.next()).done);
  });

  it.each([
    [401, 'auth'],
    [500, 'unavailable'],
    [429, 'rate_limited'],
  ] as const)('maps HTTP %i to %s', async (status, kind) => {
    fake.configure({ fault: { type: 'status', status } });
    const error = await rejection(synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1 }));
    expect(error.kind).toBe(kind);
  });

  it('times out and aborts like the other HTTP adapters', async () => {
    fake.configure({ fault: { type: 'hang' } });
    const timedOut = await rejection(synthesizeAll(createTextToSpeech({ ...connection, timeoutMs: 150 }), { text: TEXT, speed: 1 }));
    expect(timedOut.kind).toBe('timeout');

    fake.configure({ fault: undefined, pauseAfterChunks: 1 });
    const controller = new AbortController();
    const aborted = await rejection(
      (async () => {
        for await (const _chunk of createTextToSpeech(connection).synthesize({ text: TEXT, speed: 1, signal: controller.signal })) {
          controller.abort();
        }
      })(),
    );
    expect(aborted.kind).toBe('aborted');
    await until(() => fake.requests.at(-1)!.clientClosedEarly);
  });
});
