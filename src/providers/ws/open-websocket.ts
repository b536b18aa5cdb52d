/**
 * Opens a vendor WebSocket with the same guarantees as the HTTP path: URL guard (before and at connect time), a
 * deadline on the whole handshake, abort, and handshake refusals (401, 429, ...) mapped to ProviderErrors.
 */
import WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import { ProviderError, providerErrorFromStatus, toProviderError } from '../errors';
import { assertSafeProviderUrl, guardedLookup } from '../url-guard';
import { abortedError, timeoutError } from '../http/http-stream';

export interface WebSocketRequest {
  provider: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  allowPrivateNetwork: boolean;
  secrets: readonly string[];
}

export async function openProviderWebSocket(request: WebSocketRequest): Promise<WebSocket> {
  const { provider, signal, timeoutMs, secrets } = request;
  if (signal?.aborted) throw abortedError(provider);
  const startedAt = Date.now();
  let url: URL;
  try {
    url = await assertSafeProviderUrl(request.url, { allowPrivateNetwork: request.allowPrivateNetwork });
  } catch (error) {
    throw toProviderError(error, provider, secrets);
  }
  const remaining = Math.max(1, timeoutMs - (Date.now() - startedAt));

  return new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: request.headers,
      handshakeTimeout: remaining,
      perMessageDeflate: false,
      followRedirects: false,
      ...(request.allowPrivateNetwork ? {} : { lookup: guardedLookup }),
    });
    let settled = false;
    const settle = (error: ProviderError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.terminate();
        reject(error);
      } else {
        resolve(socket);
      }
    };
    const onAbort = () => settle(abortedError(provider));
    const timer = setTimeout(() => settle(timeoutError(provider, timeoutMs, 'WebSocket not open')), remaining);
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.once('open', () => {
      socket.removeAllListeners('unexpected-response');
      settle(null);
    });
    socket.on('error', (error) => {
      const timedOut = /handshake has timed out/i.test(error.message);
      settle(timedOut ? timeoutError(provider, timeoutMs, 'WebSocket not open') : toProviderError(error, provider, secrets));
    });
    socket.on('unexpected-response', (req, res: IncomingMessage) => {
      readSmallBody(res).then((body) => {
        const vendorHint = res.headers['dg-error'];
        const text = typeof vendorHint === 'string' && !body ? vendorHint : body;
        settle(providerErrorFromStatus(provider, res.statusCode ?? 0, text, secrets));
        req.destroy();
      });
    });
  });
}

function readSmallBody(res: IncomingMessage, limit = 4096): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(parts).subarray(0, limit).toString('utf8'));
    res.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        res.destroy();
        done();
      }
    });
    res.on('end', done);
    res.on('error', done);
    res.on('close', done);
  });
}

/** `https://host` bases are accepted for WebSocket vendors and mapped to `wss://`. */
export function toWebSocketBase(base: string): string {
  return base.replace(/^http(s?):\/\//i, 'ws$1://');
}
