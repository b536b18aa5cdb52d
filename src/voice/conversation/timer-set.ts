/**
 * The named one-shot timers of one call. Setting a name replaces its previous timer; `clearAll()` on end leaves
 * nothing behind to fire into a finished call. A callback that throws is reported instead of crashing the process.
 */
export class TimerSet<Name extends string> {
  private readonly timers = new Map<Name, ReturnType<typeof setTimeout>>();

  constructor(private readonly onError: (error: unknown, name: Name) => void) {}

  set(name: Name, delayMs: number, callback: () => void): void {
    this.clear(name);
    const timer = setTimeout(() => {
      this.timers.delete(name);
      try {
        callback();
      } catch (error) {
        this.onError(error, name);
      }
    }, Math.max(0, delayMs));
    this.timers.set(name, timer);
  }

  has(name: Name): boolean {
    return this.timers.has(name);
  }

  clear(name: Name): void {
    const timer = this.timers.get(name);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(name);
  }

  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
