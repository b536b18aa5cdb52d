import type { Logger } from 'pino';
import type { TranscriptEvent } from '../../providers/types';
import type { ConversationDeps, ConversationEvents, ConversationResult, EndReason, TranscriptEntry } from '../types';
import { AgentReply, type ReplyKind } from './agent-reply';
import { streamAnswer, type AnswerOutcome } from './answer-stream';
import { countWords, shouldBargeIn, type CallerSpeechSignal } from './barge-in';
import { CallMetrics, type TurnTimer } from './call-metrics';
import { ChatHistory } from './chat-history';
import { FramePacer } from './frame-pacer';
import { estimateFrames } from './heard-text';
import { stockPhrases, type StockPhrases } from './phrases';
import { SentenceChunker } from './sentence-chunker';
import { SpeechInput } from './speech-input';
import { buildSystemPrompt } from './system-prompt';
import { TimerSet } from './timer-set';
import { DEFAULT_TUNING, deriveTimings, type ConversationTimings, type ConversationTuning } from './timing';
import { UserTurn, type CompletedUserTurn } from './user-turn';
import { VoiceActivity } from './voice-activity';

type Phase = 'created' | 'live' | 'closing' | 'ended';
type TimerName = 'maxDuration' | 'idle' | 'endpoint' | 'dtmf' | 'hangUp' | 'sttRetry';

/** Something the caller said (or keyed) that the agent has to answer. All times are monotonic milliseconds. */
interface CallerInput {
  text: string;
  startedAt: number;
  /** When the caller stopped speaking: see `callerStoppedAt`. */
  stoppedAt: number;
  /** When the turn was judged over; null for keypad input (no STT involved). */
  endedAt: number | null;
}

const MARK_NAME = /^utt-(\d+)$/u;
/** A SpeechStarted without a run of speech energy this long after it was noise; it stops gating barge-in. */
const SPEECH_START_EXPIRY_MS = 1000;

/**
 * The real-time conversation of one call: caller audio -> STT -> turn taking -> LLM -> sentence chunks -> TTS ->
 * paced frames to the caller, with barge-in, silence handling, a duration limit and provider failure handling.
 * It knows nothing of the transport or the database; the transport feeds it audio, marks and keypad digits and
 * ends it, and gets back the call record.
 *
 * Turn taking. A caller turn ends on the STT's endpointing (a final with speech_final, or UtteranceEnd after
 * finals); if finals sit without either for `endpointingMs + endpointSlackMs` after the last transcript while no
 * speech energy arrives, the turn ends anyway. Words arriving while the answer is still being thought (no audio
 * yet) abandon that answer: the caller was not done, and the next answer covers both parts. A turn that ends while
 * the agent is audibly speaking without qualifying as a barge-in is answered once the agent has finished.
 *
 * "Caller stopped speaking" (the start of every latency) is the arrival time of the last caller audio carrying
 * speech energy in that turn; when there was none (a very quiet line), the arrival time of the audio at the STT's
 * reported end of the last final word; failing that, the time the turn was judged over.
 */
export class Conversation {
  private readonly timings: ConversationTimings;
  private readonly tuning: ConversationTuning;
  private readonly phrases: StockPhrases;
  private readonly systemPrompt: string;
  private readonly log: Logger | undefined;
  private readonly pacer: FramePacer;
  private readonly timers: TimerSet<TimerName>;
  private readonly history = new ChatHistory();
  private readonly transcript: TranscriptEntry[] = [];
  private readonly metrics = new CallMetrics();
  private readonly userTurn = new UserTurn();
  private readonly voice = new VoiceActivity();
  /** Aborted at end: cancels an STT connection still being opened. */
  private readonly lifetime = new AbortController();
  private readonly speech: SpeechInput;

  private phase: Phase = 'created';
  private reply: AgentReply | null = null;
  private replyTurn: TurnTimer | null = null;
  /** Caller turns that ended while the agent was speaking; answered when it has finished. */
  private deferred: CallerInput[] = [];
  private consecutiveFailures = 0;
  private lastActivityAt = 0;
  private idlePrompted = false;
  private speechStartedAt: number | null = null;
  private dtmfDigits = '';
  private dtmfStartedAt = 0;
  private closingReason: EndReason | null = null;
  private hungUp = false;
  private agentSpeaking = false;
  private ending: Promise<ConversationResult> | null = null;

