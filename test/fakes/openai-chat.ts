/**
 * A wire-compatible OpenAI chat completions server (`POST /v1/chat/completions`), also standing in for Groq and
 * Ollama. Streams `chat.completion.chunk` objects the way OpenAI does: a role delta first, content deltas,
 * a finish_reason chunk, a usage chunk with `choices: []` when `stream_options.include_usage` is set, `data: [DONE]`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { listenOnLoopback, readBody, sleep } from './listen';
import type { Listening } from './listen';
import { replyWithTurnTag, turnIn, type TurnLedger } from './turn-ledger';

export interface ChatMessageLike {
  role: string;
  content: string;
}

export type ChatFault =
  | { type: 'status'; status: number; body?: unknown }
  /** Accept the connection, never answer. */
  | { type: 'hang' }
  /** Send headers, then never a byte of body. */
  | { type: 'hang-after-headers' }
  /** Send this many content tokens, then a line that is not JSON. */
  | { type: 'garbage'; afterTokens: number }
  /** Send this many content tokens, then end the response without finish_reason or [DONE]. */
  | { type: 'close'; afterTokens: number }
  /** Send this many content tokens, then reset the connection. */
  | { type: 'reset'; afterTokens: number };

export interface FakeOpenAiChatOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The reply text for a conversation; default: a deterministic short answer echoing the last user message. */
  reply?: (messages: ChatMessageLike[]) => string;
  timeToFirstTokenMs?: number;
  interTokenDelayMs?: number;
  /** Applied to the next requests until cleared with `configure({ fault: undefined })`. */
  fault?: ChatFault;
  /** Stop after this many content tokens until `resume()` is called (lets tests observe a stream mid-way). */
  pauseAfterTokens?: number;
  /** Answer with a whole JSON completion even when `stream: true` was asked (some compatible servers do). */
  ignoreStream?: boolean;
  /** Fixed port (out-of-process use); 0 picks a free one. */
  port?: number;
  /**
   * Benchmarks: answer a caller turn numbered by the fake STT with its number in the reply and record the time to
   * the first token (turn-ledger.ts).
   */
  turnLedger?: TurnLedger;
}

export interface RecordedChatRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The response was cut short by the client (abort, timeout). */
  clientClosedEarly: boolean;
  /** The server ended the response itself (as opposed to the client hanging up first). */
  completed: boolean;
  /** Client port of the TCP connection: equal ports mean a reused keep-alive connection. */
  remotePort: number | undefined;
}

