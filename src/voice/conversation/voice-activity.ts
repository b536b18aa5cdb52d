import { decodeMulawSample } from '../audio';

/**
 * RMS of 16-bit samples above which caller audio counts as speech: about -36 dBFS, well above a phone line's
 * noise floor (around -50 to -60 dBFS) and below normal speech (around -20 dBFS).
 */
const SPEECH_RMS = 500;
/** Gaps shorter than this (between syllables, a 20 ms frame of low energy) do not end a run of speech. */
const RUN_GAP_MS = 150;
/** How far back STT audio offsets can be mapped to arrival times. */
const OFFSET_HISTORY = 1024;
const MULAW_BYTES_PER_SECOND = 8000;

/**
 * Local facts about the caller's audio, on our own clock: when it last carried speech energy, how long the current
 * run of speech has lasted, and when a given point of the stream (as the STT counts seconds) arrived.
 */
export class VoiceActivity {
  /** Arrival time of the last chunk with speech energy. */
  lastVoiceAt: number | null = null;
  private runStartedAt: number | null = null;
  private receivedBytes = 0;
  private readonly offsetEnds = new Float64Array(OFFSET_HISTORY);
  private readonly offsetTimes = new Float64Array(OFFSET_HISTORY);
  private offsetCount = 0;

  /** Records a chunk of caller audio that arrived at `now`; returns whether it carried speech energy. */
  observe(mulaw: Uint8Array, now: number): boolean {
    this.receivedBytes += mulaw.length;
    const slot = this.offsetCount % OFFSET_HISTORY;
    this.offsetEnds[slot] = this.receivedBytes / MULAW_BYTES_PER_SECOND;
    this.offsetTimes[slot] = now;
    this.offsetCount++;

    if (mulaw.length === 0 || rmsOf(mulaw) < SPEECH_RMS) return false;
    if (this.lastVoiceAt === null || now - this.lastVoiceAt > RUN_GAP_MS) this.runStartedAt = now;
    this.lastVoiceAt = now;
    return true;
  }

  /** How long the caller has been speaking without a real pause, 0 if they are not speaking now. */
  speechRunMs(now: number): number {
    if (this.lastVoiceAt === null || this.runStartedAt === null || now - this.lastVoiceAt > RUN_GAP_MS) return 0;
    return now - this.runStartedAt;
  }

  /** When the audio at `offsetSec` into the call's caller audio reached us, if it is recent enough to be known. */
  arrivalOf(offsetSec: number): number | null {
    if (this.offsetCount === 0) return null;
    const oldest = Math.max(0, this.offsetCount - OFFSET_HISTORY);
    const newest = (this.offsetCount - 1) % OFFSET_HISTORY;
    if (offsetSec > this.offsetEnds[newest]!) return this.offsetTimes[newest]!;
    // The earliest chunk whose end reaches the offset is the one that carried it.
    for (let i = this.offsetCount - 1; i > oldest; i--) {
      if (this.offsetEnds[(i - 1) % OFFSET_HISTORY]! < offsetSec) return this.offsetTimes[i % OFFSET_HISTORY]!;
    }
    return oldest === 0 ? this.offsetTimes[0]! : null;
  }
}

function rmsOf(mulaw: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < mulaw.length; i++) {
    const sample = decodeMulawSample(mulaw[i]!);
    sum += sample * sample;
  }
  return Math.sqrt(sum / mulaw.length);
}
