/** Monotonic time and one-shot timers, injectable so pacing can be tested without waiting. */
export interface PacerClock {
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
