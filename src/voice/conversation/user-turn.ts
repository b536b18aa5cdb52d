import type { TranscriptEvent } from '../../providers/types';

/** What the caller said in one turn, as the STT delivered it. */
export interface CompletedUserTurn {
  text: string;
  /** Monotonic time the caller started this turn (first sign of speech or first words). */
  startedAt: number;
  /** Seconds into the STT audio stream where the last final word ended, as the vendor reported it. */
  speechEndOffsetSec: number | null;
}

/** A SpeechStarted older than this with no words since was noise, not the start of this turn. */
const SPEECH_ONSET_WINDOW_MS = 3000;

/**
 * Collects one caller turn from the STT: finals accumulate, the latest interim stands for words not yet final.
 * Deciding when the turn is over is the conversation's job; this only keeps the words and the times.
 */
export class UserTurn {
  private finals: string[] = [];
  private interim = '';
  private startedAt: number | null = null;
  private speechStartedAt: number | null = null;
  private speechEndOffsetSec: number | null = null;
  /** Monotonic time of the last transcript with words; stale interims must not keep the call "busy". */
  lastWordsAt: number | null = null;

  /** The STT heard speech begin: if words follow soon, the turn started here rather than at the first word. */
  speechStarted(now: number): void {
    if (this.startedAt === null) this.speechStartedAt = now;
  }

  /** Returns the words of this event (trimmed), empty when it carried none. */
  add(event: TranscriptEvent, now: number): string {
    const text = event.text.trim();
    if (event.isFinal) {
      this.interim = '';
      if (text) {
        this.finals.push(text);
        const end = event.start + event.duration;
        if (Number.isFinite(end) && end > 0) this.speechEndOffsetSec = Math.max(this.speechEndOffsetSec ?? 0, end);
      }
    } else {
      this.interim = text;
    }
    if (text) {
      if (this.startedAt === null) {
        const onset = this.speechStartedAt;
        this.startedAt = onset !== null && now - onset < SPEECH_ONSET_WINDOW_MS ? onset : now;
        this.speechStartedAt = null;
      }
      this.lastWordsAt = now;
    }
    return text;
  }

  get hasFinals(): boolean {
    return this.finals.length > 0;
  }

  /** Any words at all, final or not. */
  get hasWords(): boolean {
    return this.finals.length > 0 || this.interim.length > 0;
  }

  /** Everything heard so far in this turn, interim included (for barge-in word counts). */
  get heardSoFar(): string {
    return [...this.finals, this.interim].filter(Boolean).join(' ');
  }

  /**
   * Ends the turn with its final words. An interim still pending belongs to speech that went on after the last
   * final, so it stays and starts the next turn.
   */
  complete(now: number): CompletedUserTurn | null {
    const text = this.finals.join(' ').trim();
    const turn: CompletedUserTurn | null = text
      ? { text, startedAt: this.startedAt ?? now, speechEndOffsetSec: this.speechEndOffsetSec }
      : null;
    this.finals = [];
    this.speechEndOffsetSec = null;
    this.startedAt = this.interim ? now : null;
    return turn;
  }

  /** Drops everything (the words were lost, or the turn was taken over by a keypad entry). */
  reset(): void {
    this.finals = [];
    this.interim = '';
    this.startedAt = null;
    this.speechStartedAt = null;
    this.speechEndOffsetSec = null;
    this.lastWordsAt = null;
  }
}
