import type { TextToSpeech } from '../../providers/types';
import { FrameSplitter } from '../audio';
import type { FramePacer } from './frame-pacer';
import { estimateFrames, heardPrefix } from './heard-text';
import { toSpeakableText } from './speakable-text';
import { guardStalls } from './stall-guard';

/** greeting: persona.greeting; answer: streamed from the LLM; notice: a stock line (apology, re-prompt, goodbye). */
export type ReplyKind = 'greeting' | 'answer' | 'notice';

export interface ReplyEvents {
  /** The first frame of this reply left for the caller. */
  onFirstAudio(at: number): void;
  /** Text went to TTS: these characters are TTS usage. */
  onTtsRequest(text: string): void;
  /** Milliseconds from the reply's first TTS request to its first audio byte. */
  onTtsFirstByte(ms: number): void;
  /** Synthesis failed; the reply stops after the audio already made. */
  onTtsError(error: unknown): void;
  /** All text was spoken and its playback confirmed (never called after cancel()). */
  onFinished(): void;
}

export interface ReplyOptions {
  tts: TextToSpeech;
  pacer: FramePacer;
  speed: number;
  language: string;
  ttsStallMs: number;
  markGraceMs: number;
  now(): number;
  events: ReplyEvents;
}

interface ReplyUtterance {
  readonly text: string;
  readonly pacerId: number;
  /** Frames handed to the pacer. */
  frames: number;
  /** All its audio arrived. */
  synthesized: boolean;
  /** Synthesis broke off; only `frames` of it exist. */
  failed: boolean;
  /** Its first frame (or, for an utterance without audio, its mark) left for the caller. */
  started: boolean;
  /** The transport confirmed playback (or its mark was given up on). */
  played: boolean;
  graceTimer: ReturnType<typeof setTimeout> | null;
}

/**
 * One stretch of agent speech: text arrives in chunks (all at once for stock lines, sentence by sentence from the
 * LLM), each chunk is synthesized in order and its audio queued on the pacer as it streams in, so chunk n+1 is
 * being synthesized while chunk n plays. Knows what the caller has heard of it, which is what a barge-in keeps.
 */
export class AgentReply {
  private readonly pending: string[] = [];
  private readonly utterances: ReplyUtterance[] = [];
  /** Stops synthesis (and everything else) when the reply is cancelled or its TTS fails. */
  private readonly ttsController = new AbortController();
  /** Stops only the LLM: after an LLM failure the sentences already written are still spoken. */
  private readonly llmController = new AbortController();
  private textClosed = false;
  private synthesizing = false;
  private cancelled = false;
  private finished = false;
  private ttsFailed = false;
  private firstAudioAt: number | null = null;
  /** Wakes the synthesis loop when an utterance starts playing (or the reply is cancelled). */
  private wakeSynthesis: (() => void) | null = null;
  /** Wall-clock time of the first frame, for the transcript. */
  startedAtIso: string | null = null;
  /** A provider failed while making this reply (set by the conversation; such a reply is not a success). */
  hadFailure = false;

  constructor(
    readonly kind: ReplyKind,
    private readonly options: ReplyOptions,
  ) {}

  /** For the LLM request feeding this reply: aborted when the reply is cancelled or can no longer be spoken. */
  get llmSignal(): AbortSignal {
    return this.llmController.signal;
  }

  cancelLlm(): void {
    this.llmController.abort();
  }

  /** Cancelled, or unable to speak any further text. */
  get stopped(): boolean {
    return this.cancelled || this.ttsFailed;
  }

  get hasAudio(): boolean {
    return this.firstAudioAt !== null;
  }

