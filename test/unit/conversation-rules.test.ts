import { describe, expect, it } from 'vitest';
import { mulawSilence, mulawTone } from '../../src/voice/audio';
import { countWords, shouldBargeIn } from '../../src/voice/conversation/barge-in';
import { ChatHistory } from '../../src/voice/conversation/chat-history';
import { estimateFrames, heardPrefix } from '../../src/voice/conversation/heard-text';
import { stockPhrases } from '../../src/voice/conversation/phrases';
import { toSpeakableText } from '../../src/voice/conversation/speakable-text';
import { buildSystemPrompt } from '../../src/voice/conversation/system-prompt';
import { DEFAULT_TUNING, deriveTimings } from '../../src/voice/conversation/timing';
import { UserTurn } from '../../src/voice/conversation/user-turn';
import { VoiceActivity } from '../../src/voice/conversation/voice-activity';

describe('barge-in rules', () => {
  const transcript = (words: number, isFinal = false) => ({ kind: 'transcript' as const, words, isFinal });

  it('high: the first sign of speech', () => {
    expect(shouldBargeIn('high', { kind: 'speech-started' })).toBe(true);
    expect(shouldBargeIn('high', transcript(1))).toBe(true);
    expect(shouldBargeIn('high', transcript(0))).toBe(false);
  });

  it('medium: sustained speech, two words, or one final word', () => {
    expect(shouldBargeIn('medium', { kind: 'speech-started' })).toBe(false);
    expect(shouldBargeIn('medium', { kind: 'sustained-speech' })).toBe(true);
    expect(shouldBargeIn('medium', transcript(1))).toBe(false);
    expect(shouldBargeIn('medium', transcript(1, true))).toBe(true);
    expect(shouldBargeIn('medium', transcript(2))).toBe(true);
  });

  it('low: three words', () => {
    expect(shouldBargeIn('low', { kind: 'speech-started' })).toBe(false);
    expect(shouldBargeIn('low', { kind: 'sustained-speech' })).toBe(false);
    expect(shouldBargeIn('low', transcript(2, true))).toBe(false);
    expect(shouldBargeIn('low', transcript(3))).toBe(true);
  });

  it('a keypad press interrupts at every level', () => {
    for (const level of ['low', 'medium', 'high'] as const) expect(shouldBargeIn(level, { kind: 'dtmf' })).toBe(true);
  });

  it('counts words, ignoring punctuation and counting unspaced scripts by characters', () => {
    expect(countWords('  wait, no -- stop ')).toBe(3);
    expect(countWords('...')).toBe(0);
    expect(countWords('ちょっと待って')).toBe(4);
  });
});

describe('heard text', () => {
  it('keeps the proportional prefix cut back to a whole word', () => {
    const text = 'Our opening hours are nine to five on weekdays.';
    expect(heardPrefix(text, 0)).toBe('');
    expect(heardPrefix(text, 1)).toBe(text);
    expect(heardPrefix(text, 0.5)).toBe('Our opening hours are');
    expect(heardPrefix('Hello, world', 0.55)).toBe('Hello');
  });

  it('estimates speech length from the text and speed', () => {
    expect(estimateFrames('x'.repeat(140), 1)).toBe(500);
    expect(estimateFrames('x'.repeat(140), 2)).toBe(250);
  });
});

describe('chat history', () => {
  it('merges consecutive messages of one role and puts the system prompt first', () => {
    const history = new ChatHistory();
    history.add('assistant', 'Hi!');
    history.add('user', 'I want');
    history.add('user', 'a table.');
    history.add('assistant', '  ');
    expect(history.toRequest('SYSTEM', { maxTurns: 10, maxChars: 1000 })).toEqual([
      { role: 'system', content: 'SYSTEM' },
      { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: 'I want a table.' },
    ]);
  });

  it('keeps only the newest turns and characters, and always the last message', () => {
    const history = new ChatHistory();
    for (let i = 1; i <= 5; i++) {
      history.add('user', `question ${i}`);
      history.add('assistant', `answer ${i}`);
    }
    history.add('user', 'question 6');
    const byTurns = history.toRequest('S', { maxTurns: 2, maxChars: 10_000 }).slice(1);
    expect(byTurns.map((m) => m.content)).toEqual(['answer 4', 'question 5', 'answer 5', 'question 6']);
    const byChars = history.toRequest('S', { maxTurns: 100, maxChars: 25 }).slice(1);
    expect(byChars.map((m) => m.content)).toEqual(['answer 5', 'question 6']);
    const huge = new ChatHistory();
    huge.add('user', 'x'.repeat(100));
    expect(huge.toRequest('S', { maxTurns: 5, maxChars: 10 })[1]!.content).toBe(`…${'x'.repeat(10)}`);
  });
});

