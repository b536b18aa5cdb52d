import { describe, expect, it } from 'vitest';
import { generateTone, mulawToPcm16, mulawTone, pcm16FromBytes, pcm16ToBytes, rms, zeroCrossingFrequency } from '../../src/voice/audio';
import { InboundAudio, OutboundAudio } from '../../src/voice/web/audio-codec';
import { parseClientMessage } from '../../src/voice/web/protocol';

const pcm16Tone = (frequencyHz: number, durationMs: number) =>
  pcm16ToBytes(generateTone({ frequencyHz, durationMs, sampleRate: 16_000, amplitude: 8000 }));

/** Feeds `bytes` in chunks of the given sizes, cycling, as a browser's uneven batches would. */
function inChunks(bytes: Buffer, sizes: number[], push: (chunk: Buffer) => Buffer): Buffer {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(push(bytes.subarray(at, at + size)));
    at += size;
  }
  return Buffer.concat(out);
}

describe('browser audio into the pipeline', () => {
  it('turns PCM16 16 kHz into 8 kHz mu-law, keeping the pitch, whatever the chunking (odd sizes included)', () => {
    const second = pcm16Tone(440, 1000);
    const inbound = new InboundAudio('pcm16');
    const uneven = inChunks(second, [333, 1001, 4096, 7], (c) => inbound.toPipeline(c));
    const reference = new InboundAudio('pcm16');
    const whole = reference.toPipeline(second);
    expect(uneven.equals(whole)).toBe(true);
    // Everything but the resampler's look-ahead (a few ms) comes out at once.
    expect(whole.length).toBeGreaterThan(7950);
    expect(whole.length).toBeLessThanOrEqual(8000);
    const decoded = mulawToPcm16(whole.subarray(400));
    expect(zeroCrossingFrequency(decoded, 8000)).toBeCloseTo(440, 0);
    expect(rms(decoded)).toBeGreaterThan(5000);
  });

  it('filters what 8 kHz cannot carry instead of folding it back as a false tone', () => {
    const high = new InboundAudio('pcm16').toPipeline(pcm16Tone(6000, 500));
    expect(rms(mulawToPcm16(high.subarray(200)))).toBeLessThan(100);
  });

  it('passes mu-law through untouched', () => {
    const line = mulawTone(300, 100);
    expect(new InboundAudio('mulaw').toPipeline(line).equals(line)).toBe(true);
  });
});

describe('agent audio out to the browser', () => {
  it('turns 160-byte mu-law frames into 640-byte PCM16 16 kHz chunks at the same pitch', () => {
    const outbound = new OutboundAudio('pcm16');
    const frames = mulawTone(440, 1000);
    const chunks: Buffer[] = [];
    for (let at = 0; at < frames.length; at += 160) chunks.push(outbound.fromPipeline(frames.subarray(at, at + 160)));
    expect(chunks.slice(1).every((c) => c.length === 640)).toBe(true);
    const samples = pcm16FromBytes(Buffer.concat(chunks));
    expect(samples.length).toBeGreaterThan(15_900);
    expect(zeroCrossingFrequency(samples.subarray(800), 16_000)).toBeCloseTo(440, 0);
  });

  it('reset drops the held-back tail, so the next reply starts clean', () => {
    const outbound = new OutboundAudio('pcm16');
    const first = outbound.fromPipeline(mulawTone(440, 20));
    const steady = outbound.fromPipeline(mulawTone(440, 20));
    expect(steady.length).toBe(640);
    outbound.reset();
    expect(outbound.fromPipeline(mulawTone(440, 20)).length).toBe(first.length);
  });

  it('sends mu-law frames as they are', () => {
    const frame = mulawTone(300, 20);
    expect(new OutboundAudio('mulaw').fromPipeline(frame).equals(frame)).toBe(true);
  });
});

describe('client messages', () => {
  it('parses start (pcm16 by default), stop and ping; explains anything else', () => {
    expect(parseClientMessage('{"type":"start"}')).toEqual({ type: 'start', format: 'pcm16' });
    expect(parseClientMessage('{"type":"start","format":"mulaw"}')).toEqual({ type: 'start', format: 'mulaw' });
    expect(parseClientMessage('{"type":"stop"}')).toEqual({ type: 'stop' });
    expect(parseClientMessage('{"type":"ping","id":"a1"}')).toEqual({ type: 'ping', id: 'a1' });
    expect(parseClientMessage('{"type":"ping","id":{}}')).toEqual({ type: 'ping' });
    expect(parseClientMessage('{"type":"start","format":"opus"}')).toEqual({ invalid: 'start.format is "pcm16" or "mulaw"' });
    expect(parseClientMessage('[1]')).toEqual({ invalid: 'unknown message type undefined' });
    expect(parseClientMessage('null')).toEqual({ invalid: 'a message is a JSON object with a "type"' });
    expect(parseClientMessage('{')).toEqual({ invalid: 'text frames must be JSON' });
  });
});
