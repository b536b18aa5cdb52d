/**
 * One simulated caller for the benchmarks: a signed Twilio call (scripts/lib/twilio-caller.ts) whose line sends a
 * 20 ms frame on every tick of a shared LineClock, that speaks a tone burst whenever the agent has finished
 * talking, and that measures the agent audio it receives: frame figures (OutboundFrames) and, per turn, the time
 * from the end of its speech to the first agent frame.
 */
import WebSocket from 'ws';
import { sendVoiceWebhook, streamUrlOnServer, TwilioStream } from '../../lib/twilio-caller';
import { readStamp, readTurnStamp } from '../../../test/fakes/frame-stamp';
import { monotonicMs as nowMs, SILENCE_FRAME as SILENCE, speechFrames } from './caller-audio';
import { OutboundFrames, type OutboundFrameCounts } from './outbound-frames';

export interface CallTarget {
  serverUrl: string;
  publicUrl: string;
  authToken: string;
  apiKey: string;
  agentId: string;
}

export interface CallBehaviour {
  /** Length of each caller utterance. */
  speechMs: number;
  /** The agent is taken to have finished once its last mark came and no audio arrived for this long. */
  agentDoneAfterMs: number;
  /** Speak again when no agent audio came this long after speaking. */
  replyTimeoutMs: number;
  leadFrames: number;
}

/** What the fakes themselves spent on one turn, as they measured it (fakes run with --time-turns). */
export interface FakesLatency {
  /** Last speech audio received -> the result ending the turn sent. */
  sttMs: number;
  /** Chat request received -> first token sent. */
  llmMs: number;
  /** First token -> last token sent: the rest of the one-sentence reply, which TTS cannot start without. */
  llmRestMs: number;
  /** Synthesis request received -> first audio byte sent. */
  ttsMs: number;
}

/** Our own part of one turn, between the fakes' steps; the four add up to the overhead. */
export interface OverheadParts {
  /** Caller's last speech frame sent -> received by the STT. */
  callerToSttMs: number;
  /** The STT ended the turn -> the LLM request arrived. */
  sttToLlmMs: number;
  /** The LLM sent its last token -> the TTS request arrived (stream end, sentence cutting, TTS request). */
  llmToTtsMs: number;
  /** The TTS sent the first byte -> the caller received the first frame. */
  ttsToCallerMs: number;
}

export interface TurnLatency {
  /** Caller's last speech frame sent -> first agent frame received. */
  totalMs: number;
  /** Null when the first frame carried no turn times (fakes without --time-turns, or a time missing). */
  fakes: FakesLatency | null;
  ours: OverheadParts | null;
}

/** Splits a turn (caller's speech ended -> first frame arrived, monotonic ms) by the fakes' times in its first frame. */
function splitTurn(frame: Buffer, speechEndedAt: number, arrival: number): Pick<TurnLatency, 'fakes' | 'ours'> {
  const stamp = readStamp(frame);
  const turn = readTurnStamp(frame);
  if (!stamp || stamp.index !== 0 || !turn) return { fakes: null, ours: null };
  const { lastSpeechReceivedNs, turnEndSentNs, llmReceivedNs, llmFirstTokenSentNs, llmReplySentNs, ttsReceivedNs } = turn;
  if (
    lastSpeechReceivedNs === null ||
    turnEndSentNs === null ||
    llmReceivedNs === null ||
    llmFirstTokenSentNs === null ||
    llmReplySentNs === null ||
    ttsReceivedNs === null
  ) {
    return { fakes: null, ours: null };
  }
  const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;
  const at = (ns: bigint) => Number(ns) / 1e6;
  return {
    fakes: {
      sttMs: ms(lastSpeechReceivedNs, turnEndSentNs),
      llmMs: ms(llmReceivedNs, llmFirstTokenSentNs),
      llmRestMs: ms(llmFirstTokenSentNs, llmReplySentNs),
      ttsMs: ms(ttsReceivedNs, stamp.writtenAtNs),
    },
    ours: {
      callerToSttMs: at(lastSpeechReceivedNs) - speechEndedAt,
      sttToLlmMs: ms(turnEndSentNs, llmReceivedNs),
      llmToTtsMs: ms(llmReplySentNs, ttsReceivedNs),
      ttsToCallerMs: arrival - at(stamp.writtenAtNs),
    },
  };
}