  constructor(private readonly deps: ConversationDeps) {
    this.tuning = { ...DEFAULT_TUNING, ...deps.tuning };
    this.timings = deriveTimings(deps.settings.thresholds, this.tuning);
    this.phrases = stockPhrases(deps.settings.persona.language);
    this.systemPrompt = buildSystemPrompt(deps.settings.persona);
    this.log = deps.logger;
    this.timers = new TimerSet((error, name) => this.log?.error({ err: error, timer: name }, 'conversation timer failed'));
    this.pacer = new FramePacer(deps.link, {
      leadFrames: this.tuning.pacerLeadFrames,
      onFirstFrame: (id) => this.guard(() => this.reply?.firstFrameSent(id, this.now())),
      onMarkSent: (id, playEndsAt) => this.guard(() => this.reply?.markSent(id, playEndsAt)),
      onLinkError: (error) => this.log?.warn({ err: error }, 'caller link failed; agent audio stopped'),
    });
    this.speech = new SpeechInput(
      deps.stt,
      {
        language: deps.settings.persona.language,
        endpointingMs: this.timings.endpointingMs,
        utteranceEndMs: this.timings.utteranceEndMs,
      },
      {
        onTranscript: (event) => this.guard(() => this.onTranscript(event)),
        onSpeechStarted: () => this.guard(() => this.onSpeechStarted()),
        onUtteranceEnd: () => this.guard(() => this.onUtteranceEnd()),
        onLost: (error) => this.guard(() => this.sttLost(error)),
      },
      this.lifetime.signal,
    );
  }

  /** Speaks the greeting and opens speech recognition (both at once); resolves once STT is open or given up on. */
  async start(): Promise<void> {
    if (this.phase !== 'created') return;
    this.phase = 'live';
    this.lastActivityAt = this.now();
    this.timers.set('maxDuration', this.timings.maxDurationMs, () =>
      this.closeCall('max_duration', this.phrases.timeLimitGoodbye),
    );
    const greeting = this.deps.settings.persona.greeting.trim();
    if (greeting) this.speak('greeting', greeting, null);
    else this.armIdle();
    await this.speech.connect();
  }

  /** Caller audio: 8 kHz mu-law, any chunk size. */
  receiveAudio(mulaw: Buffer): void {
    if (this.phase === 'created' || this.phase === 'ended') return;
    const now = this.now();
    const voiced = this.voice.observe(mulaw, now);
    this.speech.send(mulaw);
    if (this.speechStartedAt === null || this.phase !== 'live') return;
    const speechRunMs = this.voice.speechRunMs(now);
    if (voiced && speechRunMs >= this.tuning.sustainedSpeechMs) {
      this.considerBargeIn({ kind: 'sustained-speech' });
    } else if (speechRunMs === 0 && now - this.speechStartedAt > SPEECH_START_EXPIRY_MS) {
      this.speechStartedAt = null;
    }
  }

  /** The transport reports that the caller has heard everything up to this mark. */
  markPlayed(name: string): void {
    const id = MARK_NAME.exec(name)?.[1];
    if (id === undefined || this.phase === 'ended') return;
    this.guard(() => this.reply?.markPlayed(Number(id)));
  }

  /** A keypad digit. Digits closer together than `dtmfGapMs` (or ended by '#') form one caller input. */
  receiveDtmf(digit: string): void {
    if (this.phase !== 'live') return;
    const now = this.now();
    this.noteCallerActivity(now);
    this.callerTookOver({ kind: 'dtmf' });
    if (!this.dtmfDigits) this.dtmfStartedAt = now;
    this.dtmfDigits += digit;
    if (digit === '#') this.flushDtmf();
    else this.timers.set('dtmf', this.tuning.dtmfGapMs, () => this.flushDtmf());
  }

