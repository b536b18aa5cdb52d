import { describe, expect, it } from 'vitest';
import { agentSettings, sleep, until, Vendors } from './harness';
import { callSuite } from './suite';

const { framesFor, spoken, startCall, vendors } = callSuite();

describe('Conversation turns (real adapters, fake vendors)', () => {
  it('speaks the greeting first: 160-byte frames, then a mark', async () => {
    const c = startCall();
    await c.start();
    await spoken(c, 1);
    const { events } = c.link;
    expect(events[0]!.type).toBe('audio');
    const markIndex = events.findIndex((e) => e.type === 'mark');
    expect(events[markIndex]).toMatchObject({ type: 'mark', name: 'utt-1' });
    const greetingFrames = events.slice(0, markIndex);
    expect(greetingFrames.every((e) => e.type === 'audio' && e.frame.length === 160)).toBe(true);
    expect(Buffer.concat(greetingFrames.map((e) => (e.type === 'audio' ? e.frame : Buffer.alloc(0))))).toEqual(
      framesFor('Hello, Luigi’s here.'),
    );
    expect(vendors.ttsTexts).toEqual(['Hello, Luigi’s here.']);
    // Paced at real time: the greeting took about as long to send as it lasts.
    const first = events[0]!.at;
    const last = greetingFrames[greetingFrames.length - 1]!.at;
    expect(last - first).toBeGreaterThanOrEqual((greetingFrames.length - 5) * 20);
    const stt = vendors.stt.connections[0]!;
    expect(stt.query).toMatchObject({ endpointing: '200', utterance_end_ms: '1000', language: 'en-US', encoding: 'mulaw' });
  }, 15_000);

  it('answers a caller turn: the LLM sees the prompt with guardrails, the reply is spoken sentence by sentence while it streams', async () => {
    const reply = 'Of course, a table for two. What time would you like? We open at six.';
    vendors.llm.configure({ reply: () => reply, pauseAfterTokens: 8 });
    const c = startCall();
    await c.start();
    await spoken(c, 1);
    vendors.stt.say('I need a table for two');
    c.caller.speak(600);
    await until(() => vendors.llm.requests.length === 1, 5000, 'LLM request');
    const body = vendors.llm.requests[0]!.body as { messages: { role: string; content: string }[]; temperature: number };
    expect(body.temperature).toBe(0.3);
    const [system, ...rest] = body.messages;
    expect(system!.role).toBe('system');
    expect(system!.content.startsWith('You are the host of Luigi’s restaurant.')).toBe(true);
    expect(system!.content).toContain('warm and brief');
    expect(system!.content).toContain('(en-US)');
    expect(system!.content.trimEnd().endsWith('Never discuss politics.')).toBe(true);
    expect(rest).toEqual([
      { role: 'assistant', content: 'Hello, Luigi’s here.' },
      { role: 'user', content: 'I need a table for two' },
    ]);

    // The LLM is held after 8 tokens: the first sentence must already be with TTS and playing.
    await until(() => vendors.ttsTexts.length === 2, 5000, 'first sentence at TTS');
    expect(vendors.ttsTexts[1]).toBe('Of course, a table for two.');
    await until(() => c.link.count('audio') > framesFor('Hello, Luigi’s here.').length / 160, 5000, 'answer audio');
    expect(vendors.llm.requests[0]!.completed).toBe(false);
    vendors.llm.resume();

    await spoken(c, 4);
    expect(vendors.ttsTexts.slice(1)).toEqual(['Of course, a table for two.', 'What time would you like?', 'We open at six.']);
    // Audio arrives in order: greeting, then each sentence, each followed by its mark.
    const expected = Buffer.concat([
      framesFor('Hello, Luigi’s here.'),
      framesFor('Of course, a table for two.'),
      framesFor('What time would you like?'),
      framesFor('We open at six.'),
    ]);
    expect(c.link.audio.equals(expected)).toBe(true);
    expect(c.link.events.filter((e) => e.type === 'mark').map((e) => (e.type === 'mark' ? e.name : ''))).toEqual([
      'utt-1',
      'utt-2',
      'utt-3',
      'utt-4',
    ]);
    await sleep(300);
    const result = await c.end();
    expect(result.transcript.map(({ role, text }) => ({ role, text }))).toEqual([
      { role: 'assistant', text: 'Hello, Luigi’s here.' },
      { role: 'user', text: 'I need a table for two' },
      { role: 'assistant', text: reply },
    ]);
    expect(result.metrics.turnCount).toBe(1);
    expect(result.metrics.totalTokens).toBe(Vendors.billedTokens(vendors.llm.requests[0]!, reply));
    expect(result.usage.llmTokens).toBe(result.metrics.totalTokens);
    expect(result.metrics.ttsChars).toBe(vendors.ttsTexts.join('').length);
    expect(result.usage.ttsChars).toBe(result.metrics.ttsChars);
    // What we sent to STT is what the fake received, give or take the last frames in flight when the call ended.
    await until(() => vendors.stt.connections[0]!.closed, 2000, 'STT closed');
    expect(Math.abs(result.usage.sttSeconds - vendors.stt.connections[0]!.audioBytes / 8000)).toBeLessThanOrEqual(0.04);
    expect(result.usage.sttSeconds).toBeGreaterThan(1);
    const [turn] = result.turns;
    expect(turn).toBeDefined();
    expect(turn!.sttMs).toBeGreaterThanOrEqual(150);
    expect(turn!.llmFirstTokenMs).not.toBeNull();
    expect(turn!.ttsFirstByteMs).not.toBeNull();
    expect(turn!.totalMs).toBeGreaterThanOrEqual(turn!.sttMs!);
    expect(result.metrics.ttfbMs).toBe(turn!.totalMs);
    expect(result.metrics.avgLatencyMs).toBe(turn!.totalMs);
    expect(result.metrics.interruptions).toBe(0);
    expect(result.endReason).toBe('caller_hangup');
  }, 20_000);

  it('barge-in during a long reply: clear, an interruption, and only the heard part in transcript and history', async () => {
    const long =
      'Our menu has many dishes. We serve fresh pasta made every morning by our chef. ' +
      'There is also a wide selection of pizzas from the wood fired oven. ' +
      'For dessert you can choose tiramisu, panna cotta or gelato in six flavours.';
    vendors.llm.configure({ reply: (messages) => (messages.length <= 3 ? long : 'Sure, go ahead.') });
    const c = startCall(agentSettings({ thresholds: { interruptionSensitivity: 'medium' } }));
    await c.start();
    await spoken(c, 1);
    vendors.stt.say('What is on the menu', 'Wait, I have a question');
    c.caller.speak(500);
    // Let the answer play for a while (its first sentence takes ~0.5 s, the whole ~4 s), then talk over it.
    await until(() => c.link.count('mark') >= 2, 8000, 'first answer sentence');
    await sleep(400);
    const framesBefore = c.link.count('audio');
    c.caller.speak(600);
    await until(() => c.link.count('clear') === 1, 5000, 'clear');
    const clearIndex = c.link.events.findIndex((e) => e.type === 'clear');
    // The pacer stopped at once: at most the frames in flight went after the barge-in was decided.
    await sleep(300);
    const afterClear = c.link.events.slice(clearIndex + 1).filter((e) => e.type === 'audio').length;
    expect(afterClear).toBe(0);
    expect(c.link.count('audio')).toBeLessThan(framesBefore + 40);

    // The caller's turn is answered, with the truncated reply in history.
    await until(() => vendors.llm.requests.length === 2, 5000, 'second LLM request');
    const messages = (vendors.llm.requests[1]!.body.messages as { role: string; content: string }[]).slice(1);
    const heard = messages[2]!;
    expect(heard.role).toBe('assistant');
    expect(long.startsWith(heard.content)).toBe(true);
    expect(heard.content.length).toBeLessThan(long.length);
    expect(heard.content).toMatch(/^Our menu has many dishes\./u);
    expect(messages[3]).toEqual({ role: 'user', content: 'Wait, I have a question' });
    // The abandoned LLM stream or TTS requests were cut, not left running.
    expect(vendors.ttsTexts).not.toContain('For dessert you can choose tiramisu, panna cotta or gelato in six flavours.');

    await until(() => vendors.tts.requests.some((r) => r.body.text === 'Sure, go ahead.' && r.completed), 5000);
    await c.settled();
    const result = await c.end();
    expect(result.metrics.interruptions).toBe(1);
    const entry = result.transcript.find((e) => e.role === 'assistant' && e.interrupted);
    expect(entry).toBeDefined();
    expect(entry!.text).toBe(heard.content);
    // Cut at a word boundary of the original text.
    expect([' ', undefined]).toContain(long[entry!.text.length]);
    expect(result.transcript.map((e) => e.role)).toEqual(['assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(result.metrics.turnCount).toBe(2);
  }, 25_000);

  it('keypad digits become a caller turn', async () => {
    const c = startCall();
    await c.start();
    await spoken(c, 1);
    for (const digit of ['4', '2', '#']) c.conversation.receiveDtmf(digit);
    await until(() => vendors.llm.requests.length === 1, 5000);
    const messages = vendors.llm.requests[0]!.body.messages as { role: string; content: string }[];
    expect(messages[messages.length - 1]).toEqual({ role: 'user', content: '[keypad: 42#]' });
    await spoken(c, 2);
    const result = await c.end();
    expect(result.turns[0]!.sttMs).toBeNull();
  }, 15_000);

  it('low sensitivity: a short backchannel does not cut the agent off and is answered after it finishes', async () => {
    const reply = 'We have three rooms available this weekend. Two doubles and one suite with a view of the lake.';
    vendors.llm.configure({ reply: (messages) => (messages.length <= 3 ? reply : 'Great.') });
    const c = startCall(agentSettings({ thresholds: { interruptionSensitivity: 'low' } }));
    await c.start();
    await spoken(c, 1);
    vendors.stt.say('Any rooms free', 'okay');
    c.caller.speak(400);
    await until(() => c.link.count('mark') >= 2, 8000, 'first sentence');
    c.caller.speak(300);
    await until(() => vendors.llm.requests.length === 2, 10_000, 'answer to the backchannel');
    expect(c.link.count('clear')).toBe(0);
    await c.settled();
    const result = await c.end();
    expect(result.metrics.interruptions).toBe(0);
    expect(result.transcript.map((e) => `${e.role}: ${e.text}`)).toEqual([
      'assistant: Hello, Luigi’s here.',
      'user: Any rooms free',
      `assistant: ${reply}`,
      'user: okay',
      'assistant: Great.',
    ]);
  }, 25_000);

  it('end() is idempotent and stops all output', async () => {
    vendors.llm.configure({ reply: () => 'A fairly long answer that keeps going. '.repeat(5).trim() });
    const c = startCall();
    await c.start();
    vendors.stt.say('Tell me everything');
    c.caller.speak(400);
    await until(() => c.link.count('mark') >= 2, 8000);
    const first = c.conversation.end('caller_hangup');
    const second = c.conversation.end('error');
    expect(second).toBe(first);
    const result = await first;
    expect(result.endReason).toBe('caller_hangup');
    const sent = c.link.events.length;
    await sleep(500);
    expect(c.link.events.length).toBe(sent);
    const last = result.transcript[result.transcript.length - 1]!;
    expect(last.role).toBe('assistant');
    expect(last.interrupted).toBe(true);
  }, 15_000);

  it('keeps caller audio that arrives before speech recognition is connected', async () => {
    const c = startCall(agentSettings({ persona: { greeting: '' } }));
    vendors.stt.say('Hi there');
    const starting = c.conversation.start();
    c.caller.start();
    c.caller.speak(400);
    await starting;
    await until(() => vendors.llm.requests.length === 1, 6000, 'LLM request');
    await c.settled();
    const result = await c.end();
    expect(result.transcript[0]).toMatchObject({ role: 'user', text: 'Hi there' });
    expect(vendors.stt.connections[0]!.audioBytes).toBeGreaterThanOrEqual(3200);
  }, 15_000);

  it('high sensitivity: the first sign of speech (SpeechStarted) cuts the agent off', async () => {
    const long = 'Let me tell you about our specials today. '.repeat(4).trim();
    vendors.llm.configure({ reply: () => long });
    const c = startCall(agentSettings({ thresholds: { interruptionSensitivity: 'high' } }));
    await c.start();
    // At high sensitivity even the greeting's last frames would be cut off: let it finish playing.
    await c.settled();
    vendors.stt.say('Tell me the specials', 'Stop');
    c.caller.speak(300);
    await until(() => c.link.count('mark') >= 2, 8000, 'first answer sentence');
    const speechAt = performance.now();
    c.caller.speak(100);
    await until(() => c.link.count('clear') === 1, 3000, 'clear');
    const clear = c.link.events.find((e) => e.type === 'clear')!;
    // SpeechStarted comes with the first loud frames; no words or 300 ms of speech are waited for.
    expect(clear.at - speechAt).toBeLessThan(250);
    await c.settled();
    const result = await c.end();
    expect(result.metrics.interruptions).toBe(1);
    const heard = result.transcript.find((e) => e.interrupted)!.text;
    expect(heard).toMatch(/^Let me tell you about our specials/u);
    expect(long.startsWith(heard)).toBe(true);
    expect(heard.length).toBeLessThan(long.length / 2);
  }, 15_000);
});
