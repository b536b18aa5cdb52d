/**
 * Chat completions over the OpenAI wire format, shared by OpenAI, Groq and Ollama (their `/v1` bases speak it).
 * Streams with SSE and asks for a final usage chunk, so token metering needs no second request.
 */
import { apiKeyOf, baseUrlOf, secretsOf, timeoutOf } from '../connection';
import { ProviderError } from '../errors';
import { createProviderAgents, openHttpStream } from '../http/http-stream';
import type { HttpStream } from '../http/http-stream';
import { SseParser } from '../http/sse-parser';
import type { ChatChunk, ChatRequest, LanguageModel, ProviderConnection, TokenUsage } from '../types';

/**
 * OpenAI deprecated `max_tokens` for `max_completion_tokens`, and its reasoning models reject the old name; Groq
 * accepts the new one. Ollama's compatibility layer still reads only `max_tokens` and silently ignores the new name,
 * so it keeps the old field.
 */
function maxTokensField(providerKey: string): 'max_tokens' | 'max_completion_tokens' {
  return providerKey === 'ollama' ? 'max_tokens' : 'max_completion_tokens';
}

export function buildChatCompletionBody(connection: ProviderConnection, request: ChatRequest): Record<string, unknown> {
  return {
    model: connection.modelId,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    stream: true,
    stream_options: { include_usage: true },
    temperature: request.temperature,
    [maxTokensField(connection.providerKey)]: request.maxTokens,
    ...(request.responseFormat === 'json' ? { response_format: { type: 'json_object' } } : {}),
  };
}

interface UsageFields {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  total_tokens?: unknown;
}

function toUsage(raw: unknown): TokenUsage | null {
  if (!raw || typeof raw !== 'object') return null;
  const usage = raw as UsageFields;
  const prompt = Number(usage.prompt_tokens ?? 0);
  const completion = Number(usage.completion_tokens ?? 0);
  const total = usage.total_tokens === undefined ? prompt + completion : Number(usage.total_tokens);
  if (![prompt, completion, total].every(Number.isFinite)) return null;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}

export function createOpenAiCompatibleModel(connection: ProviderConnection): LanguageModel {
  const provider = connection.providerKey;
  const agents = createProviderAgents();
  const url = `${baseUrlOf(connection, 'llm')}/chat/completions`;
  const apiKey = apiKeyOf(connection);
  const secrets = secretsOf(connection);

  async function* stream(request: ChatRequest): AsyncGenerator<ChatChunk> {
    const response = await openHttpStream({
      provider,
      url,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify(buildChatCompletionBody(connection, request)),
      timeoutMs: timeoutOf(connection),
      signal: request.signal,
      allowPrivateNetwork: connection.allowPrivateNetwork === true,
      secrets,
      agents,
    });
    try {
      await response.throwForStatus();
      if (response.contentType.includes('application/json')) {
        // Some compatible servers ignore `stream: true`; a whole completion is still a valid answer.
        yield* readWholeCompletion(response, provider);
      } else {
        yield* readEventStream(response, provider);
      }
    } finally {
      response.close();
    }
  }

  return { stream };
}

async function* readEventStream(response: HttpStream, provider: string): AsyncGenerator<ChatChunk> {
  const parser = new SseParser();
  const decoder = new TextDecoder('utf-8');
  let usage: TokenUsage | null = null;
  let done = false;
  let finished = false;

  const handle = function* (data: string): Generator<ChatChunk> {
    if (data === '[DONE]') {
      done = true;
      return;
    }
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(data) as Record<string, unknown>;
    } catch {
      throw new ProviderError({ kind: 'bad_response', provider, message: 'malformed JSON in the completion stream' });
    }
    if (payload.error) throw streamedError(provider, payload.error);
    const choices = Array.isArray(payload.choices) ? payload.choices : [];
    for (const choice of choices as Array<Record<string, unknown>>) {
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta as Record<string, unknown> | undefined;
      const content = delta?.content;
      if (typeof content === 'string' && content !== '') yield { type: 'text', text: content };
      if (choice.finish_reason) finished = true;
    }
    // OpenAI sends usage on a last chunk with no choices; Groq also puts it under x_groq.
    usage = toUsage(payload.usage) ?? toUsage((payload.x_groq as Record<string, unknown> | undefined)?.usage) ?? usage;
  };

  for await (const chunk of response.chunks()) {
    for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
      yield* handle(event.data);
      if (done) break;
    }
    if (done) break;
  }
  if (done) {
    await response.release();
  } else {
    for (const event of parser.push(decoder.decode()).concat(parser.finish())) yield* handle(event.data);
  }
  if (!done && !finished) {
    throw new ProviderError({ kind: 'bad_response', provider, message: 'completion stream ended before it was complete' });
  }
  if (usage) yield { type: 'usage', usage };
}

async function* readWholeCompletion(response: HttpStream, provider: string): AsyncGenerator<ChatChunk> {
  const parts: Buffer[] = [];
  for await (const chunk of response.chunks()) parts.push(chunk);
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ProviderError({ kind: 'bad_response', provider, message: 'malformed JSON completion' });
  }
  if (payload.error) throw streamedError(provider, payload.error);
  const choice = (payload.choices as Array<Record<string, unknown>> | undefined)?.[0];
  const content = (choice?.message as Record<string, unknown> | undefined)?.content;
  if (typeof content !== 'string') {
    throw new ProviderError({ kind: 'bad_response', provider, message: 'completion has no message content' });
  }
  if (content !== '') yield { type: 'text', text: content };
  const usage = toUsage(payload.usage);
  if (usage) yield { type: 'usage', usage };
}

/** An error object inside a 200 stream (OpenAI does this for failures after the first byte). */
function streamedError(provider: string, raw: unknown): ProviderError {
  const error = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const code = String(error.code ?? error.type ?? '');
  const kind = /rate|quota/i.test(code) ? 'rate_limited' : /auth|key/i.test(code) ? 'auth' : 'unavailable';
  // The vendor's message is not echoed: it may quote request content; the code is enough to act on.
  return new ProviderError({ kind, provider, message: `error in completion stream${code ? ` (${code})` : ''}` });
}
