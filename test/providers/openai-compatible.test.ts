import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLanguageModel } from '../../src/providers';
import { ProviderError } from '../../src/providers/errors';
import type { ChatChunk, ChatRequest, LanguageModel, ProviderConnection } from '../../src/providers/types';
import { FakeOpenAiChat, splitIntoTokens, defaultChatReply } from '../fakes/openai-chat';

const API_KEY = 'sk-test-abcdef1234567890';

function connection(fake: FakeOpenAiChat, overrides: Partial<ProviderConnection> = {}): ProviderConnection {
  return {
    providerKey: 'openai',
    modelId: 'gpt-4o-mini',
    credentials: { apiKey: API_KEY },
    settings: { baseUrl: fake.baseUrl },
    timeoutMs: 2000,
    allowPrivateNetwork: true,
    ...overrides,
  };
}

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [
    { role: 'system', content: 'You are a restaurant host.' },
    { role: 'user', content: 'I need a table for two' },
  ],
  temperature: 0.4,
  maxTokens: 120,
  ...overrides,
});

async function collect(model: LanguageModel, req: ChatRequest): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of model.stream(req)) chunks.push(chunk);
  return chunks;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('OpenAI-compatible chat adapter against the fake server', () => {
  let fake: FakeOpenAiChat;

  beforeEach(async () => {
    fake = new FakeOpenAiChat({ apiKey: API_KEY });
    await fake.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('streams the reply token by token, then the usage', async () => {
    const chunks = await collect(createLanguageModel(connection(fake)), request());
    const text = chunks.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('');
    const expectedText = defaultChatReply(request().messages);
    expect(text).toBe(expectedText);
    expect(chunks.filter((c) => c.type === 'text').length).toBe(splitIntoTokens(expectedText).length);
    const usage = chunks.at(-1);
    expect(usage?.type).toBe('usage');
    if (usage?.type === 'usage') {
      expect(usage.usage.completionTokens).toBe(splitIntoTokens(expectedText).length);
      expect(usage.usage.totalTokens).toBe(usage.usage.promptTokens + usage.usage.completionTokens);
      expect(usage.usage.promptTokens).toBeGreaterThan(0);
    }
  });

  it('delivers the first token while the server is still generating', async () => {
    fake.configure({ pauseAfterTokens: 1 });
    const iterator = createLanguageModel(connection(fake)).stream(request())[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({ type: 'text', text: 'Sure,' });
    expect(fake.requests[0]!.completed).toBe(false);
    fake.resume();
    let rest = '';
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (next.value.type === 'text') rest += next.value.text;
    }
    expect(rest.length).toBeGreaterThan(10);
    expect(fake.requests[0]!.completed).toBe(true);
  });

  it('sends the OpenAI request shape: bearer key, stream with usage, max_completion_tokens, JSON mode', async () => {
    await collect(createLanguageModel(connection(fake)), request({ responseFormat: 'json' }));
    const recorded = fake.requests[0]!;
    expect(recorded.path).toBe('/v1/chat/completions');
    expect(recorded.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(recorded.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.4,
      max_completion_tokens: 120,
      response_format: { type: 'json_object' },
      messages: request().messages,
    });
    expect(recorded.body).not.toHaveProperty('max_tokens');
  });

  it('talks to Ollama without a key and with max_tokens', async () => {
    fake.configure({ apiKey: undefined });
    const conn = connection(fake, { providerKey: 'ollama', modelId: 'llama3.2:3b', credentials: {} });
    const chunks = await collect(createLanguageModel(conn), request());
    expect(chunks.some((c) => c.type === 'text')).toBe(true);
    const recorded = fake.requests[0]!;
    expect(recorded.headers.authorization).toBeUndefined();
    expect(recorded.body).toMatchObject({ max_tokens: 120, model: 'llama3.2:3b' });
    expect(recorded.body).not.toHaveProperty('max_completion_tokens');
    expect(recorded.body).not.toHaveProperty('response_format');
  });

  it('works for Groq through the same base convention', async () => {
    const conn = connection(fake, { providerKey: 'groq', modelId: 'llama-3.1-8b-instant' });
    const chunks = await collect(createLanguageModel(conn), request());
    expect(chunks.at(-1)?.type).toBe('usage');
    expect(fake.requests[0]!.body).toMatchObject({ max_completion_tokens: 120 });
  });

  it('accepts a whole JSON completion from a server that ignores stream: true', async () => {
    fake.configure({ ignoreStream: true });
    const chunks = await collect(createLanguageModel(connection(fake)), request());
    expect(chunks[0]).toEqual({ type: 'text', text: defaultChatReply(request().messages) });
    expect(chunks[1]?.type).toBe('usage');
  });

  it('maps a wrong key to auth without leaking the key', async () => {
    const error = await failure(collect(createLanguageModel(connection(fake, { credentials: { apiKey: 'sk-wrong-key-000000' } })), request()));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).not.toContain('sk-wrong-key-000000');
  });

  it('scrubs a key the vendor echoes back in its error text', async () => {
    fake.configure({ fault: { type: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}.` } } } });
    const error = await failure(collect(createLanguageModel(connection(fake)), request()));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).not.toContain('abcdef1234567890');
  });

  it.each([
    [500, 'unavailable'],
    [503, 'unavailable'],
    [429, 'rate_limited'],
    [403, 'auth'],
    [400, 'invalid_request'],
    [307, 'bad_response'],
  ] as const)('maps HTTP %i to %s', async (status, kind) => {
    fake.configure({ fault: { type: 'status', status } });
    const error = await failure(collect(createLanguageModel(connection(fake)), request()));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
  });

  it('times out when the server never answers', async () => {
    fake.configure({ fault: { type: 'hang' } });
    const error = await failure(collect(createLanguageModel(connection(fake, { timeoutMs: 200 })), request()));
    expect(error.kind).toBe('timeout');
  });

  it('times out when the server sends headers but no first token', async () => {
    fake.configure({ fault: { type: 'hang-after-headers' } });
    const error = await failure(collect(createLanguageModel(connection(fake, { timeoutMs: 200 })), request()));
    expect(error.kind).toBe('timeout');
  });

  it('reports garbage in the stream as bad_response after the good tokens', async () => {
    fake.configure({ fault: { type: 'garbage', afterTokens: 3 } });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of createLanguageModel(connection(fake)).stream(request())) {
          if (chunk.type === 'text') seen.push(chunk.text);
        }
      })(),
    );
    expect(error.kind).toBe('bad_response');
    expect(seen).toHaveLength(3);
  });

  it('reports a stream that ends early as bad_response', async () => {
    fake.configure({ fault: { type: 'close', afterTokens: 2 } });
    const error = await failure(collect(createLanguageModel(connection(fake)), request()));
    expect(error.kind).toBe('bad_response');
  });

  it('reports a reset connection as unavailable', async () => {
    fake.configure({ fault: { type: 'reset', afterTokens: 2 } });
    const error = await failure(collect(createLanguageModel(connection(fake)), request()));
    expect(error.kind).toBe('unavailable');
  });

  it('stops reading and closes the connection when aborted mid-stream', async () => {
    fake.configure({ pauseAfterTokens: 2 });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of createLanguageModel(connection(fake)).stream(request({ signal: controller.signal }))) {
          if (chunk.type === 'text') seen.push(chunk.text);
          if (seen.length === 2) controller.abort();
        }
      })(),
    );
    expect(error.kind).toBe('aborted');
    expect(seen).toHaveLength(2);
    await until(() => fake.requests[0]!.clientClosedEarly);
    expect(fake.requests[0]!.completed).toBe(false);
  });

  it('closes the connection when the consumer stops iterating', async () => {
    fake.configure({ pauseAfterTokens: 1 });
    for await (const chunk of createLanguageModel(connection(fake)).stream(request())) {
      expect(chunk.type).toBe('text');
      break;
    }
    await until(() => fake.requests[0]!.clientClosedEarly);
  });

  it('fails fast with an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(collect(createLanguageModel(connection(fake)), request({ signal: controller.signal })));
    expect(error.kind).toBe('aborted');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a loopback base URL unless private networks are allowed', async () => {
    const error = await failure(collect(createLanguageModel(connection(fake, { allowPrivateNetwork: false })), request()));
    expect(error.kind).toBe('unsafe_url');
    expect(fake.requests).toHaveLength(0);
  });

  it('reuses the connection across turns of one session', async () => {
    const model = createLanguageModel(connection(fake));
    await collect(model, request());
    await collect(model, request());
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.remotePort).toBe(fake.requests[0]!.remotePort);
  });
});