  /** Stops everything and returns the call record. Safe to call more than once (same result). */
  end(reason: EndReason): Promise<ConversationResult> {
    this.ending ??= Promise.resolve().then(() => this.finish(reason));
    return this.ending;
  }

  // ---- speech recognition -------------------------------------------------------------------------------------

  /** STT broke: the words in flight are lost; say so if the caller was talking, and reconnect. */
  private sttLost(error: unknown): void {
    if (this.phase !== 'live') return;
    this.log?.warn({ err: error }, 'speech recognition failed');
    const lostWords = this.userTurn.hasWords;
    this.userTurn.reset();
    this.timers.clear('endpoint');
    if (this.recordFailure()) return;
    if (lostWords && !this.reply) this.speak('notice', this.phrases.missedThat, null);
    this.timers.set('sttRetry', 250 * this.consecutiveFailures, () => void this.speech.connect());
  }

  private onTranscript(event: TranscriptEvent): void {
    if (this.phase !== 'live') return;
    const now = this.now();
    const words = this.userTurn.add(event, now);
    if (words) {
      this.emit('onTranscript', { role: 'user', text: this.userTurn.heardSoFar, final: false });
      this.noteCallerActivity(now);
      this.callerTookOver({
        kind: 'transcript',
        words: countWords(this.userTurn.heardSoFar),
        isFinal: event.isFinal,
      });
    }
    if (event.isFinal && event.speechFinal && this.userTurn.hasFinals) {
      this.endUserTurn(now);
    } else if (this.userTurn.hasFinals) {
      this.armEndpointFallback();
    }
  }

  private onSpeechStarted(): void {
    if (this.phase !== 'live') return;
    const now = this.now();
    this.userTurn.speechStarted(now);
    this.speechStartedAt = now;
    if (this.userTurn.hasFinals) this.armEndpointFallback();
    if (this.reply?.audible) this.considerBargeIn({ kind: 'speech-started' });
  }

  private onUtteranceEnd(): void {
    if (this.phase === 'live' && this.userTurn.hasFinals) this.endUserTurn(this.now());
  }

  /** Finals without speech_final: ends the turn after a bound, unless the caller is still making sound. */
  private armEndpointFallback(): void {
    this.timers.set('endpoint', this.timings.endpointFallbackMs, () => {
      if (this.phase !== 'live' || !this.userTurn.hasFinals) return;
      const now = this.now();
      const lastVoice = this.voice.lastVoiceAt;
      if (lastVoice !== null && now - lastVoice < this.timings.endpointingMs) this.armEndpointFallback();
      else this.endUserTurn(now);
    });
  }

  private endUserTurn(now: number): void {
    this.timers.clear('endpoint');
    this.speechStartedAt = null;
    const turn = this.userTurn.complete(now);
    if (!turn) return;
    this.acceptInput({ text: turn.text, startedAt: turn.startedAt, stoppedAt: this.callerStoppedAt(turn, now), endedAt: now });
  }

  private callerStoppedAt(turn: CompletedUserTurn, endedAt: number): number {
    const lastVoice = this.voice.lastVoiceAt;
    if (lastVoice !== null && lastVoice >= turn.startedAt - 500 && lastVoice <= endedAt) return lastVoice;
    const reportedEnd =
      turn.speechEndOffsetSec === null ? null : this.voice.arrivalOf(this.speech.streamStartSec + turn.speechEndOffsetSec);
    if (reportedEnd !== null && reportedEnd <= endedAt) return reportedEnd;
    return endedAt;
  }

  // ---- caller input and answers ---------------------------------------------------------------------------------

  /**
   * Caller words or keys arrived while the agent has a reply going: cut it off if it is being heard and the
   * evidence meets the sensitivity, or abandon it if it has not made a sound yet (the caller was not done).
   */
  private callerTookOver(signal: CallerSpeechSignal): void {
    const reply = this.reply;
    if (!reply || this.phase !== 'live') return;
    if (reply.audible) this.considerBargeIn(signal);
    else if (!reply.hasAudio && reply.kind !== 'greeting') this.abandonReply();
  }

