import { describe, expect, it } from 'vitest';
import { agentSettings, until } from './harness';
import { callSuite } from './suite';

const { phrases, spoken, startCall, vendors } = callSuite();

describe('Conversation silence and duration limits (real adapters, fake vendors)', () => {
  it('silence: a re-prompt after the idle period, then a goodbye and onHangUp(silence_timeout)', async () => {
    // idleMs = silenceTimeoutMs x idleMultiple (1 in tests, floor 0).
    const c = startCall(agentSettings({ thresholds: { silenceTimeoutMs: 600 } }));
    const started = performance.now();
    await c.start();
    await until(() => vendors.ttsTexts.includes(phrases.stillThere), 5000, 're-prompt');
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    await until(() => c.hangUps.length === 1, 8000, 'hang-up');
    expect(c.hangUps).toEqual(['silence_timeout']);
    expect(vendors.ttsTexts.slice(0, 2)).toEqual(['Hello, Luigi’s here.', phrases.stillThere]);
    expect(vendors.ttsTexts.slice(2).join(' ')).toBe(phrases.silenceGoodbye);
    // The goodbye was heard before the hang-up.
    expect(c.link.count('mark')).toBe(vendors.ttsTexts.length);
    expect(c.link.echoed).toBe(vendors.ttsTexts.length);
    const result = await c.end('silence_timeout');
    expect(result.transcript.map((e) => e.text)).toEqual(['Hello, Luigi’s here.', phrases.stillThere, phrases.silenceGoodbye]);
    expect(result.metrics.turnCount).toBe(0);
    expect(result.metrics.ttfbMs).toBeNull();
  }, 20_000);

  it('caller speech resets the idle count', async () => {
    const c = startCall(agentSettings({ thresholds: { silenceTimeoutMs: 900 } }));
    await c.start();
    await until(() => vendors.ttsTexts.includes(phrases.stillThere), 5000, 're-prompt');
    vendors.stt.say('Yes I am here');
    c.caller.speak(400);
    await until(() => vendors.llm.requests.length === 1, 5000);
    await until(() => vendors.ttsTexts.filter((t) => t === phrases.stillThere).length === 2, 8000, 'second re-prompt');
    expect(c.hangUps).toEqual([]);
  }, 20_000);

  it('max duration: a goodbye, then onHangUp(max_duration)', async () => {
    const c = startCall(agentSettings({ thresholds: { maxCallDurationSec: 2 } }));
    await c.start();
    await spoken(c, 1);
    await until(() => c.hangUps.length === 1, 8000, 'hang-up');
    expect(c.hangUps).toEqual(['max_duration']);
    expect(vendors.ttsTexts[0]).toBe('Hello, Luigi’s here.');
    expect(vendors.ttsTexts.slice(1).join(' ')).toBe(phrases.timeLimitGoodbye);
    const lastMark = c.link.events.filter((e) => e.type === 'mark').pop()!;
    expect(lastMark).toMatchObject({ name: `utt-${vendors.ttsTexts.length}` });
    expect(c.link.echoed).toBe(vendors.ttsTexts.length);
    const result = await c.end('max_duration');
    expect(result.endReason).toBe('max_duration');
    expect(result.transcript.pop()).toMatchObject({ role: 'assistant', text: phrases.timeLimitGoodbye });
  }, 15_000);
});
