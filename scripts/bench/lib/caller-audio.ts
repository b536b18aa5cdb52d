/** What the benchmark callers send: line silence, and tone bursts the fake speech-to-text takes for speech. */
import { mulawSilence, mulawTone, TWILIO_FRAME_BYTES } from '../../../src/voice/audio';

export const SILENCE_FRAME = mulawSilence(20);

/** `ms` of a 300 Hz tone as whole 20 ms frames. */
export function speechFrames(ms: number): Buffer[] {
  const tone = mulawTone(300, ms);
  const frames: Buffer[] = [];
  for (let at = 0; at + TWILIO_FRAME_BYTES <= tone.length; at += TWILIO_FRAME_BYTES) frames.push(tone.subarray(at, at + TWILIO_FRAME_BYTES));
  return frames;
}

/** Monotonic milliseconds on the clock every process of the machine shares (CLOCK_MONOTONIC), as frame stamps use. */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;
