import type { LiveTranscription, SpeechToText, TranscriptEvent } from '../../providers/types';

export interface SpeechInputEvents {
  onTranscript(event: TranscriptEvent): void;
  onSpeechStarted(): void;
  onUtteranceEnd(): void;
  /** The session failed to open, errored or closed on its own: it is gone; `connect()` opens a new one. */
  onLost(error: unknown): void;
}

export interface SpeechInputOptions {
  language: string;
  endpointingMs: number;
  utteranceEndMs: number;
}

/**
 * Caller audio kept while no session is open (connecting at the start, reconnecting after a failure), so the
 * first words of a call or those said during a reconnect still reach the STT: 2 s of 8 kHz mu-law.
 */
const MAX_UNSENT_BYTES = 16_000;
const MULAW_BYTES_PER_SECOND = 8000;

/**
 * The caller's side of speech recognition for one call: at most one live STT session at a time, audio buffered
 * while there is none, events of a replaced session ignored, and the audio seconds of every session added up.
 */
export class SpeechInput {
  private session: LiveTranscription | null = null;
  /** Bumped whenever a session is dropped: events and late connects of older sessions are ignored. */
  private generation = 0;
  private closed = false;
  private secondsOfClosedSessions = 0;
  private receivedBytes = 0;
  private unsent: Buffer[] = [];
  private unsentBytes = 0;
  /** Where the open session's audio starts in the call's caller audio, in seconds (its offsets count from there). */
  streamStartSec = 0;

  constructor(
    private readonly stt: SpeechToText,
    private readonly options: SpeechInputOptions,
    private readonly events: SpeechInputEvents,
    private readonly signal: AbortSignal,
  ) {}

  get connected(): boolean {
    return this.session !== null;
  }

  /** STT audio seconds of the whole call (what the vendor bills). */
  get audioSeconds(): number {
    return this.secondsOfClosedSessions + (this.session?.audioSeconds ?? 0);
  }

  /** Opens a session; a failure is reported through `onLost`, never thrown. */
  async connect(): Promise<void> {
    if (this.closed || this.session) return;
    const generation = ++this.generation;
    const ifCurrent = (handler: () => void): void => {
      if (generation === this.generation && !this.closed) handler();
    };
    const lost = (error: unknown): void => ifCurrent(() => this.lose(error));
    try {
      const session = await this.stt.start(
        { ...this.options, signal: this.signal },
        {
          onTranscript: (event) => ifCurrent(() => this.events.onTranscript(event)),
          onSpeechStarted: () => ifCurrent(() => this.events.onSpeechStarted()),
          onUtteranceEnd: () => ifCurrent(() => this.events.onUtteranceEnd()),
          onError: lost,
          onClose: () => lost(new Error('speech recognition closed the connection')),
        },
      );
      if (generation !== this.generation || this.closed) {
        this.retire(session);
        return;
      }
      this.session = session;
      this.streamStartSec = (this.receivedBytes - this.unsentBytes) / MULAW_BYTES_PER_SECOND;
      for (const chunk of this.unsent.splice(0)) session.sendAudio(chunk);
      this.unsentBytes = 0;
    } catch (error) {
      lost(error);
    }
  }

  /** Caller audio, any chunk size: straight to the session, or kept until one is open. */
  send(mulaw: Buffer): void {
    if (this.closed) return;
    this.receivedBytes += mulaw.length;
    if (this.session) {
      try {
        this.session.sendAudio(mulaw);
        return;
      } catch (error) {
        this.lose(error);
      }
    }
    this.unsent.push(Buffer.from(mulaw));
    this.unsentBytes += mulaw.length;
    while (this.unsentBytes > MAX_UNSENT_BYTES && this.unsent.length > 1) {
      this.unsentBytes -= this.unsent.shift()!.length;
    }
  }

  /** The call is over: drops the session and never opens another. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.unsent = [];
    const session = this.session;
    this.session = null;
    if (session) this.retire(session);
  }

  private lose(error: unknown): void {
    this.generation++;
    const session = this.session;
    this.session = null;
    if (session) this.retire(session);
    this.events.onLost(error);
  }

  private retire(session: LiveTranscription): void {
    this.secondsOfClosedSessions += session.audioSeconds;
    try {
      session.close();
    } catch {
      // Already gone.
    }
  }
}
