import { MULAW_SILENCE, pcm16ToMulaw } from './mulaw';

export interface ToneOptions {
  frequencyHz: number;
  durationMs: number;
  sampleRate: number;
  /** Peak amplitude on the 16-bit scale. */
  amplitude?: number;
  /** Starting phase in radians, so consecutive tone chunks can join without a click. */
  phase?: number;
}

export function sampleCountFor(durationMs: number, sampleRate: number): number {
  return Math.round((durationMs * sampleRate) / 1000);
}

export function generateTone(options: ToneOptions): Int16Array {
  const { frequencyHz, durationMs, sampleRate, amplitude = 8000, phase = 0 } = options;
  const count = sampleCountFor(durationMs, sampleRate);
  const out = new Int16Array(count);
  const step = (2 * Math.PI * frequencyHz) / sampleRate;
  for (let i = 0; i < count; i++) out[i] = Math.round(amplitude * Math.sin(phase + step * i));
  return out;
}

export function generateSilence(durationMs: number, sampleRate: number): Int16Array {
  return new Int16Array(sampleCountFor(durationMs, sampleRate));
}

/** 8 kHz mu-law tone, the shape of what a caller's line carries. */
export function mulawTone(frequencyHz: number, durationMs: number, amplitude = 8000): Buffer {
  return pcm16ToMulaw(generateTone({ frequencyHz, durationMs, sampleRate: 8000, amplitude }));
}

export function mulawSilence(durationMs: number): Buffer {
  return Buffer.alloc(sampleCountFor(durationMs, 8000), MULAW_SILENCE);
}