export function defaultChatReply(messages: ChatMessageLike[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const words = lastUser.trim().split(/\s+/).filter(Boolean);
  const topic = words.slice(0, 6).join(' ') || 'that';
  return `Sure, I can help with ${topic}. Let me check the details for you. Is there anything else you need?`;
}

/** Splits like a tokenizer would for streaming: words with their leading space, punctuation kept attached. */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function countTokens(messages: ChatMessageLike[]): number {
  return messages.reduce((n, m) => n + splitIntoTokens(m.content).length + 4, 0);
}

export class FakeOpenAiChat {
  readonly requests: RecordedChatRequest[] = [];
  private options: FakeOpenAiChatOptions;
  private listening: Listening | null = null;
  private resumeWaiters: Array<() => void> = [];

  constructor(options: FakeOpenAiChatOptions = {}) {
    this.options = { ...options };
  }

  /** Changes knobs between requests (latency, faults, replies). */
  configure(changes: Partial<FakeOpenAiChatOptions>): void {
    this.options = { ...this.options, ...changes };
  }

  /** Lets streams held by `pauseAfterTokens` continue. */
  resume(): void {
    for (const wake of this.resumeWaiters.splice(0)) wake();
  }

  async start(): Promise<{ baseUrl: string; port: number }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    this.listening = await listenOnLoopback(server, this.options.port ?? 0);
    return { baseUrl: this.baseUrl, port: this.listening.port };
  }

  /** Includes `/v1`, like the openai SDK's baseURL. */
  get baseUrl(): string {
    if (!this.listening) throw new Error('FakeOpenAiChat is not started');
    return `http://127.0.0.1:${this.listening.port}/v1`;
  }

  async close(): Promise<void> {
    this.resume();
    await this.listening?.close();
    this.listening = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return sendJson(res, 404, { error: { message: `Unknown route ${req.method} ${path}`, type: 'invalid_request_error' } });
    }
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error' } });
    }
    const receivedNs = process.hrtime.bigint();
    const record: RecordedChatRequest = {
      method: req.method,
      path,
      headers: req.headers,
      body,
      clientClosedEarly: false,
      completed: false,
      remotePort: req.socket.remotePort,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientClosedEarly = true;
    });
    res.on('finish', () => {
      record.completed = true;
    });

    const { apiKey, fault } = this.options;
    if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`) {
      return sendJson(res, 401, {
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      });
    }
    if (fault?.type === 'status') {
      return sendJson(res, fault.status, fault.body ?? { error: { message: `Simulated ${fault.status}`, type: 'server_error' } });
    }
    if (fault?.type === 'hang') return;

    const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessageLike[];
    const turn = answeredTurn(this.options.turnLedger, messages);
    const reply = (this.options.reply ?? defaultChatReply)(messages);
    const text = turn === null ? reply : replyWithTurnTag(reply, turn);
    const firstTokenSent = () => {
      if (turn !== null) this.options.turnLedger?.recordLlmFirstToken(turn, receivedNs, process.hrtime.bigint());
    };
    const tokens = splitIntoTokens(text);
    const usage = { prompt_tokens: countTokens(messages), completion_tokens: tokens.length, total_tokens: countTokens(messages) + tokens.length };
    const model = typeof body.model === 'string' ? body.model : 'unknown';
    const id = `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const created = Math.floor(Date.now() / 1000);

    if (body.stream !== true || this.options.ignoreStream) {
      await sleep(this.options.timeToFirstTokenMs ?? 0);
      firstTokenSent();
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage,
      });
    }

    const includeUsage = (body.stream_options as Record<string, unknown> | undefined)?.include_usage === true;
    const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const send = (payload: unknown) => res.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    if (fault?.type === 'hang-after-headers') {
      res.flushHeaders();
      return;
    }
    await sleep(this.options.timeToFirstTokenMs ?? 0);
    if (res.destroyed) return;
    send(chunk({ role: 'assistant', content: '', refusal: null }, null));
    for (let i = 0; i < tokens.length; i++) {
      if (fault && 'afterTokens' in fault && i === fault.afterTokens) {
        if (fault.type === 'garbage') {
          res.write('data: {"id": "chatcmpl-broken", "choices": [{"delta": {"content": "unterminat\n\n');
          return void res.end();
        }
        if (fault.type === 'close') return void res.end();
        return void res.socket?.destroy();
      }
      if (i > 0 && i === this.options.pauseAfterTokens) await new Promise<void>((wake) => this.resumeWaiters.push(wake));
      if (i > 0) await sleep(this.options.interTokenDelayMs ?? 0);
      if (res.destroyed) return;
      send(chunk({ content: tokens[i] }, null));
      if (i === 0) firstTokenSent();
    }
    if (turn !== null) this.options.turnLedger?.recordLlmReplySent(turn, process.hrtime.bigint());
    send(chunk({}, 'stop'));
    if (includeUsage) {
      send({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices: [], usage });
    }
    send('[DONE]');
    res.end();
  }
}

/** The numbered caller turn this request answers, the first time it is asked about (see TurnLedger.claimForLlm). */
function answeredTurn(ledger: TurnLedger | undefined, messages: ChatMessageLike[]): number | null {
  const last = messages[messages.length - 1];
  if (!ledger || last?.role !== 'user' || typeof last.content !== 'string') return null;
  const turn = turnIn(last.content);
  return turn !== null && ledger.claimForLlm(turn) ? turn : null;
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
