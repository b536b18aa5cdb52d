import type { ChatRequest, LanguageModel } from '../../providers/types';
import type { AgentReply } from './agent-reply';
import { SentenceChunker } from './sentence-chunker';
import { guardStalls } from './stall-guard';

export type AnswerOutcome =
  | { status: 'completed' }
  /** The reply was cancelled or its TTS failed: whatever the LLM did next no longer matters. */
  | { status: 'abandoned' }
  | { status: 'failed'; error: unknown };

export interface AnswerStreamOptions {
  stallMs: number;
  now(): number;
  /** Milliseconds from sending the request to the first text token. */
  onFirstToken(ms: number): void;
  /** Tokens the vendor reported for this request. */
  onUsage(totalTokens: number): void;
}

/**
 * Streams one LLM completion into a reply, sentence by sentence, so TTS starts on the first sentence while the
 * model is still writing the rest. Never throws: the outcome says how it ended.
 */
export async function streamAnswer(
  llm: LanguageModel,
  request: Omit<ChatRequest, 'signal'>,
  reply: AgentReply,
  options: AnswerStreamOptions,
): Promise<AnswerOutcome> {
  const chunker = new SentenceChunker();
  const sentAt = options.now();
  let firstToken = true;
  try {
    const stream = llm.stream({ ...request, signal: reply.llmSignal });
    for await (const chunk of guardStalls(stream, options.stallMs, 'LLM', () => reply.cancelLlm())) {
      if (chunk.type === 'usage') {
        options.onUsage(chunk.usage.totalTokens);
        continue;
      }
      if (reply.stopped) return { status: 'abandoned' };
      if (!chunk.text) continue;
      if (firstToken) {
        firstToken = false;
        options.onFirstToken(options.now() - sentAt);
      }
      for (const sentence of chunker.push(chunk.text)) reply.say(sentence);
    }
    if (reply.stopped) return { status: 'abandoned' };
    for (const sentence of chunker.flush()) reply.say(sentence);
    return { status: 'completed' };
  } catch (error) {
    if (reply.stopped) return { status: 'abandoned' };
    // Sentences already handed out are still said; a half-written one is dropped rather than said broken.
    return { status: 'failed', error };
  }
}
