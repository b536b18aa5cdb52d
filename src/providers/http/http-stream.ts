/**
 * One outbound HTTP request whose answer is read as a stream, with the guarantees every adapter needs: the URL
 * guard (before and at connect time), redirects never followed, a deadline on connecting and on every wait for
 * bytes, and an AbortSignal that tears the socket down at once. Everything thrown is a ProviderError.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ClientRequest } from 'node:http';
import { ProviderError, providerErrorFromStatus, toProviderError } from '../errors';
import { assertSafeProviderUrl, guardedLookup } from '../url-guard';

/** Keep-alive pools owned by one adapter instance (one call session), so turns reuse warm TLS connections. */
export interface ProviderAgents {
  http: http.Agent;
  https: https.Agent;
}

export function createProviderAgents(): ProviderAgents {
  // `timeout` also reaps idle pooled sockets; they are unref'd by the agent, so they never hold the process open.
  const options = { keepAlive: true, timeout: 15_000 };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

export interface HttpStreamRequest {
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Deadline for connecting and for each wait for response bytes. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  allowPrivateNetwork: boolean;
  /** Credential values to scrub from any error text. */
  secrets: readonly string[];
  agents?: ProviderAgents;
}

export function abortedError(provider: string): ProviderError {
  return new ProviderError({ kind: 'aborted', provider, message: 'request aborted' });
}

export function timeoutError(provider: string, timeoutMs: number, what: string): ProviderError {
  return new ProviderError({ kind: 'timeout', provider, message: `${what} within ${timeoutMs} ms` });
}

/** Resolves once response headers arrive; the body is then read through `chunks()`. */
export async function openHttpStream(request: HttpStreamRequest): Promise<HttpStream> {
  const { provider, signal, timeoutMs, secrets } = request;
  if (signal?.aborted) throw abortedError(provider);
  const deadline = Date.now() + timeoutMs;

  let url: URL;
  try {
    url = await withDeadline(
      assertSafeProviderUrl(request.url, { allowPrivateNetwork: request.allowPrivateNetwork }),
      timeoutMs,
      signal,
      provider,
    );
  } catch (error) {
    throw toProviderError(error, provider, secrets);
  }

  return new Promise<HttpStream>((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const agent = request.agents ? (url.protocol === 'https:' ? request.agents.https : request.agents.http) : undefined;
    const req = transport.request(url, {
      method: request.method ?? 'POST',
      headers: request.headers,
      ...(agent ? { agent } : {}),
      ...(request.allowPrivateNetwork ? {} : { lookup: guardedLookup }),
    });
    let settled = false;
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: ProviderError) => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      reject(error);
    };
    const onAbort = () => fail(abortedError(provider));
    const timer = setTimeout(
      () => fail(timeoutError(provider, timeoutMs, 'no response')),
      Math.max(0, deadline - Date.now()),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => fail(toProviderError(error, provider, secrets)));
    req.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      cleanup();
      resolve(new HttpStream(req, res, request));
    });
    req.end(request.body);
  });
}

export class HttpStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  private closed = false;
  private readonly onAbort = () => this.close();

  constructor(
    private readonly req: ClientRequest,
    private readonly res: IncomingMessage,
    private readonly request: HttpStreamRequest,
  ) {
    this.status = res.statusCode ?? 0;
    this.headers = res.headers;
    request.signal?.addEventListener('abort', this.onAbort, { once: true });
    // Errors surface through chunks(); this keeps an unread body from crashing the process.
    res.on('error', () => {});
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get contentType(): string {
    return String(this.headers['content-type'] ?? '').toLowerCase();
  }

  /**
   * The body as it arrives. Stopping early leaves the socket open: the owner calls `close()` (drop it) or
   * `release()` (let it finish and go back to the keep-alive pool).
   */
  async *chunks(): AsyncGenerator<Buffer> {
    const { provider, timeoutMs, signal } = this.request;
    const iterator = this.res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    while (true) {
      if (signal?.aborted) throw abortedError(provider);
      let next: IteratorResult<Buffer>;
      try {
        next = await withDeadline(iterator.next(), timeoutMs, signal, provider, 'no data');
      } catch (error) {
        this.close();
        if (signal?.aborted) throw abortedError(provider);
        throw toProviderError(error, provider, this.request.secrets);
      }
      if (next.done) return;
      yield next.value;
    }
  }

  /** Reads up to `limit` bytes of the body as UTF-8 (error bodies), then closes. */
  async readText(limit = 16_384): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of this.chunks()) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= limit) break;
      }
    } catch {
      // A broken error body still leaves us the status code.
    }
    this.close();
    return Buffer.concat(parts).subarray(0, limit).toString('utf8');
  }

  /** Throws the ProviderError matching a non-2xx status (redirects included: they are never followed). */
  async throwForStatus(): Promise<void> {
    if (this.ok) return;
    const body = await this.readText(4096);
    throw providerErrorFromStatus(this.request.provider, this.status, body, this.request.secrets);
  }

  /** Drops the connection at once, unless the body was read to its end (then the socket is already pooled). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.request.signal?.removeEventListener('abort', this.onAbort);
    if (this.res.complete && this.res.readableEnded) return;
    this.res.destroy();
    this.req.destroy();
  }

  /**
   * We have all we need (e.g. `[DONE]`) but the server has not ended the body yet: wait briefly for the end so the
   * socket goes back to the keep-alive pool, or drop it if the server lingers.
   */
  release(lingerMs = 1000): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.request.signal?.removeEventListener('abort', this.onAbort);
    if (this.res.complete && this.res.readableEnded) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const linger = setTimeout(() => {
        this.res.destroy();
        this.req.destroy();
        resolve();
      }, lingerMs);
      const ended = () => {
        clearTimeout(linger);
        resolve();
      };
      this.res.once('end', ended);
      this.res.once('close', ended);
      this.res.resume();
    });
  }
}

/** Races a promise against a deadline and an abort signal; the loser is left to settle quietly. */
function withDeadline<T>(
  promise: Promise<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  provider: string,
  what = 'no response',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(timeoutError(provider, timeoutMs, what))), timeoutMs);
    const onAbort = () => finish(() => reject(abortedError(provider)));
    let done = false;
    function finish(action: () => void) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      action();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
