/**
 * One timer for every simulated phone line of a load generator: each tick sends every call the frames due by
 * the real-time schedule (one per 20 ms since the clock started), so a late tick catches up instead of drifting.
 * One timer for all lines keeps the generator's own overhead low enough not to be what a benchmark measures.
 */
const FRAME_MS = 20;

export interface Line {
  /** Sends this line's next 20 ms frame; false once the line is gone (it is then dropped from the clock). */
  sendFrame(): boolean;
}

export class LineClock {
  private readonly lines = new Set<Line>();
  private readonly startedAt = performance.now();
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;

  add(line: Line): void {
    this.lines.add(line);
    if (!this.timer) this.tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lines.clear();
  }

  private readonly tick = (): void => {
    const due = Math.floor((performance.now() - this.startedAt) / FRAME_MS) + 1;
    for (; this.sent < due; this.sent++) {
      for (const line of this.lines) if (!line.sendFrame()) this.lines.delete(line);
    }
    this.timer = setTimeout(this.tick, Math.max(0, this.startedAt + this.sent * FRAME_MS - performance.now()));
  };
}
