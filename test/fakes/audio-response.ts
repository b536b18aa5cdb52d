/** Shared by the HTTP TTS fakes: stream a body in chunks with latency, pauses and faults, recording what happened. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from './listen';

export type AudioFault =
  | { type: 'status'; status: number; body?: unknown }
  /** Never answer. */
  | { type: 'hang' }
  /** Send this many chunks, then reset the connection. */
  | { type: 'reset'; afterChunks: number };

export interface AudioPacing {
  firstByteDelayMs?: number;
  chunkDelayMs?: number;
  /** Bytes per chunk written; odd sizes exercise the client's reassembly. */
  chunkBytes?: number;
  /** Hold the stream after this many chunks until `resume()`. */
  pauseAfterChunks?: number;
  /** Called with each chunk just before it is written (benchmarks stamp the send time into it). */
  beforeWrite?: (chunk: Buffer) => void;
}

export interface RecordedAudioRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** Audio bytes the server wrote for this request. */
  bytesSent: number;
  clientClosedEarly: boolean;
  completed: boolean;
}

export function newRecord(req: IncomingMessage, body: Record<string, unknown>): RecordedAudioRequest {
  const url = new URL(req.url ?? '/', 'http://fake');
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body,
    bytesSent: 0,
    clientClosedEarly: false,
    completed: false,
  };
}

export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class Pauses {
  private waiters: Array<() => void> = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  resume(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export async function streamAudio(
  res: ServerResponse,
  record: RecordedAudioRequest,
  audio: Buffer,
  contentType: string,
  pacing: AudioPacing,
  pauses: Pauses,
  fault: AudioFault | undefined,
): Promise<void> {
  res.on('close', () => {
    if (!res.writableFinished) record.clientClosedEarly = true;
  });
  res.on('finish', () => {
    record.completed = true;
  });
  res.writeHead(200, { 'content-type': contentType, 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  await sleep(pacing.firstByteDelayMs ?? 0);
  const size = pacing.chunkBytes ?? 800;
  let chunks = 0;
  for (let at = 0; at < audio.length; at += size) {
    if (res.destroyed) return;
    if (fault?.type === 'reset' && chunks === fault.afterChunks) return void res.socket?.destroy();
    if (chunks > 0 && chunks === pacing.pauseAfterChunks) await pauses.wait();
    if (chunks > 0) await sleep(pacing.chunkDelayMs ?? 0);
    if (res.destroyed) return;
    const chunk = audio.subarray(at, at + size);
    pacing.beforeWrite?.(chunk);
    res.write(chunk);
    record.bytesSent += chunk.length;
    chunks++;
  }
  res.end();
}
