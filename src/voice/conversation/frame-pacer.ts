import { TWILIO_FRAME_BYTES } from '../audio';
import type { CallerLink } from '../types';
import { systemClock, type PacerClock } from './pacer-clock';

/** Play time of one TWILIO_FRAME_BYTES frame of 8 kHz mu-law. */
export const FRAME_MS = 20;

export interface FramePacerOptions {
  clock?: PacerClock;
  /**
   * How many frames may be sent before their play time, so a late timer does not starve the caller. It is also
   * how much audio a barge-in throws away unheard, so it stays small.
   */
  leadFrames?: number;
  /** The first frame of an utterance left; `playAt` is when the caller starts hearing it. */
  onFirstFrame?(utteranceId: number, playAt: number): void;
  /** The mark after an utterance's last frame left; `playEndsAt` is when its audio should have been heard. */
  onMarkSent?(utteranceId: number, playEndsAt: number): void;
  /** The link threw (its socket is gone): the pacer stops sending. */
  onLinkError?(error: unknown): void;
}

export interface UtteranceProgress {
  /** Frames handed to the link. */
  sentFrames: number;
  /** Frames whose play time has come: what the caller has heard, as far as we can know without a mark. */
  heardFrames: number;
  /** Frames received and not yet sent. */
  pendingFrames: number;
  /** No more audio will be pushed. */
  finished: boolean;
  markSent: boolean;
}

interface PacedUtterance {
  readonly id: number;
  frames: Buffer[];
  next: number;
  finished: boolean;
  sent: number;
  lastPlayAt: number;
  markSent: boolean;
}

/** Kept after an utterance has left the queue, so its progress can still be read (e.g. at barge-in). */
const RECENT_UTTERANCES = 16;

/**
 * Sends an utterance queue to the caller one 20 ms frame at a time at the rate it is played, in order, with a mark
 * after each utterance's last frame. Pacing instead of dumping whole replies keeps "frames sent" equal to "audio
 * heard" (give or take the lead), which is what barge-in needs to know what the caller heard, and lets `clear()`
 * cut the agent off within a few frames.
 *
 * One timer per call: each tick sends every frame due within the lead and sleeps until the next one is. Due times
 * are absolute (previous play time + 20 ms) against a monotonic clock, so timer lateness never accumulates.
 */
export class FramePacer {
  private readonly clock: PacerClock;
  private readonly leadMs: number;
  private readonly queue: PacedUtterance[] = [];
  private readonly recent = new Map<number, PacedUtterance>();
  private nextId = 1;
  /** When the next frame would start playing if sent now without a gap. */
  private nextPlayAt = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;
  private stopped = false;

  constructor(
    private readonly link: CallerLink,
    private readonly options: FramePacerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.leadMs = (options.leadFrames ?? 3) * FRAME_MS;
  }

  static markName(utteranceId: number): string {
    return `utt-${utteranceId}`;
  }

  /** Opens the next utterance; its audio plays after every utterance opened before it. */
  begin(): number {
    const utterance: PacedUtterance = {
      id: this.nextId++,
      frames: [],
      next: 0,
      finished: false,
      sent: 0,
      lastPlayAt: Number.NEGATIVE_INFINITY,
      markSent: false,
    };
    if (!this.stopped) {
      this.queue.push(utterance);
      this.remember(utterance);
    }
    return utterance.id;
  }

  /** Appends whole frames (exactly 160 bytes each) to an open utterance. */
  push(utteranceId: number, frames: readonly Buffer[]): void {
    const utterance = this.queued(utteranceId);
    if (!utterance || utterance.finished || frames.length === 0) return;
    for (const frame of frames) {
      if (frame.length !== TWILIO_FRAME_BYTES) {
        throw new RangeError(`a frame is ${TWILIO_FRAME_BYTES} bytes, got ${frame.length}`);
      }
      utterance.frames.push(frame);
    }
    this.wake();
  }

  /** No more audio for this utterance: its mark follows its last frame. */
  finish(utteranceId: number): void {
    const utterance = this.queued(utteranceId);
    if (!utterance || utterance.finished) return;
    utterance.finished = true;
    this.wake();
  }

