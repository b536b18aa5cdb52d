import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSpeechToText } from '../../src/providers';
import { createDeepgramSpeechToText } from '../../src/providers/stt/deepgram';
import { ProviderError } from '../../src/providers/errors';
import type { LiveTranscriptionOptions, ProviderConnection, SpeechToTextListener, TranscriptEvent } from '../../src/providers/types';
import { mulawSilence, mulawTone } from '../../src/voice/audio';
import { FakeDeepgramLive } from '../fakes/deepgram-live';

const API_KEY = 'dg-test-key-0123456789';

type Seen =
  | { kind: 'transcript'; event: TranscriptEvent }
  | { kind: 'speechStarted' }
  | { kind: 'utteranceEnd' }
  | { kind: 'error'; error: Error }
  | { kind: 'close' };

function recordingListener(): SpeechToTextListener & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    onTranscript: (event) => seen.push({ kind: 'transcript', event }),
    onSpeechStarted: () => seen.push({ kind: 'speechStarted' }),
    onUtteranceEnd: () => seen.push({ kind: 'utteranceEnd' }),
    onError: (error) => seen.push({ kind: 'error', error }),
    onClose: () => seen.push({ kind: 'close' }),
  };
}

const options = (overrides: Partial<LiveTranscriptionOptions> = {}): LiveTranscriptionOptions => ({
  language: 'en-US',
  endpointingMs: 300,
  utteranceEndMs: 1000,
  ...overrides,
});

/** Sends audio as Twilio would (20 ms frames), but without waiting in real time. */
function sendInFrames(send: (frame: Buffer) => void, audio: Buffer): void {
  for (let at = 0; at < audio.length; at += 160) send(audio.subarray(at, at + 160));
}

