/**
 * For benchmarks: what the fakes themselves spent on each caller turn, so a benchmark can take exactly that out of
 * the latency it measured through Voicex. The fake speech-to-text opens a turn per final and writes its number
 * into the transcript ("... turn 17"); the server passes the words on to the fake LLM, which finds the number in
 * the last user message and puts it into its reply ("Turn 17, ..."); the fake TTS finds it in the text it is asked
 * to speak and stamps the turn's figures into its frames (frame-stamp.ts). Carrying the number through the
 * conversation itself ties every figure to the right turn however many calls run at once.
 *
 * Times are `process.hrtime.bigint()` nanoseconds (CLOCK_MONOTONIC, shared by every process on the machine).
 */

/** When things happened on the fakes' side of one turn; null until they have. */
export interface TurnFigures {
  turn: number;
  /** The STT received the last audio with speech. */
  lastSpeechReceivedNs: bigint | null;
  /** The STT sent the result that ends the turn (speech_final or UtteranceEnd). */
  turnEndSentNs: bigint | null;
  /** The LLM received the request answering the turn. */
  llmReceivedNs: bigint | null;
  /** The LLM sent the first content token of that answer. */
  llmFirstTokenSentNs: bigint | null;
  /**
   * The LLM sent the last content token: the first sentence is complete (the benchmark's reply is one sentence).
   * Even without an inter-token delay the fake's tokens leave on separate timer ticks, its own time, not ours.
   */
  llmReplySentNs: bigint | null;
}

const TURN_WORD = /\bturn (\d+)\b/giu;

/** The text with the turn number the other fakes look for. */
export const withTurnTag = (text: string, turn: number) => `${text} turn ${turn}`;

/** The reply text carrying the turn number before anything else, so it stays in the first sentence spoken. */
export const replyWithTurnTag = (reply: string, turn: number) => `Turn ${turn}, ${reply}`;

/** The last turn number in a text (a merged caller turn carries several; the newest is being answered). */
export function turnIn(text: string): number | null {
  const matches = [...text.matchAll(TURN_WORD)];
  const last = matches[matches.length - 1];
  return last ? Number(last[1]) : null;
}

export class TurnLedger {
  private readonly turns = new Map<number, TurnFigures>();
  private readonly answered = new Set<number>();
  private nextTurn = 1;

  open(): number {
    const turn = this.nextTurn++;
    this.turns.set(turn, { turn, lastSpeechReceivedNs: null, turnEndSentNs: null, llmReceivedNs: null, llmFirstTokenSentNs: null, llmReplySentNs: null });
    return turn;
  }

  recordSttWait(turn: number, lastSpeechReceivedNs: bigint, turnEndSentNs: bigint): void {
    const figures = this.turns.get(turn);
    if (!figures || figures.turnEndSentNs !== null) return;
    figures.lastSpeechReceivedNs = lastSpeechReceivedNs;
    figures.turnEndSentNs = turnEndSentNs;
  }

  /**
   * True the first time the LLM is asked about this turn: only that request is the answer being timed (a later
   * one, such as the post-call summary quoting the transcript, must neither be tagged nor overwrite the figure).
   */
  claimForLlm(turn: number): boolean {
    if (!this.turns.has(turn) || this.answered.has(turn)) return false;
    this.answered.add(turn);
    return true;
  }

  recordLlmFirstToken(turn: number, receivedNs: bigint, firstTokenSentNs: bigint): void {
    const figures = this.turns.get(turn);
    if (!figures) return;
    figures.llmReceivedNs = receivedNs;
    figures.llmFirstTokenSentNs = firstTokenSentNs;
  }

  recordLlmReplySent(turn: number, ns: bigint): void {
    const figures = this.turns.get(turn);
    if (figures) figures.llmReplySentNs = ns;
  }

  figures(turn: number): TurnFigures | null {
    const figures = this.turns.get(turn);
    return figures ? { ...figures } : null;
  }
}