  private considerBargeIn(signal: CallerSpeechSignal): void {
    const reply = this.reply;
    if (this.phase !== 'live' || !reply?.audible) return;
    if (!shouldBargeIn(this.deps.settings.thresholds.interruptionSensitivity, signal)) return;
    const heard = reply.heardText();
    this.dropReply();
    reply.cancel();
    this.pacer.clear();
    this.metrics.interruptions++;
    this.speechStartedAt = null;
    this.commitAgent(reply, heard, true);
    this.log?.debug({ signal: signal.kind }, 'caller barged in');
    // Turns the caller finished during the reply are answered together with the one now starting, or alone if
    // nothing follows (a cough at high sensitivity).
    if (this.deferred.length > 0) this.answer(this.deferred.splice(0));
  }

  /** The reply has made no sound yet and is no longer wanted. */
  private abandonReply(): void {
    const reply = this.reply;
    if (!reply) return;
    const turn = this.replyTurn;
    this.dropReply();
    reply.cancel();
    this.pacer.discard();
    if (turn) this.metrics.dropTurn(turn);
  }

  private acceptInput(input: CallerInput): void {
    if (this.phase === 'closing') {
      // Said over the goodbye: part of the record, too late for an answer.
      this.commitUser(input);
      return;
    }
    if (this.phase !== 'live') return;
    const reply = this.reply;
    if (reply && (reply.hasAudio || reply.kind === 'greeting')) {
      this.deferred.push(input);
      return;
    }
    if (reply) this.abandonReply();
    this.answer([...this.deferred.splice(0), input]);
  }

  private flushDtmf(): void {
    this.timers.clear('dtmf');
    const digits = this.dtmfDigits;
    this.dtmfDigits = '';
    if (!digits || this.phase !== 'live') return;
    this.acceptInput({ text: `[keypad: ${digits}]`, startedAt: this.dtmfStartedAt, stoppedAt: this.now(), endedAt: null });
  }

  private answer(inputs: CallerInput[]): void {
    for (const input of inputs) this.commitUser(input);
    const last = inputs[inputs.length - 1]!;
    const turn = this.metrics.openTurn(last.stoppedAt, last.endedAt);
    const reply = this.startReply('answer', turn);
    const { llmConfig } = this.deps.settings;
    const request = {
      messages: this.history.toRequest(this.systemPrompt, this.tuning.history),
      temperature: llmConfig.temperature,
      maxTokens: llmConfig.maxTokens,
    };
    streamAnswer(this.deps.llm, request, reply, {
      stallMs: this.tuning.llmStallMs,
      now: () => this.now(),
      onFirstToken: (ms) => (turn.latency.llmFirstTokenMs ??= Math.round(ms)),
      onUsage: (tokens) => (this.metrics.llmTokens += tokens),
    })
      .then((outcome) => this.answerEnded(reply, outcome))
      .catch((error: unknown) => this.log?.error({ err: error }, 'answer handling failed'));
  }

  private answerEnded(reply: AgentReply, outcome: AnswerOutcome): void {
    if (reply !== this.reply || this.phase !== 'live') return;
    // An answer with nothing to say (empty, or only emoji) would leave the caller in silence: a failure too.
    const failed = outcome.status === 'failed' || (outcome.status === 'completed' && !reply.plannedText);
    if (failed) {
      const error = outcome.status === 'failed' ? outcome.error : new Error('the LLM answered with nothing to say');
      this.log?.warn({ err: error }, 'LLM failed');
      reply.hadFailure = true;
      if (this.recordFailure()) return;
      reply.say(this.phrases.apology);
    }
    reply.close();
  }

  // ---- speaking --------------------------------------------------------------------------------------------------

