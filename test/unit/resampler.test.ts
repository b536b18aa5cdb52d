import { describe, expect, it } from 'vitest';
import {
  StreamingResampler,
  generateTone,
  goertzelPower,
  resamplePcm16,
  rms,
  zeroCrossingFrequency,
} from '../../src/voice/audio';

const RATES = [8000, 16000, 22050, 24000, 48000];

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('resamplePcm16', () => {
  for (const from of RATES) {
    for (const to of RATES) {
      if (from === to) continue;
      it(`${from} -> ${to} Hz keeps a 440 Hz tone and the length ratio`, () => {
        const input = generateTone({ frequencyHz: 440, durationMs: 500, sampleRate: from, amplitude: 10000 });
        const output = resamplePcm16(input, from, to);
        expect(output.length).toBe(Math.ceil((input.length * to) / from));
        // Skip the edges, where the filter sees the silence around the clip.
        const middle = output.subarray(Math.round(to * 0.05), Math.round(to * 0.45));
        expect(zeroCrossingFrequency(middle, to)).toBeCloseTo(440, 0);
        expect(rms(middle)).toBeGreaterThan(10000 / Math.SQRT2 * 0.97);
        expect(rms(middle)).toBeLessThan(10000 / Math.SQRT2 * 1.03);
      });
    }
  }

  it('removes content above the new Nyquist instead of folding it down (24 kHz -> 8 kHz)', () => {
    // 5 kHz would alias to 3 kHz at 8 kHz sampling if it were not filtered first.
    const input = generateTone({ frequencyHz: 5000, durationMs: 500, sampleRate: 24000, amplitude: 10000 });
    const output = resamplePcm16(input, 24000, 8000);
    const middle = output.subarray(400, 3600);
    const aliasPower = goertzelPower(middle, 8000, 3000);
    const referencePower = 10000 ** 2 / 4;
    expect(aliasPower / referencePower).toBeLessThan(1e-4);
    expect(rms(middle)).toBeLessThan(100);
  });

  it('passes a constant signal unchanged away from the edges', () => {
    const input = new Int16Array(2400).fill(1000);
    const output = resamplePcm16(input, 24000, 8000);
    for (const value of output.subarray(100, 700)) expect(value).toBe(1000);
  });

  it('copies samples when the rates are equal', () => {
    const input = Int16Array.from([1, -2, 3]);
    expect(Array.from(resamplePcm16(input, 8000, 8000))).toEqual([1, -2, 3]);
  });
});

describe('StreamingResampler', () => {
  const pairs: Array<[number, number]> = [
    [24000, 8000],
    [22050, 8000],
    [8000, 16000],
    [48000, 8000],
    [8000, 22050],
  ];

  for (const [from, to] of pairs) {
    it(`gives the same output in odd-sized chunks as in one piece (${from} -> ${to})`, () => {
      const input = concat([
        generateTone({ frequencyHz: 300, durationMs: 120, sampleRate: from, amplitude: 9000 }),
        generateTone({ frequencyHz: 1200, durationMs: 90, sampleRate: from, amplitude: 4000 }),
      ]);
      const whole = resamplePcm16(input, from, to);

      const streaming = new StreamingResampler(from, to);
      const pieces: Int16Array[] = [];
      const sizes = [1, 7, 3, 160, 0, 13, 441, 2, 997];
      let at = 0;
      for (let i = 0; at < input.length; i++) {
        const size = sizes[i % sizes.length]!;
        pieces.push(streaming.push(input.subarray(at, at + size)));
        at += size;
      }
      pieces.push(streaming.flush());
      const chunked = concat(pieces);
      expect(chunked.length).toBe(whole.length);
      expect(Array.from(chunked)).toEqual(Array.from(whole));
    });
  }

  it('emits audio before the stream ends (bounded look-ahead)', () => {
    const streaming = new StreamingResampler(24000, 8000);
    const out = streaming.push(generateTone({ frequencyHz: 440, durationMs: 100, sampleRate: 24000 }));
    expect(out.length).toBeGreaterThan(700);
  });

  it('refuses input after flush', () => {
    const streaming = new StreamingResampler(24000, 8000);
    streaming.flush();
    expect(() => streaming.push(new Int16Array(10))).toThrow();
  });
});
