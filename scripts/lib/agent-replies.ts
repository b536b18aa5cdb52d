/**
 * Hears the agent's replies on Twilio's side of the stream. The media stream carries no text and no "reply over"
 * message, so a reply is over once its last utterance's mark came and no audio followed for a moment, or, should
 * no mark come, once its audio paused for longer than any gap between two of its sentences.
 */
import type { TwilioStream } from './twilio-caller';

/** After a mark, the next sentence of the same reply follows at once: its audio was made while the last played. */
const SETTLE_AFTER_MARK_MS = 1000;
/** A gap in the audio this long without a mark ends the reply too. */
const PAUSE_MS = 2500;
const POLL_MS = 20;

export interface HeardReply {
  /** From `since` to the reply's first frame. */
  waitedMs: number;
  /** 20 ms frames of agent audio. */
  frames: number;
  endedBy: 'mark' | 'pause' | 'hangup' | 'abort';
}

export interface ListenOptions {
  /** The moment waiting starts from (the caller's last frame, or the call's start). */
  since: number;
  /** No audio this long after `since`: no reply. */
  firstAudioTimeoutMs: number;
  onFirstAudio?(waitedMs: number): void;
  signal?: AbortSignal;
}

/** Waits for the next reply from now on; null when none came (timeout, hang-up or abort before any audio). */
export async function listenForReply(stream: TwilioStream, options: ListenOptions): Promise<HeardReply | null> {
  const from = stream.events.length;
  let firstAudioAt: number | null = null;
  for (;;) {
    const events = stream.events.slice(from);
    const media = events.filter((event) => event.event === 'media');
    const now = Date.now();
    if (firstAudioAt === null && media[0]) {
      firstAudioAt = media[0].at;
      options.onFirstAudio?.(firstAudioAt - options.since);
    }
    const heard = (endedBy: HeardReply['endedBy']): HeardReply => ({
      waitedMs: firstAudioAt! - options.since,
      frames: media.length,
      endedBy,
    });
    const interrupted = options.signal?.aborted ? 'abort' : stream.closeCode !== undefined ? 'hangup' : null;
    if (interrupted) return firstAudioAt === null ? null : heard(interrupted);
    if (firstAudioAt === null) {
      if (now - options.since >= options.firstAudioTimeoutMs) return null;
    } else {
      const last = events.at(-1)!;
      // An agent that stops talking over the caller sends `clear` instead of finishing with a mark.
      if ((last.event === 'mark' || last.event === 'clear') && now - last.at >= SETTLE_AFTER_MARK_MS) return heard('mark');
      if (now - media.at(-1)!.at >= PAUSE_MS) return heard('pause');
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits until the caller's queued audio has all gone out on the line; resolves at once after a hang-up or abort. */
export async function finishSpeaking(stream: TwilioStream, signal?: AbortSignal): Promise<void> {
  while (stream.speaking && stream.closeCode === undefined && !signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS / 2));
  }
}
