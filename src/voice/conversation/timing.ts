import type { VoiceAgentSettings } from '../types';
import type { HistoryBounds } from './chat-history';

/**
 * Engine constants that are not agent settings. Production uses the defaults; tests shrink them to run fast.
 */
export interface ConversationTuning {
  /** Floor of the idle period, so a short `silenceTimeoutMs` (a pause length, 700 ms by default) never nags. */
  minIdleMs: number;
  /** The idle period is this many times `silenceTimeoutMs` (when above the floor). */
  idleMultiple: number;
  /** Added to `endpointingMs`: how long finals may sit without speech_final before the turn is ended anyway. */
  endpointSlackMs: number;
  /** No LLM token (first or next) for this long counts as a failure. */
  llmStallMs: number;
  /** No TTS audio (first or next chunk) for this long counts as a failure. */
  ttsStallMs: number;
  /** Provider failures in a row that end the call. */
  maxConsecutiveFailures: number;
  /** A mark not echoed this long after its audio should have played is taken as played (a lost mark). */
  markGraceMs: number;
  /** After the goodbye, hang up at the latest this long after its audio should have played. */
  hangUpGraceMs: number;
  /** Medium sensitivity: how long speech must last after SpeechStarted to cut the agent off. */
  sustainedSpeechMs: number;
  /** Keypad digits closer than this form one input. */
  dtmfGapMs: number;
  pacerLeadFrames: number;
  history: HistoryBounds;
}

export const DEFAULT_TUNING: ConversationTuning = {
  minIdleMs: 8000,
  idleMultiple: 6,
  endpointSlackMs: 500,
  llmStallMs: 10_000,
  ttsStallMs: 8000,
  maxConsecutiveFailures: 3,
  markGraceMs: 2000,
  hangUpGraceMs: 3000,
  sustainedSpeechMs: 300,
  dtmfGapMs: 1500,
  pacerLeadFrames: 3,
  history: { maxTurns: 12, maxChars: 8000 },
};

/** The timers of one call, all derived from the agent's thresholds. */
export interface ConversationTimings {
  /** Passed to STT: silence that ends an utterance (speech_final). */
  endpointingMs: number;
  /** Passed to STT: gap in words after which it sends UtteranceEnd (Deepgram accepts 1000 ms at least). */
  utteranceEndMs: number;
  /** Finals but no speech_final/UtteranceEnd for this long after the last transcript: the turn ends anyway. */
  endpointFallbackMs: number;
  /** Caller silence after the agent finished speaking before a re-prompt, and again before hanging up. */
  idleMs: number;
  maxDurationMs: number;
}

export function deriveTimings(
  thresholds: VoiceAgentSettings['thresholds'],
  tuning: ConversationTuning,
): ConversationTimings {
  const endpointingMs = Math.max(10, Math.round(thresholds.endpointingMs));
  return {
    endpointingMs,
    utteranceEndMs: Math.max(1000, 2 * endpointingMs),
    endpointFallbackMs: endpointingMs + tuning.endpointSlackMs,
    idleMs: Math.max(tuning.minIdleMs, tuning.idleMultiple * thresholds.silenceTimeoutMs),
    maxDurationMs: Math.max(1, thresholds.maxCallDurationSec) * 1000,
  };
}
