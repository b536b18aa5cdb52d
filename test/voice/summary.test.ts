import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLanguageModel } from '../../src/providers';
import type { LanguageModel } from '../../src/providers/types';
import { parseSummaryJson, summarizeCall } from '../../src/voice/summary';
import type { TranscriptEntry, VoiceAgentSettings } from '../../src/voice/types';
import { FakeOpenAiChat, splitIntoTokens } from '../fakes/openai-chat';

const settings: VoiceAgentSettings = {
  persona: {
    systemPrompt: 'You are the host of Luigi’s restaurant.',
    greeting: 'Hello!',
    personality: 'friendly',
    language: 'en-US',
    guardrails: 'Never discuss politics.',
  },
  llmConfig: { temperature: 0.4, maxTokens: 200 },
  ttsConfig: { speed: 1 },
  thresholds: { silenceTimeoutMs: 700, maxCallDurationSec: 300, interruptionSensitivity: 'medium', endpointingMs: 200 },
};

const transcript: TranscriptEntry[] = [
  { role: 'assistant', text: 'Hello!', at: '2026-01-01T10:00:00.000Z' },
  { role: 'user', text: 'I need a table for two tonight at eight.', at: '2026-01-01T10:00:02.000Z' },
  { role: 'assistant', text: 'Booked for two at eight.', at: '2026-01-01T10:00:04.000Z' },
  { role: 'user', text: 'Great, thanks!', at: '2026-01-01T10:00:06.000Z' },
];

describe('summarizeCall', () => {
  const fake = new FakeOpenAiChat();
  let llm: LanguageModel;

  beforeAll(async () => {
    await fake.start();
    llm = createLanguageModel({
      providerKey: 'openai',
      modelId: 'gpt-4o-mini',
      credentials: { apiKey: 'sk-test' },
      settings: { baseUrl: fake.baseUrl },
      timeoutMs: 2000,
      allowPrivateNetwork: true,
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.configure({ fault: undefined, reply: undefined });
  });

  it('asks for JSON with a strict prompt and returns the parsed summary and the vendor token count', async () => {
    const answer = '{"summary": "The caller booked a table for two at eight.", "sentiment": "positive"}';
    fake.configure({ reply: () => answer });
    const result = await summarizeCall(llm, transcript, settings);
    expect(result.summary).toBe('The caller booked a table for two at eight.');
    expect(result.sentiment).toBe('positive');
    expect(fake.requests).toHaveLength(1);
    const body = fake.requests[0]!.body as { response_format?: unknown; messages: { role: string; content: string }[] };
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[0]!.content).toContain('JSON');
    expect(body.messages[1]!.content).toContain('Caller: I need a table for two tonight at eight.');
    expect(body.messages[1]!.content).toContain('Agent: Booked for two at eight.');
    const promptTokens = body.messages.reduce((n, m) => n + splitIntoTokens(m.content).length + 4, 0);
    expect(result.tokens).toBe(promptTokens + splitIntoTokens(answer).length);
  });

  it('tolerates fences and prose around the JSON and odd sentiment casing', async () => {
    fake.configure({ reply: () => 'Here you go:\n```json\n{"summary": "Booked.", "sentiment": "Negative"}\n```' });
    const result = await summarizeCall(llm, transcript, settings);
    expect(result).toMatchObject({ summary: 'Booked.', sentiment: 'negative' });
    expect(result.tokens).toBeGreaterThan(0);
  });

  it('falls back to an extractive summary when the answer is junk (tokens still counted)', async () => {
    fake.configure({ reply: () => 'I cannot do that.' });
    const result = await summarizeCall(llm, transcript, settings);
    expect(result.sentiment).toBe('neutral');
    expect(result.summary).toContain('I need a table for two tonight at eight.');
    expect(result.summary).toContain('2 caller turns');
    expect(result.tokens).toBeGreaterThan(0);
  });

  it('falls back when the LLM fails', async () => {
    fake.configure({ fault: { type: 'status', status: 500 } });
    const result = await summarizeCall(llm, transcript, settings);
    expect(result).toMatchObject({ sentiment: 'neutral', tokens: 0 });
    expect(result.summary).toContain('I need a table');
  });

  it('does not call the LLM when the caller said nothing', async () => {
    expect(await summarizeCall(llm, [], settings)).toEqual({
      summary: 'No conversation took place.',
      sentiment: 'neutral',
      tokens: 0,
    });
    const greetingOnly = await summarizeCall(llm, transcript.slice(0, 1), settings);
    expect(greetingOnly).toEqual({ summary: 'The caller did not say anything.', sentiment: 'neutral', tokens: 0 });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('parseSummaryJson', () => {
  it('rejects what is not the requested object', () => {
    expect(parseSummaryJson('')).toBeNull();
    expect(parseSummaryJson('{"summary": ""}')).toBeNull();
    expect(parseSummaryJson('{"summary": 3}')).toBeNull();
    expect(parseSummaryJson('{not json}')).toBeNull();
    expect(parseSummaryJson('[1, 2]')).toBeNull();
  });

  it('defaults an unknown sentiment to neutral and flattens whitespace', () => {
    expect(parseSummaryJson('{"summary": " Two\\n lines ", "sentiment": "ecstatic"}')).toEqual({
      summary: 'Two lines',
      sentiment: 'neutral',
    });
  });
});
