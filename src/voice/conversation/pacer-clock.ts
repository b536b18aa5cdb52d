/** Monotonic time and one-shot timers, injectable so pacing can be tested without waiting. */
export interface PacerClock {
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

interface ImmediateHandle {
  immediate: NodeJS.Immediate;
}

const isImmediate = (handle: unknown): handle is ImmediateHandle => typeof handle === 'object' && handle !== null && 'immediate' in handle;

/**
 * A timer due now runs on setImmediate: setTimeout(0) waits for the next timers phase (1 ms or more), which is
 * latency added to the first frame of every reply.
 */
export const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => (delayMs <= 0 ? { immediate: setImmediate(callback) } : setTimeout(callback, delayMs)),
  clearTimer: (handle) => {
    if (isImmediate(handle)) clearImmediate(handle.immediate);
    else clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
