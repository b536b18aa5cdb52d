import type { VoiceAgentSettings } from '../types';

export type InterruptionSensitivity = VoiceAgentSettings['thresholds']['interruptionSensitivity'];

/** Evidence that the caller is talking while the agent speaks. */
export type CallerSpeechSignal =
  /** The STT's voice activity detector fired. */
  | { kind: 'speech-started' }
  /** Speech energy has lasted `sustainedSpeechMs` since the STT's SpeechStarted. */
  | { kind: 'sustained-speech' }
  /** Words recognised since the agent started this reply (interim or final). */
  | { kind: 'transcript'; words: number; isFinal: boolean }
  /** A keypad press is always deliberate. */
  | { kind: 'dtmf' };

/**
 * Whether the caller's speech cuts the agent off.
 * - high: the first sign of speech (SpeechStarted, or any recognised word).
 * - medium: speech that lasts (~300 ms after SpeechStarted), two recognised words, or one final word. A cough or
 *   "mm" does not stop the agent; "wait, no" does.
 * - low: three recognised words: backchannels ("uh-huh", "okay sure") never interrupt.
 * Keypad presses interrupt at every level.
 */
export function shouldBargeIn(sensitivity: InterruptionSensitivity, signal: CallerSpeechSignal): boolean {
  if (signal.kind === 'dtmf') return true;
  switch (sensitivity) {
    case 'high':
      return signal.kind !== 'transcript' || signal.words >= 1;
    case 'medium':
      if (signal.kind === 'sustained-speech') return true;
      if (signal.kind === 'transcript') return signal.words >= 2 || (signal.isFinal && signal.words >= 1);
      return false;
    case 'low':
      return signal.kind === 'transcript' && signal.words >= 3;
  }
}

/** Scripts written without spaces count roughly two characters a word. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/gu;

export function countWords(text: string): number {
  const spaced = text.split(/\s+/u).filter((word) => /[\p{L}\p{N}]/u.test(word.replace(UNSPACED_SCRIPT, ''))).length;
  const unspaced = text.match(UNSPACED_SCRIPT)?.length ?? 0;
  return spaced + Math.ceil(unspaced / 2);
}
