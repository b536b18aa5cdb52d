import type { ConversationResult, EndReason, TranscriptEntry, TurnLatency } from '../types';

/** The timing of one answer, filled in as its stages happen. All times are monotonic milliseconds. */
export interface TurnTimer {
  readonly latency: TurnLatency;
  /** When the caller stopped speaking (see Conversation for the definition). */
  readonly stoppedAt: number;
  counted: boolean;
}

/**
 * Counters of one call. Each number means exactly what its name says; anything not measured stays null rather
 * than a guess.
 */
export class CallMetrics {
  private readonly turns: TurnLatency[] = [];
  llmTokens = 0;
  ttsChars = 0;
  interruptions = 0;
  /** Caller turns the agent answered audibly (at least one frame of the answer was sent). */
  turnCount = 0;

  /** A caller turn ended at `endedAt`: opens its latency record. `sttMs` is null for keypad input. */
  openTurn(stoppedAt: number, endedAt: number | null): TurnTimer {
    const latency: TurnLatency = {
      turn: this.turns.length + 1,
      sttMs: endedAt === null ? null : round(endedAt - stoppedAt),
      llmFirstTokenMs: null,
      ttsFirstByteMs: null,
      totalMs: null,
    };
    this.turns.push(latency);
    return { latency, stoppedAt, counted: false };
  }

  /** The answer was abandoned before a sound (the caller kept talking): its turn never happened. */
  dropTurn(timer: TurnTimer): void {
    const index = this.turns.indexOf(timer.latency);
    if (index < 0) return;
    this.turns.splice(index, 1);
    this.turns.forEach((latency, i) => (latency.turn = i + 1));
  }

  /**
   * The first frame of the agent's response to this turn left. An apology is a response too (the caller is not
   * left waiting), but only an answer from the LLM makes the exchange count in `turnCount`.
   */
  firstAudioSent(timer: TurnTimer, at: number, fromLlm: boolean): void {
    if (timer.latency.totalMs === null) timer.latency.totalMs = round(at - timer.stoppedAt);
    if (fromLlm && !timer.counted) {
      timer.counted = true;
      this.turnCount++;
    }
  }

  result(transcript: TranscriptEntry[], endReason: EndReason, sttSeconds: number): ConversationResult {
    const turns = this.turns.map((latency) => ({ ...latency }));
    const totals = turns.map((t) => t.totalMs).filter((ms): ms is number => ms !== null);
    return {
      transcript: transcript.map((entry) => ({ ...entry })),
      metrics: {
        ttfbMs: turns[0]?.totalMs ?? null,
        avgLatencyMs: totals.length > 0 ? round(totals.reduce((a, b) => a + b, 0) / totals.length) : null,
        totalTokens: this.llmTokens,
        ttsChars: this.ttsChars,
        interruptions: this.interruptions,
        turnCount: this.turnCount,
      },
      turns,
      usage: {
        llmTokens: this.llmTokens,
        ttsChars: this.ttsChars,
        sttSeconds: Math.round(sttSeconds * 1000) / 1000,
      },
      endReason,
    };
  }
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms));
}
