import { describe, expect, it } from 'vitest';
import { defaultChatReply } from '../fakes/openai-chat';
import { agentSettings, sleep, TEST_TUNING, until, Vendors } from './harness';
import { callSuite } from './suite';

const { phrases, spoken, startCall, useCall, vendors } = callSuite();

describe('Conversation provider failures (real adapters, fake vendors)', () => {
  it('an LLM failure mid-call gets a spoken apology and the call goes on', async () => {
    const c = startCall();
    await c.start();
    await spoken(c, 1);
    vendors.llm.configure({ fault: { type: 'status', status: 500 } });
    vendors.stt.say('Do you have parking');
    c.caller.speak(500);
    await until(() => vendors.ttsTexts.includes(phrases.apology), 6000, 'apology at TTS');
    await spoken(c, 2);
    expect(c.hangUps).toEqual([]);

    vendors.llm.configure({ fault: undefined });
    vendors.stt.say('Do you have parking');
    await sleep(300);
    c.caller.speak(500);
    await until(() => vendors.llm.requests.length === 2, 6000, 'second LLM request');
    await c.settled();
    const result = await c.end();
    expect(c.hangUps).toEqual([]);
    const texts = result.transcript.map((e) => `${e.role}: ${e.text}`);
    expect(texts).toEqual([
      'assistant: Hello, Luigi’s here.',
      `user: Do you have parking`,
      `assistant: ${phrases.apology}`,
      `user: Do you have parking`,
      `assistant: ${defaultChatReply([{ role: 'user', content: 'Do you have parking' }])}`,
    ]);
    // Only the answered request was billed.
    const expected = Vendors.billedTokens(vendors.llm.requests[1]!, defaultChatReply([{ role: 'user', content: 'Do you have parking' }]));
    expect(result.metrics.totalTokens).toBe(expected);
    expect(result.metrics.turnCount).toBe(1);
    expect(result.turns).toHaveLength(2);
    expect(result.turns[0]!.llmFirstTokenMs).toBeNull();
    expect(result.turns[0]!.totalMs).not.toBeNull();
  }, 25_000);

  it('three provider failures in a row: a goodbye, then onHangUp(provider_error)', async () => {
    const c = startCall();
    await c.start();
    await spoken(c, 1);
    vendors.llm.configure({ fault: { type: 'status', status: 503 } });
    for (let i = 0; i < 3; i++) {
      vendors.stt.say(`question ${i + 1}`);
      c.caller.speak(400);
      await until(() => vendors.llm.requests.length === i + 1, 6000, `request ${i + 1}`);
      if (i < 2) await until(() => vendors.ttsTexts.filter((t) => t === phrases.apology).length === i + 1, 6000);
      await sleep(500);
    }
    await until(() => c.hangUps.length === 1, 8000, 'hang-up');
    expect(c.hangUps).toEqual(['provider_error']);
    expect(vendors.ttsTexts[vendors.ttsTexts.length - 1]).toBe(phrases.technicalGoodbye);
    const result = await c.end('provider_error');
    expect(result.endReason).toBe('provider_error');
    expect(result.transcript[result.transcript.length - 1]!.text).toBe(phrases.technicalGoodbye);
  }, 25_000);

  it('a TTS failure ends the turn without a dead line or an apology, and the call goes on', async () => {
    const c = startCall();
    await c.start();
    await spoken(c, 1);
    vendors.tts.configure({ fault: { type: 'status', status: 500 } });
    vendors.stt.say('Are you open on Sunday');
    c.caller.speak(400);
    await until(() => vendors.llm.requests.length === 1, 6000);
    await until(() => vendors.tts.requests.length >= 2, 6000);
    await sleep(500);
    vendors.tts.configure({ fault: undefined });
    vendors.stt.say('Are you open on Sunday');
    c.caller.speak(400);
    await until(() => vendors.llm.requests.length === 2, 6000, 'second LLM request');
    await c.settled();
    const result = await c.end();
    expect(c.hangUps).toEqual([]);
    expect(vendors.ttsTexts).not.toContain(phrases.apology);
    expect(result.metrics.turnCount).toBe(1);
    expect(result.transcript.filter((e) => e.role === 'user')).toHaveLength(2);
  }, 25_000);

  it('recovers from a dropped STT connection: reconnects and keeps answering', async () => {
    const c = startCall();
    await c.start();
    await spoken(c, 1);
    vendors.stt.dropAll(1011, 'NET-0000 internal error');
    await until(() => vendors.stt.connections.length === 2, 5000, 'reconnect');
    vendors.stt.say('Hello again');
    c.caller.speak(400);
    await until(() => vendors.llm.requests.length === 1, 6000, 'LLM request');
    await spoken(c, 2);
    const result = await c.end();
    expect(c.hangUps).toEqual([]);
    await until(() => vendors.stt.connections.every((conn) => conn.closed), 2000, 'STT closed');
    const billed = vendors.stt.connections.reduce((n, conn) => n + conn.audioBytes, 0) / 8000;
    // Within a frame or two: audio in flight when the vendor dropped the stream was sent (and counted) but not received.
    expect(Math.abs(result.usage.sttSeconds - billed)).toBeLessThanOrEqual(0.06);
  }, 20_000);

  it('an LLM that goes quiet mid-stream is cut off by the stall guard: what was said stays, then an apology', async () => {
    vendors.llm.configure({ reply: () => 'Let me see. The kitchen closes at ten tonight.', pauseAfterTokens: 4 });
    const c = useCall(agentSettings(), { ...TEST_TUNING, llmStallMs: 600 });
    await c.start();
    await spoken(c, 1);
    vendors.stt.say('When does the kitchen close');
    c.caller.speak(400);
    await until(() => vendors.ttsTexts.includes(phrases.apology), 6000, 'apology');
    expect(vendors.ttsTexts).toContain('Let me see.');
    await until(() => vendors.llm.requests[0]!.clientClosedEarly, 2000, 'LLM request aborted');
    await until(() => vendors.tts.requests.some((r) => r.body.text === phrases.apology && r.completed), 3000);
    await c.settled();
    const result = await c.end();
    expect(result.transcript[result.transcript.length - 1]).toMatchObject({
      role: 'assistant',
      text: `Let me see. ${phrases.apology}`,
    });
    expect(result.metrics.turnCount).toBe(1);
    expect(result.metrics.totalTokens).toBe(0);
    vendors.llm.resume();
  }, 15_000);

  it('a TTS stream that stalls is cut off and the call goes on', async () => {
    const c = useCall(agentSettings(), { ...TEST_TUNING, ttsStallMs: 500 });
    await c.start();
    await spoken(c, 1);
    vendors.tts.configure({ pauseAfterChunks: 1 });
    vendors.stt.say('Hello');
    c.caller.speak(300);
    await until(() => vendors.tts.requests.some((r) => r.clientClosedEarly), 6000, 'TTS request aborted');
    vendors.tts.configure({ pauseAfterChunks: undefined });
    vendors.tts.resume();
    await c.settled();
    const result = await c.end();
    expect(c.hangUps).toEqual([]);
    expect(vendors.ttsTexts).not.toContain(phrases.apology);
    expect(result.transcript.filter((e) => e.role === 'user').map((e) => e.text)).toEqual(['Hello']);
  }, 15_000);

  it('an empty LLM answer is treated as a failure: the caller hears an apology, not silence', async () => {
    vendors.llm.configure({ reply: () => '' });
    const c = startCall();
    await c.start();
    await spoken(c, 1);
    vendors.stt.say('Hello?');
    c.caller.speak(300);
    await until(() => vendors.ttsTexts.includes(phrases.apology), 6000, 'apology');
    await until(() => vendors.tts.requests.some((r) => r.body.text === phrases.apology && r.completed), 3000);
    await c.settled();
    const result = await c.end();
    expect(result.transcript[result.transcript.length - 1]).toMatchObject({ role: 'assistant', text: phrases.apology });
    expect(result.metrics.turnCount).toBe(0);
  }, 15_000);
});
