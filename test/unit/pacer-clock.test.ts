import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/voice/conversation/pacer-clock';

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

describe('systemClock', () => {
  it('runs a timer due now in the same turn as immediates queued around it (no wait for the timers phase), never synchronously', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('immediate before'));
    systemClock.setTimer(() => order.push('due now'), 0);
    setImmediate(() => order.push('immediate after'));
    expect(order).toEqual([]);
    await turn();
    expect(order).toEqual(['immediate before', 'due now', 'immediate after']);
  });

  it('cancels timers due now and later', async () => {
    let fired = 0;
    systemClock.clearTimer(systemClock.setTimer(() => fired++, 0));
    systemClock.clearTimer(systemClock.setTimer(() => fired++, 1));
    systemClock.setTimer(() => fired++, 1);
    await turn();
    expect(fired).toBe(1);
  });
});