/** Our own part of a turn: everything the fakes did not spend on it. */
export const overheadMs = (turn: TurnLatency) =>
  turn.fakes === null ? null : turn.totalMs - turn.fakes.sttMs - turn.fakes.llmMs - turn.fakes.llmRestMs - turn.fakes.ttsMs;

export class BenchCall {
  readonly turns: TurnLatency[] = [];
  noReply = 0;
  clears = 0;
  /** Figures are only counted while this is set (the measurement window). */
  counting = false;
  private readonly frames: OutboundFrames;
  private readonly speech: Buffer[];
  private queued: Buffer[] = [];
  private speechEndedAt: number | null = null;
  private awaitingReply = false;
  private lastMediaAt = Number.NEGATIVE_INFINITY;
  private lastMarkAt = Number.NEGATIVE_INFINITY;
  private heardSinceSpeaking = false;
  private stream!: TwilioStream;

  private constructor(
    counts: OutboundFrameCounts,
    private readonly behaviour: CallBehaviour,
  ) {
    this.frames = new OutboundFrames(counts, behaviour.leadFrames);
    this.speech = speechFrames(behaviour.speechMs);
  }

  /** Rings (signed webhook) and opens the media stream; throws when the call is refused. */
  static async place(target: CallTarget, counts: OutboundFrameCounts, behaviour: CallBehaviour): Promise<BenchCall> {
    const answer = await sendVoiceWebhook({ ...target, agentId: target.agentId });
    if (!answer.streamUrl) throw new Error(`call refused (${answer.status}): ${answer.say ?? answer.body.slice(0, 200)}`);
    const streamUrl = streamUrlOnServer(answer.streamUrl, target.publicUrl, target.serverUrl);
    return BenchCall.openStream(streamUrl, { callSid: answer.callSid, customParameters: answer.parameters }, counts, behaviour);
  }

  /** Opens a media stream straight away, without a webhook (the bare baseline server needs none). */
  static async openStream(
    streamUrl: string,
    call: { callSid: string; customParameters: Record<string, string> },
    counts: OutboundFrameCounts,
    behaviour: CallBehaviour,
  ): Promise<BenchCall> {
    const bench = new BenchCall(counts, behaviour);
    await bench.connect(streamUrl, call);
    return bench;
  }

  private async connect(streamUrl: string, identity: { callSid: string; customParameters: Record<string, string> }): Promise<void> {
    this.stream = await TwilioStream.open(streamUrl, {
      ...identity,
      record: false,
      listener: {
        media: (frame) => this.onMedia(frame),
        mark: () => (this.lastMarkAt = nowMs()),
        clear: () => {
          this.clears++;
          this.frames.cleared();
        },
      },
    });
  }

  get open(): boolean {
    return this.stream.ws.readyState === WebSocket.OPEN;
  }

  /** The line's next frame (a LineClock tick); false once the call is gone. */
  sendFrame(): boolean {
    if (!this.open) return false;
    const now = nowMs();
    if (this.queued.length === 0) this.maybeSpeak(now);
    const frame = this.queued.shift();
    this.stream.sendAudioNow(frame ?? SILENCE);
    if (frame && this.queued.length === 0) {
      this.speechEndedAt = nowMs();
      this.awaitingReply = true;
    }
    return true;
  }

  hangUp(): Promise<void> {
    return this.stream.hangUp();
  }

  private maybeSpeak(now: number): void {
    if (this.awaitingReply && this.speechEndedAt !== null && now - this.speechEndedAt > this.behaviour.replyTimeoutMs) {
      this.noReply++;
      this.awaitingReply = false;
      this.heardSinceSpeaking = true;
    }
    const agentDone =
      this.heardSinceSpeaking && this.lastMarkAt >= this.lastMediaAt && now - this.lastMediaAt >= this.behaviour.agentDoneAfterMs;
    if (!agentDone || this.awaitingReply) return;
    this.heardSinceSpeaking = false;
    this.queued = [...this.speech];
  }

  private onMedia(frame: Buffer): void {
    const arrival = nowMs();
    this.lastMediaAt = arrival;
    this.heardSinceSpeaking = true;
    this.frames.add(frame, arrival, this.counting);
    if (!this.awaitingReply || this.speechEndedAt === null) return;
    this.awaitingReply = false;
    if (this.counting) this.turns.push({ totalMs: arrival - this.speechEndedAt, ...splitTurn(frame, this.speechEndedAt, arrival) });
  }
}