describe('system prompt', () => {
  it('appends personality, language and the guardrails last', () => {
    const prompt = buildSystemPrompt({
      systemPrompt: 'You are a sales assistant.',
      greeting: 'Hi',
      personality: 'friendly',
      language: 'es-ES',
      guardrails: 'Never discuss pricing.',
    });
    expect(prompt.startsWith('You are a sales assistant.')).toBe(true);
    expect(prompt).toContain('Personality: friendly.');
    expect(prompt).toContain('Spanish (es-ES)');
    expect(prompt.trimEnd().endsWith('Never discuss pricing.')).toBe(true);
    expect(prompt.indexOf('Never discuss pricing.')).toBeGreaterThan(prompt.indexOf('es-ES'));
  });

  it('leaves out empty parts', () => {
    const prompt = buildSystemPrompt({ systemPrompt: 'Help.', greeting: '', personality: ' ', language: 'en-US', guardrails: '' });
    expect(prompt).not.toContain('Personality');
    expect(prompt).not.toContain('Rules');
  });
});

describe('speakable text', () => {
  it('strips markdown and emoji', () => {
    expect(toSpeakableText('**Great** news 🎉! See [our site](https://x.y) 👍🏽')).toBe('Great news ! See our site');
    expect(toSpeakableText('- item one')).toBe('item one');
    expect(toSpeakableText('3.5 * 2')).toBe('3.5 2');
  });
});

describe('stock phrases', () => {
  it('follow the persona language, English otherwise', () => {
    expect(stockPhrases('es-MX').stillThere).toBe('¿Sigue ahí?');
    expect(stockPhrases('sw-KE').stillThere).toBe('Are you still there?');
  });
});

describe('timings', () => {
  it('derive from the thresholds', () => {
    const timings = deriveTimings(
      { silenceTimeoutMs: 700, maxCallDurationSec: 300, interruptionSensitivity: 'medium', endpointingMs: 200 },
      DEFAULT_TUNING,
    );
    expect(timings).toEqual({
      endpointingMs: 200,
      utteranceEndMs: 1000,
      endpointFallbackMs: 700,
      idleMs: 8000,
      maxDurationMs: 300_000,
    });
    const long = deriveTimings(
      { silenceTimeoutMs: 3000, maxCallDurationSec: 60, interruptionSensitivity: 'low', endpointingMs: 800 },
      DEFAULT_TUNING,
    );
    expect(long.idleMs).toBe(18_000);
    expect(long.utteranceEndMs).toBe(1600);
  });
});

describe('user turn', () => {
  const event = (text: string, isFinal: boolean, start = 0, duration = 0) => ({
    text,
    isFinal,
    speechFinal: false,
    start,
    duration,
  });

  it('joins finals, keeps a later interim for the next turn', () => {
    const turn = new UserTurn();
    turn.speechStarted(100);
    turn.add(event('I would like', true, 0.5, 1), 900);
    turn.add(event('a table', true, 1.5, 0.7), 1500);
    turn.add(event('for', false), 1600);
    expect(turn.heardSoFar).toBe('I would like a table for');
    const done = turn.complete(1700);
    expect(done).toEqual({ text: 'I would like a table', startedAt: 100, speechEndOffsetSec: 2.2 });
    expect(turn.hasWords).toBe(true);
    expect(turn.hasFinals).toBe(false);
  });

  it('a SpeechStarted long before the first word was noise', () => {
    const turn = new UserTurn();
    turn.speechStarted(0);
    turn.add(event('hello', true), 10_000);
    expect(turn.complete(10_100)?.startedAt).toBe(10_000);
  });
});

describe('voice activity', () => {
  it('tells speech energy from silence and measures runs', () => {
    const vad = new VoiceActivity();
    expect(vad.observe(mulawSilence(20), 0)).toBe(false);
    for (let t = 20; t <= 400; t += 20) expect(vad.observe(mulawTone(440, 20, 6000), t)).toBe(true);
    expect(vad.speechRunMs(400)).toBe(380);
    expect(vad.observe(mulawSilence(20), 420)).toBe(false);
    expect(vad.lastVoiceAt).toBe(400);
    expect(vad.speechRunMs(700)).toBe(0);
  });

  it('maps STT stream offsets to arrival times', () => {
    const vad = new VoiceActivity();
    for (let i = 0; i < 50; i++) vad.observe(mulawSilence(20), 1000 + i * 25);
    // Chunk i carries seconds (i*0.02, (i+1)*0.02].
    expect(vad.arrivalOf(0.01)).toBe(1000);
    expect(vad.arrivalOf(0.5)).toBe(1000 + 24 * 25);
    expect(vad.arrivalOf(0.51)).toBe(1000 + 25 * 25);
    expect(vad.arrivalOf(5)).toBe(1000 + 49 * 25);
  });
});
