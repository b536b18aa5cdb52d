/**
 * Turns a WebSocket's events into awaited messages, so a protocol can be written as a straight loop with a deadline
 * on every wait and an abort that ends the wait (and the socket) at once.
 */
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { abortedError, timeoutError } from '../http/http-stream';
import { toProviderError } from '../errors';

export type SocketEvent =
  | { kind: 'text'; data: string }
  | { kind: 'binary'; data: Buffer }
  | { kind: 'closed'; code: number; reason: string };

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class WebSocketMessageQueue {
  private readonly events: SocketEvent[] = [];
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly provider: string,
  ) {
    socket.on('message', (data, isBinary) => {
      const buffer = toBuffer(data);
      this.push(isBinary ? { kind: 'binary', data: buffer } : { kind: 'text', data: buffer.toString('utf8') });
    });
    socket.on('close', (code, reason) => this.push({ kind: 'closed', code, reason: reason.toString() }));
    socket.on('error', (error) => {
      this.failure ??= error;
      this.wake();
    });
  }

  async next(timeoutMs: number, signal?: AbortSignal): Promise<SocketEvent> {
    for (;;) {
      const event = this.events.shift();
      if (event) return event;
      if (this.failure) throw toProviderError(this.failure, this.provider);
      if (signal?.aborted) throw abortedError(this.provider);
      await this.waitForActivity(timeoutMs, signal);
    }
  }

  private waitForActivity(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiter = null;
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => {
        this.socket.terminate();
        done(abortedError(this.provider));
      };
      const timer = setTimeout(() => done(timeoutError(this.provider, timeoutMs, 'no message')), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = () => done();
    });
  }

  private push(event: SocketEvent): void {
    this.events.push(event);
    this.wake();
  }

  private wake(): void {
    this.waiter?.();
  }
}