  /** The caller may be hearing it right now. */
  get audible(): boolean {
    return this.hasAudio && !this.finished && !this.cancelled;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Queues a chunk of text to be spoken after the chunks before it. */
  say(text: string): void {
    const speakable = toSpeakableText(text);
    if (!speakable || this.stopped || this.textClosed) return;
    this.pending.push(speakable);
    this.pump().catch((error: unknown) => this.options.events.onTtsError(error));
  }

  /** No more text will come: the reply finishes once what was said has played. */
  close(): void {
    this.textClosed = true;
    this.checkFinished();
  }

  /** Stops synthesis and the LLM. The caller's side is the conversation's to clear. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.pending.length = 0;
    this.ttsController.abort();
    this.llmController.abort();
    for (const utterance of this.utterances) this.clearGrace(utterance);
    this.wake();
  }

  owns(pacerId: number): boolean {
    return this.utterances.some((u) => u.pacerId === pacerId);
  }

  firstFrameSent(pacerId: number, at: number): void {
    const utterance = this.utterances.find((u) => u.pacerId === pacerId);
    if (!utterance || this.cancelled) return;
    this.startedPlaying(utterance);
    if (this.firstAudioAt !== null) return;
    this.firstAudioAt = at;
    this.startedAtIso = new Date().toISOString();
    this.options.events.onFirstAudio(at);
  }

  /** The mark after this utterance left; if its echo never comes, playback is assumed done after a grace period. */
  markSent(pacerId: number, playEndsAt: number): void {
    const utterance = this.utterances.find((u) => u.pacerId === pacerId);
    if (!utterance || this.cancelled) return;
    this.startedPlaying(utterance);
    if (utterance.played) return;
    const delay = Math.max(0, playEndsAt - this.options.now()) + this.options.markGraceMs;
    utterance.graceTimer = setTimeout(() => this.markPlayed(pacerId), delay);
  }

  markPlayed(pacerId: number): void {
    const utterance = this.utterances.find((u) => u.pacerId === pacerId);
    if (!utterance || utterance.played || this.cancelled) return;
    utterance.played = true;
    this.clearGrace(utterance);
    this.checkFinished();
  }

  /**
   * What the caller heard: every utterance whose playback was confirmed, then the proportional prefix of the
   * first unconfirmed one (frames whose play time has come / its expected length), cut at a word boundary.
   */
  heardText(): string {
    const parts: string[] = [];
    for (const utterance of this.utterances) {
      const expected = utterance.synthesized
        ? utterance.frames
        : Math.max(utterance.frames, estimateFrames(utterance.text, this.options.speed));
      if (utterance.played && !utterance.failed) {
        parts.push(utterance.text);
        continue;
      }
      const progress = this.options.pacer.progress(utterance.pacerId);
      const heard = utterance.played ? utterance.frames : (progress?.heardFrames ?? 0);
      if (expected > 0 && heard >= expected) {
        parts.push(utterance.text);
        continue;
      }
      const prefix = heardPrefix(utterance.text, expected > 0 ? heard / expected : 0);
      if (prefix) parts.push(prefix);
      break;
    }
    return parts.join(' ');
  }

  /** Everything this reply was meant to say so far (for logs and to tell a full reply from a cut one). */
  get plannedText(): string {
    return [...this.utterances.map((u) => u.text), ...this.pending].join(' ');
  }

  /**
   * Synthesizes the queued chunks one after another, each starting once the previous one has started playing:
   * chunk n+1 is ready before chunk n ends, but a barge-in never leaves several unheard chunks paid for.
   */
  private async pump(): Promise<void> {
    if (this.synthesizing) return;
    this.synthesizing = true;
    try {
      while (!this.stopped && this.pending.length > 0) {
        const previous = this.utterances[this.utterances.length - 1];
        if (previous && !previous.started) {
          await new Promise<void>((resolve) => (this.wakeSynthesis = resolve));
          continue;
        }
        await this.synthesize(this.pending.shift()!);
      }
    } finally {
      this.synthesizing = false;
      this.checkFinished();
    }
  }

  private async synthesize(text: string): Promise<void> {
    const { pacer, tts, events } = this.options;
    const utterance: ReplyUtterance = {
      text,
      pacerId: pacer.begin(),
      frames: 0,
      synthesized: false,
      failed: false,
      started: false,
      played: false,
      graceTimer: null,
    };
    this.utterances.push(utterance);
    const isFirst = this.utterances.length === 1;
    const splitter = new FrameSplitter();
    const queue = (frames: Buffer[]): void => {
      utterance.frames += frames.length;
      pacer.push(utterance.pacerId, frames);
    };
    events.onTtsRequest(text);
    const requestedAt = this.options.now();
    let firstByte = true;
    try {
      const audio = tts.synthesize({
        text,
        speed: this.options.speed,
        language: this.options.language,
        signal: this.ttsController.signal,
      });
      for await (const chunk of guardStalls(audio, this.options.ttsStallMs, 'TTS', () => this.ttsController.abort())) {
        if (this.cancelled) return;
        if (chunk.length === 0) continue;
        if (firstByte) {
          firstByte = false;
          if (isFirst) events.onTtsFirstByte(this.options.now() - requestedAt);
        }
        queue(splitter.push(chunk));
      }
      if (this.cancelled) return;
      queue(splitter.flush());
      utterance.synthesized = true;
    } catch (error) {
      if (this.cancelled) return;
      // What did arrive is still played: cutting a sentence short beats swallowing it.
      queue(splitter.flush());
      utterance.failed = true;
      this.ttsFailed = true;
      this.pending.length = 0;
      this.llmController.abort();
      events.onTtsError(error);
    } finally {
      if (!this.cancelled) pacer.finish(utterance.pacerId);
    }
  }

  private startedPlaying(utterance: ReplyUtterance): void {
    if (utterance.started) return;
    utterance.started = true;
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeSynthesis;
    this.wakeSynthesis = null;
    wake?.();
  }

  private checkFinished(): void {
    if (this.finished || this.cancelled || !this.textClosed || this.synthesizing || this.pending.length > 0) return;
    if (!this.utterances.every((u) => u.played)) return;
    this.finished = true;
    this.options.events.onFinished();
  }

  private clearGrace(utterance: ReplyUtterance): void {
    if (utterance.graceTimer !== null) clearTimeout(utterance.graceTimer);
    utterance.graceTimer = null;
  }
}
