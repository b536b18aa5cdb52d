import { describe, expect, it } from 'vitest';
import { decodeMulawSample, encodeMulawSample, mulawToPcm16, pcm16ToMulaw } from '../../src/voice/audio';

describe('G.711 mu-law', () => {
  it('matches known code points of the standard', () => {
    expect(decodeMulawSample(0xff)).toBe(0);
    expect(decodeMulawSample(0x7f)).toBe(0);
    expect(decodeMulawSample(0x80)).toBe(32124);
    expect(decodeMulawSample(0x00)).toBe(-32124);
    expect(decodeMulawSample(0xfe)).toBe(8);
    expect(decodeMulawSample(0x7e)).toBe(-8);
    expect(decodeMulawSample(0xef)).toBe(132);
    expect(decodeMulawSample(0xe0)).toBe(372);
    expect(decodeMulawSample(0xf0)).toBe(120);
    expect(decodeMulawSample(0x81)).toBe(31100);
    expect(encodeMulawSample(0)).toBe(0xff);
    expect(encodeMulawSample(32767)).toBe(0x80);
    expect(encodeMulawSample(-32768)).toBe(0x00);
    expect(encodeMulawSample(-1)).toBe(0x7f);
  });

  it('round-trips every code exactly (decode then encode is the identity, except negative zero)', () => {
    for (let code = 0; code < 256; code++) {
      const back = encodeMulawSample(decodeMulawSample(code));
      expect(back === code || (code === 0x7f && back === 0xff)).toBe(true);
    }
  });

  it('keeps the round-trip error within the segment quantisation step', () => {
    for (let sample = -32768; sample <= 32767; sample += 7) {
      const decoded = decodeMulawSample(encodeMulawSample(sample));
      const magnitude = Math.min(Math.abs(sample), 32635);
      // Step size doubles each segment: 8 in the first, 1024 in the last; error is at most half a step plus clipping.
      const bound = Math.max(8, (magnitude + 132) / 16) + Math.max(0, Math.abs(sample) - 32635) + 1;
      expect(Math.abs(decoded - sample)).toBeLessThanOrEqual(bound);
      expect(Math.sign(decoded) === Math.sign(sample) || decoded === 0 || Math.abs(sample) < 8).toBe(true);
    }
  });

  it('is monotonic in the sample value', () => {
    let previous = -Infinity;
    for (let sample = -32768; sample <= 32767; sample += 3) {
      const decoded = decodeMulawSample(encodeMulawSample(sample));
      expect(decoded).toBeGreaterThanOrEqual(previous);
      previous = decoded;
    }
  });

  it('converts whole buffers with the same result as the per-sample functions', () => {
    const pcm = Int16Array.from({ length: 1000 }, (_, i) => Math.round(20000 * Math.sin(i / 7)));
    const mulaw = pcm16ToMulaw(pcm);
    expect(mulaw.length).toBe(1000);
    for (let i = 0; i < pcm.length; i++) expect(mulaw[i]).toBe(encodeMulawSample(pcm[i]!));
    const back = mulawToPcm16(mulaw);
    for (let i = 0; i < back.length; i++) expect(back[i]).toBe(decodeMulawSample(mulaw[i]!));
  });
});
