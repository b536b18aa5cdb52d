/**
 * What the caller's side can tell about the agent audio it receives, from the stamps the fake TTS put in each
 * frame (test/fakes/frame-stamp.ts):
 * - dropped: frames of a TTS response that never arrived (a gap in its indexes, or its tail missing when the next
 *   response starts), unless a `clear` (barge-in) explains it;
 * - late: a frame, not the first of its response, that arrived after the caller's playout buffer ran dry (Twilio
 *   plays each frame 20 ms after the previous one, or on arrival when nothing is buffered): an audible gap;
 * - jitter: |inter-arrival - 20 ms| between consecutive frames once the pacer's initial lead burst is over.
 */
import { readStamp } from '../../../test/fakes/frame-stamp';

const FRAME_MS = 20;

export interface OutboundFrameCounts {
  frames: number;
  unstamped: number;
  dropped: number;
  late: number;
  /** How far past the playout deadline the late frames were, worst first after sorting. */
  lateByMs: number[];
  jitterMs: number[];
}

export const emptyCounts = (): OutboundFrameCounts => ({ frames: 0, unstamped: 0, dropped: 0, late: 0, lateByMs: [], jitterMs: [] });

export class OutboundFrames {
  private response = -1;
  private expected = 0;
  private total = 0;
  private clearedSinceResponse = false;
  private lastArrival = Number.NEGATIVE_INFINITY;
  private playEnd = Number.NEGATIVE_INFINITY;

  /** @param leadFrames frames the pacer sends ahead at the start of a response (excluded from jitter). */
  constructor(
    private readonly counts: OutboundFrameCounts,
    private readonly leadFrames: number,
  ) {}

  /** One received frame; only counted into the figures while `counting` (the measurement window). */
  add(frame: Buffer, arrivalMs: number, counting: boolean): void {
    const stamp = readStamp(frame);
    const count = counting ? this.counts : emptyCounts();
    count.frames++;
    if (!stamp) {
      count.unstamped++;
      return;
    }
    let consecutive = false;
    if (stamp.response !== this.response) {
      if (this.response >= 0 && this.expected < this.total && !this.clearedSinceResponse) count.dropped += this.total - this.expected;
      this.response = stamp.response;
      this.total = stamp.frames;
      this.expected = 0;
      this.clearedSinceResponse = false;
    } else {
      consecutive = stamp.index === this.expected;
    }
    if (stamp.index > this.expected && !this.clearedSinceResponse) count.dropped += stamp.index - this.expected;
    if (stamp.index > 0 && arrivalMs > this.playEnd) {
      count.late++;
      count.lateByMs.push(arrivalMs - this.playEnd);
    }
    if (consecutive && stamp.index > this.leadFrames) count.jitterMs.push(Math.abs(arrivalMs - this.lastArrival - FRAME_MS));
    this.playEnd = Math.max(this.playEnd, arrivalMs) + FRAME_MS;
    this.lastArrival = arrivalMs;
    this.expected = Math.max(this.expected, stamp.index + 1);
  }

  /** The server told the caller's side to drop its buffer: what was not sent of this response is not a loss. */
  cleared(): void {
    this.clearedSinceResponse = true;
    this.playEnd = Number.NEGATIVE_INFINITY;
  }
}
