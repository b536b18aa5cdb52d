import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTextToSpeech } from '../../src/providers';
import type { ProviderConnection } from '../../src/providers/types';
import { mulawToPcm16, rms, zeroCrossingFrequency } from '../../src/voice/audio';
import { FakeEdgeTts } from '../fakes/edge-tts';
import { rejection, synthesizeAll, until } from './helpers';

const TEXT = 'Tom & Jerry <3 "quotes" it\'s fine';

describe('Edge read-aloud adapter against the fake server', () => {
  let fake: FakeEdgeTts;
  let connection: ProviderConnection;

  beforeEach(async () => {
    fake = new FakeEdgeTts({ toneHz: 500 });
    await fake.start();
    connection = {
      providerKey: 'edge',
      modelId: 'en-US-AriaNeural',
      credentials: {},
      settings: { baseUrl: fake.baseUrl },
      timeoutMs: 3000,
      allowPrivateNetwork: true,
    };
  });
  afterEach(async () => {
    await fake.close();
  });

  it('decodes the MP3 audio messages into 8 kHz mu-law of the right length and pitch', async () => {
    const { audio, chunks } = await synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1 });
    expect(chunks).toBeGreaterThan(1);
    const expectedBytes = (fake.durationMsFor(TEXT) * 8000) / 1000;
    // MP3 adds encoder delay and pads to whole frames (576 samples at 24 kHz): under 2 frames here.
    expect(audio.length).toBeGreaterThanOrEqual(expectedBytes);
    expect(audio.length).toBeLessThan(expectedBytes + 1200);
    const pcm = mulawToPcm16(audio);
    const middle = pcm.subarray(1000, pcm.length - 1000);
    expect(zeroCrossingFrequency(middle, 8000)).toBeCloseTo(500, 0);
    expect(rms(middle)).toBeGreaterThan(3000);
    const recorded = fake.requests[0]!;
    await until(() => recorded.closed);
  });

  it('speaks the protocol: token query, speech.config with MP3, SSML with voice, rate and escaped text', async () => {
    await synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1.2 });
    const recorded = fake.requests[0]!;
    expect(recorded.query.TrustedClientToken).toBe('6A5AA1D4EAFF4E9FB37E23D68491D6F4');
    expect(recorded.query['Sec-MS-GEC']).toMatch(/^[0-9A-F]{64}$/);
    expect(recorded.headers.origin).toBe('chrome-extension://jdiccldimpdaibmpdkjnbmckianbfold');
    expect(recorded.outputFormat).toBe('audio-24khz-48kbitrate-mono-mp3');
    expect(recorded.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(recorded.voice).toBe('Microsoft Server Speech Text to Speech Voice (en-US, AriaNeural)');
    expect(recorded.rate).toBe('+20%');
    expect(recorded.text).toBe(TEXT);
    expect(recorded.ssml).toContain('Tom &amp; Jerry &lt;3 &quot;quotes&quot; it&apos;s fine');
  });

  it('maps a refused handshake (stale Sec-MS-GEC) to auth', async () => {
    fake.configure({ fault: { type: 'reject' } });
    const error = await rejection(synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1 }));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(403);
  });

  it('reports a socket closed before turn.end as unavailable', async () => {
    fake.configure({ fault: { type: 'close', afterChunks: 2 } });
    const error = await rejection(synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1 }));
    expect(error.kind).toBe('unavailable');
  });

  it('reports a turn without audio as bad_response', async () => {
    fake.configure({ fault: { type: 'no-audio' } });
    const error = await rejection(synthesizeAll(createTextToSpeech(connection), { text: TEXT, speed: 1 }));
    expect(error.kind).toBe('bad_response');
  });

  it('times out when the service never answers, and aborts mid-stream', async () => {
    fake.configure({ fault: { type: 'hang' } });
    const timedOut = await rejection(synthesizeAll(createTextToSpeech({ ...connection, timeoutMs: 200 }), { text: TEXT, speed: 1 }));
    expect(timedOut.kind).toBe('timeout');

    fake.configure({ fault: undefined, chunkDelayMs: 30 });
    const controller = new AbortController();
    const aborted = await rejection(
      (async () => {
        for await (const _chunk of createTextToSpeech(connection).synthesize({ text: TEXT, speed: 1, signal: controller.signal })) {
          controller.abort();
        }
      })(),
    );
    expect(aborted.kind).toBe('aborted');
    await until(() => fake.requests.at(-1)!.closed);
  });
});