async function until(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

describe('Deepgram live adapter against the fake server', () => {
  let fake: FakeDeepgramLive;
  let connection: ProviderConnection;

  beforeEach(async () => {
    fake = new FakeDeepgramLive({ apiKey: API_KEY });
    await fake.start();
    connection = {
      providerKey: 'deepgram',
      modelId: 'nova-2-phonecall',
      credentials: { apiKey: API_KEY },
      settings: { baseUrl: fake.baseUrl },
      timeoutMs: 2000,
      allowPrivateNetwork: true,
    };
  });
  afterEach(async () => {
    await fake.close();
  });

  it('turns two spoken bursts into two final transcripts with the events around them', async () => {
    fake.say('I need a table for two', 'At seven please');
    const listener = recordingListener();
    const session = await createSpeechToText(connection).start(options(), listener);
    const audio = Buffer.concat([
      mulawSilence(300),
      mulawTone(440, 900),
      mulawSilence(1200),
      mulawTone(300, 600),
      mulawSilence(1500),
    ]);
    sendInFrames((frame) => session.sendAudio(frame), audio);
    await until(() => listener.seen.filter((s) => s.kind === 'utteranceEnd').length === 2);
    await session.finish();

    const finals = listener.seen.flatMap((s) => (s.kind === 'transcript' && s.event.isFinal ? [s.event] : []));
    expect(finals.map((f) => f.text)).toEqual(['I need a table for two', 'At seven please']);
    expect(finals.every((f) => f.speechFinal)).toBe(true);
    expect(finals[0]!.start).toBeCloseTo(0.3, 2);
    expect(finals[0]!.duration).toBeCloseTo(0.9, 2);
    expect(finals[1]!.start).toBeCloseTo(2.4, 2);

    const interims = listener.seen.flatMap((s) => (s.kind === 'transcript' && !s.event.isFinal ? [s.event] : []));
    expect(interims.length).toBeGreaterThan(0);
    expect(interims.every((i) => i.text.length > 0 && !i.speechFinal)).toBe(true);

    const order = listener.seen
      .filter((s) => !(s.kind === 'transcript' && !s.event.isFinal))
      .map((s) => (s.kind === 'transcript' ? 'final' : s.kind));
    expect(order).toEqual(['speechStarted', 'final', 'utteranceEnd', 'speechStarted', 'final', 'utteranceEnd', 'close']);
    expect(session.audioSeconds).toBeCloseTo(audio.length / 8000, 6);
    expect(fake.connections[0]!.audioBytes).toBe(audio.length);
  });

  it('connects with the documented query and the Token header, raising utterance_end_ms to 1000', async () => {
    const session = await createSpeechToText(connection).start(options({ utteranceEndMs: 400, endpointingMs: 250, language: 'de' }), recordingListener());
    await session.finish();
    const recorded = fake.connections[0]!;
    expect(recorded.headers.authorization).toBe(`Token ${API_KEY}`);
    expect(recorded.query).toEqual({
      model: 'nova-2-phonecall',
      encoding: 'mulaw',
      sample_rate: '8000',
      channels: '1',
      interim_results: 'true',
      endpointing: '250',
      utterance_end_ms: '1000',
      vad_events: 'true',
      language: 'de',
      punctuate: 'true',
      smart_format: 'true',
    });
  });

  it('finish() sends CloseStream, gets the flushed final and Metadata, and resolves on a clean close', async () => {
    fake.say('cut short');
    const listener = recordingListener();
    const session = await createSpeechToText(connection).start(options(), listener);
    sendInFrames((frame) => session.sendAudio(frame), mulawTone(440, 500));
    await session.finish();
    const recorded = fake.connections[0]!;
    await until(() => recorded.closed);
    expect(recorded.closeStreamReceived).toBe(true);
    expect(recorded.closeCode).toBe(1000);
    expect(recorded.sent.at(-1)?.type).toBe('Metadata');
    expect(recorded.sent.at(-1)?.duration).toBe(0.5);
    const final = listener.seen.find((s) => s.kind === 'transcript' && s.event.isFinal);
    expect(final).toMatchObject({ event: { text: 'cut short', isFinal: true, speechFinal: false } });
    expect(listener.seen.filter((s) => s.kind === 'error')).toEqual([]);
    expect(listener.seen.filter((s) => s.kind === 'close')).toHaveLength(1);
    // Audio after the end is not sent (and not billed).
    session.sendAudio(mulawTone(440, 100));
    expect(session.audioSeconds).toBeCloseTo(0.5, 6);
  });

  it('sends KeepAlive while no audio flows', async () => {
    const session = await createDeepgramSpeechToText(connection, { keepAliveIntervalMs: 60 }).start(options(), recordingListener());
    await until(() => (fake.connections[0]?.keepAlives ?? 0) >= 2);
    await session.finish();
    await until(() => fake.connections[0]!.closed);
    expect(fake.connections[0]!.closeStreamReceived).toBe(true);
  });

  it('keeps the stream alive past the vendor idle timeout thanks to KeepAlive', async () => {
    fake.configure({ idleTimeoutMs: 150 });
    const listener = recordingListener();
    const session = await createDeepgramSpeechToText(connection, { keepAliveIntervalMs: 40 }).start(options(), listener);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.connections[0]!.closed).toBe(false);
    await session.finish();
    expect(listener.seen.filter((s) => s.kind === 'error')).toEqual([]);
  });

  it('reports an unexpected close from the vendor as an error, then closes', async () => {
    const listener = recordingListener();
    await createSpeechToText(connection).start(options(), listener);
    fake.dropAll(1011, 'NET-0001 no audio');
    await until(() => listener.seen.some((s) => s.kind === 'close'));
    const error = listener.seen.find((s) => s.kind === 'error');
    expect(error?.kind === 'error' && error.error).toBeInstanceOf(ProviderError);
    expect(error?.kind === 'error' && (error.error as ProviderError).kind).toBe('unavailable');
    expect(error?.kind === 'error' && error.error.message).toContain('1011');
  });

  it('close() drops the connection at once without an error', async () => {
    const listener = recordingListener();
    const session = await createSpeechToText(connection).start(options(), listener);
    session.close();
    await until(() => listener.seen.some((s) => s.kind === 'close'));
    expect(listener.seen.filter((s) => s.kind === 'error')).toEqual([]);
    await until(() => fake.connections[0]!.closed);
    await session.finish();
  });

  it('closes when the signal aborts', async () => {
    const controller = new AbortController();
    const listener = recordingListener();
    await createSpeechToText(connection).start(options({ signal: controller.signal }), listener);
    controller.abort();
    await until(() => listener.seen.some((s) => s.kind === 'close'));
    await until(() => fake.connections[0]!.closed);
  });

  it('refuses a wrong key as auth, without the key in the message', async () => {
    const wrong = { ...connection, credentials: { apiKey: 'dg-wrong-key-99999999' } };
    const error = await rejection(createSpeechToText(wrong).start(options(), recordingListener()));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toContain('Invalid credentials');
    expect(error.message).not.toContain('dg-wrong-key-99999999');
  });

  it.each([
    [429, 'rate_limited'],
    [503, 'unavailable'],
  ] as const)('maps a handshake refused with %i to %s', async (status, kind) => {
    fake.configure({ rejectStatus: status });
    const error = await rejection(createSpeechToText(connection).start(options(), recordingListener()));
    expect(error.kind).toBe(kind);
  });

  it('times out when the handshake is never answered', async () => {
    fake.configure({ hangHandshake: true });
    const error = await rejection(createSpeechToText({ ...connection, timeoutMs: 200 }).start(options(), recordingListener()));
    expect(error.kind).toBe('timeout');
  });

  it('refuses a loopback URL unless private networks are allowed', async () => {
    const error = await rejection(createSpeechToText({ ...connection, allowPrivateNetwork: false }).start(options(), recordingListener()));
    expect(error.kind).toBe('unsafe_url');
    expect(fake.connections).toHaveLength(0);
  });

  it('accepts scripted texts over the control endpoint', async () => {
    const response = await fetch(fake.controlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: ['from outside', 'and again'] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ queued: 2, pending: 2 });
    expect(fake.pendingScript).toEqual(['from outside', 'and again']);
    const bad = await fetch(fake.controlUrl, { method: 'POST', body: '{"texts": 3}' });
    expect(bad.status).toBe(400);
  });
});
