/**
 * A wire-compatible server for the Edge read-aloud speech WebSocket
 * (`/consumer/speech/synthesize/readaloud/edge/v1?TrustedClientToken=...&Sec-MS-GEC=...`). It reads the
 * `speech.config` and `ssml` text messages and answers like the service: `turn.start`, `response`, binary `audio`
 * messages (2-byte big-endian header length, header lines, MP3 bytes), an empty closing audio message and `turn.end`.
 * The MP3 is real (LAME in JavaScript), a tone whose length is proportional to the text.
 */
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import { Mp3Encoder } from '@breezystack/lamejs';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { generateTone } from '../../src/voice/audio';
import { listenOnLoopback, sleep } from './listen';
import type { Listening } from './listen';

const TRUSTED_CLIENT_TOKEN = '6A5AA1D4EAFF4E9FB37E23D68491D6F4';
const SPEECH_PATH = '/consumer/speech/synthesize/readaloud/edge/v1';
const MP3_FORMATS = new Set(['audio-24khz-48kbitrate-mono-mp3', 'audio-24khz-96kbitrate-mono-mp3']);
export const EDGE_SAMPLE_RATE = 24_000;

export type EdgeFault =
  /** Refuse the handshake with 403, as the service does for a stale Sec-MS-GEC. */
  | { type: 'reject' }
  /** Read the request, never answer. */
  | { type: 'hang' }
  /** Close the socket (1011) after this many audio messages. */
  | { type: 'close'; afterChunks: number }
  /** turn.start then turn.end with no audio at all. */
  | { type: 'no-audio' };

export interface FakeEdgeTtsOptions {
  msPerChar?: number;
  toneHz?: number;
  firstByteDelayMs?: number;
  chunkDelayMs?: number;
  /** MP3 bytes per audio message. */
  chunkBytes?: number;
  fault?: EdgeFault;
  port?: number;
}

export interface RecordedEdgeRequest {
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  outputFormat?: string;
  requestId?: string;
  ssml?: string;
  voice?: string;
  rate?: string;
  /** The text with XML entities resolved. */
  text?: string;
  audioMessages: number;
  closed: boolean;
}