  progress(utteranceId: number): UtteranceProgress | undefined {
    const utterance = this.recent.get(utteranceId);
    if (!utterance) return undefined;
    const now = this.clock.now();
    const unheard = utterance.lastPlayAt > now ? Math.ceil((utterance.lastPlayAt - now) / FRAME_MS) : 0;
    return {
      sentFrames: utterance.sent,
      heardFrames: Math.max(0, utterance.sent - unheard),
      pendingFrames: Math.max(0, utterance.frames.length - utterance.next),
      finished: utterance.finished,
      markSent: utterance.markSent,
    };
  }

  /** Nothing queued or playing ahead of real time. */
  get idle(): boolean {
    return this.queue.length === 0 && this.nextPlayAt <= this.clock.now();
  }

  /** Barge-in: drops every queued frame and tells the caller's side to drop what it buffered. */
  clear(): void {
    this.dropQueue();
    if (!this.stopped) this.link.clearAudio();
  }

  /**
   * Drops every queued frame without telling the caller's side: for audio that never started (nothing of it was
   * sent), so there is nothing buffered over there to clear.
   */
  discard(): void {
    const playhead = this.nextPlayAt;
    this.dropQueue();
    this.nextPlayAt = playhead;
  }

  /** The call is over: drops everything and never sends again. */
  stop(): void {
    this.stopped = true;
    this.dropQueue();
  }

  private dropQueue(): void {
    for (const utterance of this.queue) {
      utterance.finished = true;
      utterance.frames = [];
      utterance.next = 0;
    }
    this.queue.length = 0;
    this.nextPlayAt = Number.NEGATIVE_INFINITY;
    if (this.timer !== null) {
      this.clock.clearTimer(this.timer);
      this.timer = null;
    }
  }

  private queued(utteranceId: number): PacedUtterance | undefined {
    return this.queue.find((u) => u.id === utteranceId);
  }

  private remember(utterance: PacedUtterance): void {
    this.recent.set(utterance.id, utterance);
    if (this.recent.size > RECENT_UTTERANCES) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /** New audio or a finish: make sure a tick is coming (never sends synchronously, to avoid re-entrancy). */
  private wake(): void {
    if (this.timer !== null || this.stopped) return;
    const now = this.clock.now();
    const delay = Math.max(0, this.nextPlayAt - this.leadMs - now);
    this.timer = this.clock.setTimer(this.tick, delay);
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.stopped) return;
    try {
      this.sendDue();
    } catch (error) {
      this.stop();
      this.options.onLinkError?.(error);
    }
  };

  private sendDue(): void {
    const now = this.clock.now();
    const horizon = now + this.leadMs;
    while (this.queue.length > 0) {
      const utterance = this.queue[0]!;
      if (utterance.next < utterance.frames.length) {
        // After an underrun the caller's buffer is empty, so the next frame plays as soon as it arrives.
        const playAt = Math.max(this.nextPlayAt, now);
        if (playAt > horizon) break;
        this.link.sendAudio(utterance.frames[utterance.next]!);
        utterance.next++;
        utterance.sent++;
        utterance.lastPlayAt = playAt;
        this.nextPlayAt = playAt + FRAME_MS;
        if (utterance.sent === 1) this.options.onFirstFrame?.(utterance.id, playAt);
        if (this.stopped) return;
        continue;
      }
      if (!utterance.finished) break;
      this.queue.shift();
      utterance.frames = [];
      utterance.next = 0;
      utterance.markSent = true;
      this.link.sendMark(FramePacer.markName(utterance.id));
      this.options.onMarkSent?.(utterance.id, Math.max(utterance.lastPlayAt + FRAME_MS, now));
      if (this.stopped) return;
    }
    const head = this.queue[0];
    if (head && head.next < head.frames.length && this.timer === null) {
      const delay = Math.max(0, Math.max(this.nextPlayAt, now) - this.leadMs - now);
      this.timer = this.clock.setTimer(this.tick, delay);
    }
  }
}
