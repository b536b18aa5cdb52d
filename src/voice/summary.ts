import type { LanguageModel } from '../providers/types';
import type { TranscriptEntry, VoiceAgentSettings } from './types';

export type Sentiment = 'positive' | 'neutral' | 'negative';

export interface CallSummary {
  summary: string;
  sentiment: Sentiment;
  /** Tokens the summary request used (0 when the LLM was not called or reported no usage). */
  tokens: number;
}

export interface SummarizeOptions {
  signal?: AbortSignal;
  /** Transcript characters sent at most; the middle of a very long call is left out. */
  maxTranscriptChars?: number;
}

const SENTIMENTS: readonly Sentiment[] = ['positive', 'neutral', 'negative'];
const MAX_SUMMARY_CHARS = 1000;

const INSTRUCTIONS = [
  'You summarize phone calls between a caller and an AI voice agent for the agent owner\'s dashboard.',
  'Reply with one JSON object and nothing else, exactly of this shape:',
  '{"summary": "<2 to 4 sentences: why the caller called, what was resolved or promised, any follow-up>",',
  ' "sentiment": "positive" | "neutral" | "negative"}',
  'sentiment is the caller\'s overall attitude by the end of the call.',
  'Use only facts stated in the transcript. Write the summary in English.',
].join('\n');

/**
 * The post-call summary and caller sentiment, from the agent's own LLM. Never throws: a failing LLM or an answer
 * that is not the requested JSON gives a short extractive summary and 'neutral', so a call is never left without
 * one.
 */
export async function summarizeCall(
  llm: LanguageModel,
  transcript: readonly TranscriptEntry[],
  settings: VoiceAgentSettings,
  options: SummarizeOptions = {},
): Promise<CallSummary> {
  const spoken = transcript.filter((entry) => entry.text.trim());
  if (!spoken.some((entry) => entry.role === 'user')) {
    return {
      summary: spoken.length === 0 ? 'No conversation took place.' : 'The caller did not say anything.',
      sentiment: 'neutral',
      tokens: 0,
    };
  }

  let text = '';
  let tokens = 0;
  try {
    const stream = llm.stream({
      messages: [
        { role: 'system', content: INSTRUCTIONS },
        {
          role: 'user',
          content:
            `The agent's purpose: ${oneLine(settings.persona.systemPrompt, 400)}\n\nTranscript:\n` +
            formatTranscript(spoken, options.maxTranscriptChars ?? 12_000),
        },
      ],
      temperature: 0,
      maxTokens: 300,
      responseFormat: 'json',
      signal: options.signal,
    });
    for await (const chunk of stream) {
      if (chunk.type === 'text') text += chunk.text;
      else tokens = chunk.usage.totalTokens;
    }
  } catch {
    return { ...extractiveSummary(spoken), tokens };
  }
  const parsed = parseSummaryJson(text);
  return parsed ? { ...parsed, tokens } : { ...extractiveSummary(spoken), tokens };
}

/** Accepts the object bare, fenced in ```json, or surrounded by prose; anything else is null. */
export function parseSummaryJson(text: string): { summary: string; sentiment: Sentiment } | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const summary = typeof record.summary === 'string' ? oneLine(record.summary, MAX_SUMMARY_CHARS) : '';
  if (!summary) return null;
  const mood = typeof record.sentiment === 'string' ? record.sentiment.trim().toLowerCase() : '';
  const sentiment = SENTIMENTS.find((s) => s === mood) ?? 'neutral';
  return { summary, sentiment };
}

function extractiveSummary(spoken: readonly TranscriptEntry[]): { summary: string; sentiment: Sentiment } {
  const callerTurns = spoken.filter((entry) => entry.role === 'user');
  const first = oneLine(callerTurns[0]!.text, 200);
  const turns = callerTurns.length === 1 ? '1 caller turn' : `${callerTurns.length} caller turns`;
  return { summary: `Call with ${turns}. The caller said: "${first}"`, sentiment: 'neutral' };
}

function formatTranscript(entries: readonly TranscriptEntry[], maxChars: number): string {
  const lines = entries.map(
    (entry) => `${entry.role === 'user' ? 'Caller' : 'Agent'}: ${entry.text.trim()}${entry.interrupted ? ' [cut off]' : ''}`,
  );
  const full = lines.join('\n');
  if (full.length <= maxChars) return full;
  // The opening says why they called, the end how it went: keep both.
  const half = Math.floor(maxChars / 2);
  return `${full.slice(0, half)}\n[...]\n${full.slice(full.length - half)}`;
}

function oneLine(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1).trimEnd()}…` : flat;
}