/** Independent of the client's code on purpose: a shared bug would otherwise pass unnoticed. */
function expectedSecMsGec(atMs: number): string {
  const windowsSeconds = BigInt(Math.floor(atMs / 1000)) + 11_644_473_600n;
  const rounded = windowsSeconds - (windowsSeconds % 300n);
  return createHash('sha256')
    .update(`${(rounded * 10_000_000n).toString()}${TRUSTED_CLIENT_TOKEN}`)
    .digest('hex')
    .toUpperCase();
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function textMessage(headers: Record<string, string>, body: string): string {
  const head = Object.entries(headers)
    .map(([key, value]) => `${key}:${value}`)
    .join('\r\n');
  return `${head}\r\n\r\n${body}`;
}

function binaryMessage(headers: Record<string, string>, body: Buffer): Buffer {
  const head = Buffer.from(
    Object.entries(headers)
      .map(([key, value]) => `${key}:${value}\r\n`)
      .join(''),
    'utf8',
  );
  const length = Buffer.alloc(2);
  length.writeUInt16BE(head.length, 0);
  return Buffer.concat([length, head, body]);
}

export function encodeMp3(samples: Int16Array, sampleRate = EDGE_SAMPLE_RATE, kbps = 48): Buffer {
  const encoder = new Mp3Encoder(1, sampleRate, kbps);
  const parts: Buffer[] = [];
  const take = (bytes: Int8Array | Uint8Array) => parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  for (let at = 0; at < samples.length; at += 1152) take(encoder.encodeBuffer(samples.subarray(at, at + 1152)));
  take(encoder.flush());
  return Buffer.concat(parts);
}

export class FakeEdgeTts {
  readonly requests: RecordedEdgeRequest[] = [];
  private options: FakeEdgeTtsOptions;
  private listening: Listening | null = null;
  private readonly sockets = new Set<WebSocket>();
  /** Encoded MP3 by duration and tone: LAME in JavaScript is slow enough to matter under load. */
  private readonly mp3Cache = new Map<string, Buffer>();

  constructor(options: FakeEdgeTtsOptions = {}) {
    this.options = { ...options };
  }

  configure(changes: Partial<FakeEdgeTtsOptions>): void {
    this.options = { ...this.options, ...changes };
  }

  /** Milliseconds of audio answered for a text (before MP3 encoder delay and padding). */
  durationMsFor(text: string): number {
    return text.length * (this.options.msPerChar ?? 60);
  }

  async start(): Promise<{ baseUrl: string; port: number }> {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const server = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(wss, req, socket, head));
    this.listening = await listenOnLoopback(server, this.options.port ?? 0);
    return { baseUrl: this.baseUrl, port: this.listening.port };
  }

  get baseUrl(): string {
    if (!this.listening) throw new Error('FakeEdgeTts is not started');
    return `ws://127.0.0.1:${this.listening.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await this.listening?.close();
    this.listening = null;
  }

  private mp3For(durationMs: number, toneHz: number): Buffer {
    const key = `${durationMs}:${toneHz}`;
    let mp3 = this.mp3Cache.get(key);
    if (!mp3) {
      mp3 = encodeMp3(generateTone({ frequencyHz: toneHz, durationMs, sampleRate: EDGE_SAMPLE_RATE, amplitude: 9000 }));
      this.mp3Cache.set(key, mp3);
    }
    return mp3;
  }

  private upgrade(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const now = Date.now();
    const tokenOk =
      query.TrustedClientToken === TRUSTED_CLIENT_TOKEN &&
      [now, now - 300_000].some((at) => query['Sec-MS-GEC'] === expectedSecMsGec(at)) &&
      /^1-\d+\.\d+\.\d+\.\d+$/.test(query['Sec-MS-GEC-Version'] ?? '') &&
      /^[0-9a-f]{32}$/.test(query.ConnectionId ?? '');
    if (url.pathname !== SPEECH_PATH || !tokenOk || this.options.fault?.type === 'reject') {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, req, query));
  }

  private serve(ws: WebSocket, req: IncomingMessage, query: Record<string, string>): void {
    const record: RecordedEdgeRequest = { query, headers: req.headers, audioMessages: 0, closed: false };
    this.requests.push(record);
    this.sockets.add(ws);
    ws.on('close', () => {
      record.closed = true;
      this.sockets.delete(ws);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return void ws.close(1003, 'Unexpected binary message');
      const text = data.toString();
      const split = text.indexOf('\r\n\r\n');
      const headers = Object.fromEntries(
        text
          .slice(0, split)
          .split('\r\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
      );
      const body = text.slice(split + 4);
      if (headers.Path === 'speech.config') {
        try {
          record.outputFormat = (JSON.parse(body) as { context: { synthesis: { audio: { outputFormat: string } } } }).context.synthesis.audio.outputFormat;
        } catch {
          ws.close(1007, 'Invalid speech.config');
        }
        return;
      }
      if (headers.Path === 'ssml') {
        if (!record.outputFormat || !MP3_FORMATS.has(record.outputFormat)) return void ws.close(1007, 'Unsupported output format');
        record.requestId = headers['X-RequestId'];
        record.ssml = body;
        record.voice = /<voice name='([^']*)'>/.exec(body)?.[1];
        record.rate = /rate='([^']*)'/.exec(body)?.[1];
        const inner = /<prosody[^>]*>([\s\S]*)<\/prosody>/.exec(body)?.[1] ?? '';
        record.text = unescapeXml(inner);
        void this.answer(ws, record);
      }
    });
  }

  private async answer(ws: WebSocket, record: RecordedEdgeRequest): Promise<void> {
    const { fault } = this.options;
    if (fault?.type === 'hang') return;
    const requestId = record.requestId ?? '';
    const streamId = randomUUID().replace(/-/g, '').toUpperCase();
    const send = (message: string | Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(message);
    };
    await sleep(this.options.firstByteDelayMs ?? 0);
    send(textMessage({ 'X-RequestId': requestId, 'Content-Type': 'application/json; charset=utf-8', Path: 'turn.start' }, JSON.stringify({ context: { serviceTag: streamId } })));
    send(textMessage({ 'X-RequestId': requestId, 'Content-Type': 'application/json; charset=utf-8', Path: 'response' }, JSON.stringify({ context: { serviceTag: streamId }, audio: { type: 'inline', streamId } })));
    if (fault?.type !== 'no-audio') {
      const mp3 = this.mp3For(this.durationMsFor(record.text ?? ''), this.options.toneHz ?? 440);
      const size = this.options.chunkBytes ?? 1440;
      for (let at = 0, chunks = 0; at < mp3.length; at += size, chunks++) {
        if (fault?.type === 'close' && chunks === fault.afterChunks) return void ws.close(1011, 'Simulated failure');
        if (chunks > 0) await sleep(this.options.chunkDelayMs ?? 0);
        send(binaryMessage({ 'X-RequestId': requestId, 'Content-Type': 'audio/mpeg', 'X-StreamId': streamId, Path: 'audio' }, mp3.subarray(at, at + size)));
        record.audioMessages++;
      }
      send(binaryMessage({ 'X-RequestId': requestId, 'X-StreamId': streamId, Path: 'audio' }, Buffer.alloc(0)));
    }
    send(textMessage({ 'X-RequestId': requestId, 'Content-Type': 'application/json; charset=utf-8', Path: 'turn.end' }, '{}'));
  }
}
