import { FRAME_MS } from './frame-pacer';

/** Typical speaking rate of TTS voices at speed 1.0, used only to guess the length of audio still being made. */
const CHARS_PER_SECOND = 14;

/** A guess of how many frames `text` will take to say, for an utterance whose synthesis has not finished. */
export function estimateFrames(text: string, speed: number): number {
  const seconds = text.length / (CHARS_PER_SECOND * (speed > 0 ? speed : 1));
  return Math.max(1, Math.round((seconds * 1000) / FRAME_MS));
}

/**
 * The part of `text` a caller heard when `fraction` of its audio was played: the proportional prefix, cut back to
 * the last whole word (a word half-said is not counted as said).
 */
export function heardPrefix(text: string, fraction: number): string {
  if (!(fraction > 0)) return '';
  if (fraction >= 1) return text;
  const cut = Math.round(text.length * fraction);
  if (cut >= text.length) return text;
  const wordGoesOn = /\S/u.test(text[cut] ?? '') && /\S/u.test(text[cut - 1] ?? '');
  let prefix = text.slice(0, cut);
  if (wordGoesOn) prefix = prefix.replace(/\S+$/u, '');
  return prefix.trimEnd().replace(/[,;:–—-]+$/u, '').trimEnd();
}