  private startReply(kind: ReplyKind, turn: TurnTimer | null): AgentReply {
    this.timers.clear('idle');
    const { settings } = this.deps;
    const reply: AgentReply = new AgentReply(kind, {
      tts: this.deps.tts,
      pacer: this.pacer,
      speed: settings.ttsConfig.speed,
      language: settings.persona.language,
      ttsStallMs: this.tuning.ttsStallMs,
      markGraceMs: this.tuning.markGraceMs,
      now: () => this.now(),
      events: {
        onFirstAudio: (at) => {
          if (turn) this.metrics.firstAudioSent(turn, at, kind === 'answer' && !reply.hadFailure);
          this.setAgentSpeaking(true);
        },
        onTtsRequest: (text) => (this.metrics.ttsChars += text.length),
        onTtsFirstByte: (ms) => {
          if (turn) turn.latency.ttsFirstByteMs ??= Math.round(ms);
        },
        onTtsError: (error) => this.guard(() => this.ttsFailed(reply, error)),
        onFinished: () => this.guard(() => this.replyFinished(reply)),
      },
    });
    this.reply = reply;
    this.replyTurn = turn;
    return reply;
  }

  /** A fixed text (greeting, stock line), cut into sentences so a long one starts playing early. */
  private speak(kind: ReplyKind, text: string, turn: TurnTimer | null): AgentReply {
    const reply = this.startReply(kind, turn);
    const chunker = new SentenceChunker();
    for (const sentence of [...chunker.push(text), ...chunker.flush()]) reply.say(sentence);
    reply.close();
    return reply;
  }

  private ttsFailed(reply: AgentReply, error: unknown): void {
    this.log?.warn({ err: error }, 'TTS failed');
    reply.hadFailure = true;
    // No apology: the voice that would say it is what failed. The LLM was stopped; the reply ends after the
    // audio already made.
    if (reply === this.reply && this.phase === 'live') this.recordFailure();
  }

  private replyFinished(reply: AgentReply): void {
    if (reply !== this.reply) return;
    this.dropReply();
    this.commitAgent(reply, reply.heardText(), false);
    if (reply.kind === 'answer' && !reply.hadFailure) this.consecutiveFailures = 0;
    if (this.phase === 'closing') {
      this.hangUp(this.closingReason ?? 'agent_hangup');
      return;
    }
    if (this.phase !== 'live') return;
    this.lastActivityAt = this.now();
    if (this.deferred.length > 0) this.answer(this.deferred.splice(0));
    else this.armIdle();
  }

  private dropReply(): void {
    this.reply = null;
    this.replyTurn = null;
    this.setAgentSpeaking(false);
  }

  private setAgentSpeaking(speaking: boolean): void {
    if (this.agentSpeaking === speaking) return;
    this.agentSpeaking = speaking;
    this.emit('onAgentSpeaking', speaking);
  }

  // ---- silence, limits, failures ---------------------------------------------------------------------------------

  /**
   * Idle handling: `idleMs` after the agent finished speaking (or the caller's last words) with no caller words,
   * the agent asks whether the caller is still there; after another `idleMs` it says goodbye and hangs up.
   */
  private armIdle(): void {
    const delay = this.lastActivityAt + this.timings.idleMs - this.now();
    this.timers.set('idle', delay, () => this.idleCheck());
  }

  private idleCheck(): void {
    if (this.phase !== 'live' || this.reply || this.deferred.length > 0) return;
    const now = this.now();
    const wordsAt = this.userTurn.lastWordsAt;
    if (this.userTurn.hasWords && wordsAt !== null && now - wordsAt < this.timings.idleMs) {
      this.armIdle();
      return;
    }
    if (now - this.lastActivityAt < this.timings.idleMs) {
      this.armIdle();
      return;
    }
    if (this.idlePrompted) {
      this.closeCall('silence_timeout', this.phrases.silenceGoodbye);
      return;
    }
    this.idlePrompted = true;
    this.speak('notice', this.phrases.stillThere, null);
  }

  private noteCallerActivity(now: number): void {
    this.lastActivityAt = now;
    this.idlePrompted = false;
  }

  /** Counts a provider failure; at the limit, closes the call. Returns whether it did. */
  private recordFailure(): boolean {
    this.consecutiveFailures++;
    if (this.consecutiveFailures < this.tuning.maxConsecutiveFailures) return false;
    this.closeCall('provider_error', this.phrases.technicalGoodbye);
    return true;
  }

  /**
   * Says `line` and then hangs up. A reply still able to speak keeps what it already has queued (its LLM is
   * stopped) and the line follows it; otherwise the line replaces it. If playback never confirms, the call is hung
   * up anyway after the time the line should take plus a grace period.
   */
  private closeCall(reason: EndReason, line: string): void {
    if (this.phase !== 'live') return;
    this.phase = 'closing';
    this.closingReason = reason;
    for (const name of ['idle', 'endpoint', 'dtmf', 'sttRetry', 'maxDuration'] as const) this.timers.clear(name);
    this.log?.info({ reason }, 'agent is ending the call');
    const reply = this.reply;
    if (reply && !reply.stopped && !reply.isFinished) {
      reply.cancelLlm();
      reply.say(line);
      reply.close();
    } else {
      if (reply) {
        const heard = reply.heardText();
        this.dropReply();
        reply.cancel();
        this.pacer.clear();
        this.commitAgent(reply, heard, false);
      }
      this.speak('notice', line, null);
    }
    const lineMs = estimateFrames(line, this.deps.settings.ttsConfig.speed) * 20;
    this.timers.set('hangUp', this.tuning.ttsStallMs + lineMs + this.tuning.hangUpGraceMs, () => this.hangUp(reason));
  }

  private hangUp(reason: EndReason): void {
    if (this.hungUp || this.phase === 'ended') return;
    this.hungUp = true;
    this.timers.clear('hangUp');
    try {
      this.deps.onHangUp(reason);
    } catch (error) {
      this.log?.error({ err: error }, 'onHangUp threw');
    }
  }

  // ---- record --------------------------------------------------------------------------------------------------

  private commitUser(input: CallerInput): void {
    this.transcript.push({ role: 'user', text: input.text, at: this.isoAt(input.startedAt) });
    this.history.add('user', input.text);
    this.emit('onTranscript', { role: 'user', text: input.text, final: true });
  }

  private commitAgent(reply: AgentReply, heard: string, interrupted: boolean): void {
    const text = heard.trim();
    if (!text) return;
    const entry: TranscriptEntry = { role: 'assistant', text, at: reply.startedAtIso ?? new Date().toISOString() };
    if (interrupted) entry.interrupted = true;
    this.transcript.push(entry);
    this.history.add('assistant', text);
    this.emit('onTranscript', { role: 'assistant', text, final: true });
  }

  private finish(reason: EndReason): ConversationResult {
    const wasLive = this.phase === 'live' || this.phase === 'closing';
    this.phase = 'ended';
    this.timers.clearAll();
    this.lifetime.abort();
    const reply = this.reply;
    if (reply) {
      const heard = reply.heardText();
      this.dropReply();
      reply.cancel();
      // The call ended over the agent's words: the entry keeps what was heard and says it was cut.
      this.commitAgent(reply, heard, wasLive && heard.trim() !== reply.plannedText.trim());
    }
    this.pacer.stop();
    for (const input of this.deferred.splice(0)) this.commitUser(input);
    const now = this.now();
    const unanswered = this.userTurn.complete(now);
    if (unanswered) {
      this.commitUser({ text: unanswered.text, startedAt: unanswered.startedAt, stoppedAt: now, endedAt: now });
    }
    this.speech.close();
    return this.metrics.result(this.transcript, reason, this.speech.audioSeconds);
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  private now(): number {
    return performance.now();
  }

  /** Wall-clock ISO time of a monotonic timestamp. */
  private isoAt(monotonic: number): string {
    return new Date(Date.now() - (this.now() - monotonic)).toISOString();
  }

  private emit<K extends keyof ConversationEvents>(name: K, ...args: Parameters<NonNullable<ConversationEvents[K]>>): void {
    const handler = this.deps.events?.[name] as ((...a: typeof args) => void) | undefined;
    if (handler) this.guard(() => handler(...args));
  }

  /** Runs an event handler; a bug in one event never becomes an unhandled exception of the process. */
  private guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.log?.error({ err: error }, 'conversation event handler failed');
    }
  }
}
