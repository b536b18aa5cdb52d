/**
 * A wire-compatible Deepgram live transcription server (`GET /v1/listen` upgraded to WebSocket). It cannot
 * recognise words, so it detects speech by energy (RMS of each 20 ms mu-law frame) and answers with scripted text:
 * SpeechStarted at onset, interim Results while speech goes on, a final Results (is_final and speech_final) once
 * silence lasts `endpointing` ms carrying the next scripted utterance, then UtteranceEnd after `utterance_end_ms`.
 * Timing follows the audio clock (bytes received), like the real service, not the wall clock.
 *
 * Scripting: `fake.say('I need a table for two')` in-process, or `POST /__script {"texts": [...]}` on the same port.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { mulawToPcm16, rms } from '../../src/voice/audio';
import { listenOnLoopback, readBody, sleep } from './listen';
import type { Listening } from './listen';
import { withTurnTag, type TurnLedger } from './turn-ledger';

export interface FakeDeepgramOptions {
  /** When set, the handshake must carry `Authorization: Token <apiKey>`. */
  apiKey?: string;
  /** Frame RMS (16-bit scale) at or above which a frame counts as speech. */
  speechThreshold?: number;
  /** Audio time between interim results while speech continues. */
  interimIntervalMs?: number;
  /** Wall-clock delay before each final result is sent (recognition latency). */
  finalLatencyMs?: number;
  /** Refuse the WebSocket handshake with this HTTP status (401, 429, 500...). */
  rejectStatus?: number;
  /** Accept the TCP connection but never answer the handshake. */
  hangHandshake?: boolean;
  /** Close with 1011 (NET-0001) after this long without audio or a text message, as Deepgram does after ~10 s. */
  idleTimeoutMs?: number;
  /** Transcript used when the script is empty; gets the 0-based utterance number. */
  defaultTranscript?: (index: number) => string;
  port?: number;
  /** Benchmarks: number every final's turn in its transcript and record when this fake heard and ended it (turn-ledger.ts). */
  turnLedger?: TurnLedger;
}

export interface RecordedDeepgramConnection {
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  audioBytes: number;
  keepAlives: number;
  closeStreamReceived: boolean;
  finalizeReceived: number;
  /** Every JSON message sent to the client, in order. */
  sent: Array<Record<string, unknown>>;
  closed: boolean;
  closeCode?: number;
}

const FRAME_BYTES = 160;
const FRAME_SECONDS = 0.02;
const MODEL_UUID = '1dbdfb4d-85b2-4659-9f5e-8c1e9a6bd1d7';

export class FakeDeepgramLive {
  readonly connections: RecordedDeepgramConnection[] = [];
  private readonly script: string[] = [];
  private utteranceCount = 0;
  private options: FakeDeepgramOptions;
  private listening: Listening | null = null;
  private readonly sockets = new Set<WebSocket>();
  private readonly hungSockets = new Set<Duplex>();

  constructor(options: FakeDeepgramOptions = {}) {
    this.options = { ...options };
  }

  configure(changes: Partial<FakeDeepgramOptions>): void {
    this.options = { ...this.options, ...changes };
  }

  /** Queues what the caller will "say" next: one text per detected utterance. */
  say(...texts: string[]): void {
    this.script.push(...texts);
  }

  get pendingScript(): readonly string[] {
    return this.script;
  }

  async start(): Promise<{ baseUrl: string; controlUrl: string; port: number }> {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const server = createServer((req, res) => {
      this.handleHttp(req, res).catch(() => res.destroy());
    });
    server.on('upgrade', (req, socket, head) => this.handleUpgrade(wss, req, socket, head));
    this.listening = await listenOnLoopback(server, this.options.port ?? 0);
    return { baseUrl: this.baseUrl, controlUrl: this.controlUrl, port: this.listening.port };
  }

  get baseUrl(): string {
    if (!this.listening) throw new Error('FakeDeepgramLive is not started');
    return `ws://127.0.0.1:${this.listening.port}`;
  }

  get controlUrl(): string {
    if (!this.listening) throw new Error('FakeDeepgramLive is not started');
    return `http://127.0.0.1:${this.listening.port}/__script`;
  }

  /** Fault injection: drops every open stream with this close code. */
  dropAll(code = 1011, reason = 'NET-0000 internal error'): void {
    for (const socket of this.sockets) socket.close(code, reason);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    for (const socket of this.hungSockets) socket.destroy();
    await this.listening?.close();
    this.listening = null;
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/__script' && req.method === 'POST') {
      let texts: unknown;
      try {
        texts = (JSON.parse(await readBody(req)) as { texts?: unknown }).texts;
      } catch {
        texts = undefined;
      }
      if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) {
        return json(res, 400, { error: 'expected {"texts": ["..."]}' });
      }
      this.say(...(texts as string[]));
      return json(res, 200, { queued: texts.length, pending: this.script.length });
    }
    if (path === '/__script' && req.method === 'GET') return json(res, 200, { pending: this.script });
    return json(res, 404, { err_code: 'NOT_FOUND', err_msg: 'Not found', request_id: randomUUID() });
  }

  private handleUpgrade(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (this.options.hangHandshake) {
      this.hungSockets.add(socket);
      return;
    }
    if (url.pathname !== '/v1/listen') return refuse(socket, 404, 'Not Found', { err_code: 'NOT_FOUND', err_msg: 'Not found' });
    const { apiKey, rejectStatus } = this.options;
    if (apiKey !== undefined && req.headers.authorization !== `Token ${apiKey}`) {
      return refuse(socket, 401, 'Unauthorized', { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' });
    }
    if (rejectStatus) return refuse(socket, rejectStatus, 'Refused', { err_code: 'REFUSED', err_msg: `Simulated ${rejectStatus}` });
    wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, req, Object.fromEntries(url.searchParams)));
  }

  private serve(ws: WebSocket, req: IncomingMessage, query: Record<string, string>): void {
    const record: RecordedDeepgramConnection = {
      query,
      headers: req.headers,
      audioBytes: 0,
      keepAlives: 0,
      closeStreamReceived: false,
      finalizeReceived: 0,
      sent: [],
      closed: false,
    };
    this.connections.push(record);
    this.sockets.add(ws);
    const stream = new ListenStream(ws, record, query, {
      threshold: this.options.speechThreshold ?? 300,
      interimIntervalMs: this.options.interimIntervalMs ?? 300,
      finalLatencyMs: () => this.options.finalLatencyMs ?? 0,
      nextTranscript: () => this.script.shift() ?? (this.options.defaultTranscript ?? ((i) => `utterance ${i + 1}`))(this.utteranceCount++),
      peekTranscript: () => this.script[0] ?? '',
      ...(this.options.turnLedger ? { turnLedger: this.options.turnLedger } : {}),
    });
    const idleTimeoutMs = this.options.idleTimeoutMs ?? 10_000;
    let idle = setTimeout(() => ws.close(1011, 'NET-0001 no audio received within the timeout window'), idleTimeoutMs);
    ws.on('message', (data, isBinary) => {
      clearTimeout(idle);
      idle = setTimeout(() => ws.close(1011, 'NET-0001 no audio received within the timeout window'), idleTimeoutMs);
      if (isBinary) stream.audio(data as Buffer);
      else stream.control(data.toString());
    });
    ws.on('close', (code) => {
      clearTimeout(idle);
      record.closed = true;
      record.closeCode = code;
      this.sockets.delete(ws);
    });
  }
}

interface StreamSettings {
  threshold: number;
  interimIntervalMs: number;
  finalLatencyMs: () => number;
  nextTranscript: () => string;
  peekTranscript: () => string;
  turnLedger?: TurnLedger;
}

/** One live stream's recognition state, driven frame by frame. */
class ListenStream {
  private pending = Buffer.alloc(0);
  private readonly audioHash = createHash('sha256');
  private frames = 0;
  private inSpeech = false;
  private segmentStart = 0;
  private speechEnd = 0;
  private silenceMs = 0;
  private lastInterimAt = 0;
  /** last_word_end of a finalized segment still waiting for its UtteranceEnd. */
  private utteranceEndFrom: number | null = null;
  /** When (hrtime) the last speech frame was received, for the turn ledger. */
  private lastSpeechReceivedNs = 0n;
  /** A numbered turn whose ending result has not been sent yet. */
  private turnAwaitingEnd: { turn: number; lastSpeechReceivedNs: bigint } | null = null;
  private outbox: Promise<void> = Promise.resolve();
  private readonly requestId = randomUUID();
  private readonly endpointingMs: number | null;
  private readonly utteranceEndMs: number | null;
  private readonly vadEvents: boolean;
  private readonly interimResults: boolean;

  constructor(
    private readonly ws: WebSocket,
    private readonly record: RecordedDeepgramConnection,
    query: Record<string, string>,
    private readonly settings: StreamSettings,
  ) {
    // Deepgram's default endpointing is 10 ms; `false` turns it off.
    this.endpointingMs = query.endpointing === 'false' ? null : Number(query.endpointing ?? 10);
    this.utteranceEndMs = query.utterance_end_ms ? Number(query.utterance_end_ms) : null;
    this.vadEvents = query.vad_events === 'true';
    this.interimResults = query.interim_results === 'true';
  }

  audio(data: Buffer): void {
    this.record.audioBytes += data.length;
    this.audioHash.update(data);
    this.pending = Buffer.concat([this.pending, data]);
    while (this.pending.length >= FRAME_BYTES) {
      this.frame(this.pending.subarray(0, FRAME_BYTES));
      this.pending = this.pending.subarray(FRAME_BYTES);
    }
  }

  control(text: string): void {
    let message: { type?: string };
    try {
      message = JSON.parse(text) as { type?: string };
    } catch {
      this.ws.close(1008, 'DATA-0000 invalid text message');
      return;
    }
    if (message.type === 'KeepAlive') this.record.keepAlives++;
    else if (message.type === 'Finalize') {
      this.record.finalizeReceived++;
      if (this.inSpeech) this.finalize({ speechFinal: false, fromFinalize: true });
    } else if (message.type === 'CloseStream') {
      this.record.closeStreamReceived = true;
      if (this.inSpeech) this.finalize({ speechFinal: false, fromFinalize: false });
      this.send(this.metadata());
      this.outbox = this.outbox.then(() => this.ws.close(1000));
    }
  }

  private get now(): number {
    return this.frames * FRAME_SECONDS;
  }

  private frame(frame: Buffer): void {
    const start = this.now;
    this.frames++;
    const end = this.now;
    const speech = rms(mulawToPcm16(frame)) >= this.settings.threshold;
    if (speech) {
      if (!this.inSpeech) {
        this.inSpeech = true;
        this.segmentStart = start;
        this.lastInterimAt = start;
        this.utteranceEndFrom = null;
        if (this.vadEvents) this.send({ type: 'SpeechStarted', channel: [0, 1], timestamp: round(start) });
      }
      this.speechEnd = end;
      this.silenceMs = 0;
      if (this.settings.turnLedger) this.lastSpeechReceivedNs = process.hrtime.bigint();
      if (this.interimResults && (end - this.lastInterimAt) * 1000 >= this.settings.interimIntervalMs) {
        this.lastInterimAt = end;
        this.sendInterim();
      }
      return;
    }
    if (this.inSpeech) {
      this.silenceMs += FRAME_SECONDS * 1000;
      const endpoint = this.endpointingMs ?? 500;
      if (this.silenceMs >= endpoint) this.finalize({ speechFinal: this.endpointingMs !== null, fromFinalize: false });
      return;
    }
    if (this.utteranceEndFrom !== null && this.utteranceEndMs !== null && (end - this.utteranceEndFrom) * 1000 >= this.utteranceEndMs) {
      this.send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: round(this.utteranceEndFrom) }, 0, this.turnEnded);
      this.utteranceEndFrom = null;
    }
  }

  private sendInterim(): void {
    const words = this.settings.peekTranscript().split(/\s+/).filter(Boolean);
    const heard = Math.max(1, Math.round((this.speechEnd - this.segmentStart) / 0.3));
    const text = words.slice(0, heard).join(' ');
    if (!text) return;
    this.send(this.results(text, { isFinal: false, speechFinal: false, fromFinalize: false }));
  }

  private finalize(flags: { speechFinal: boolean; fromFinalize: boolean }): void {
    this.inSpeech = false;
    let text = this.settings.nextTranscript();
    const ledger = this.settings.turnLedger;
    if (ledger) {
      const turn = ledger.open();
      text = withTurnTag(text, turn);
      this.turnAwaitingEnd = { turn, lastSpeechReceivedNs: this.lastSpeechReceivedNs };
    }
    this.send(this.results(text, { isFinal: true, ...flags }), this.settings.finalLatencyMs(), flags.speechFinal ? this.turnEnded : undefined);
    if (this.utteranceEndMs !== null) this.utteranceEndFrom = this.speechEnd;
  }

  private results(text: string, flags: { isFinal: boolean; speechFinal: boolean; fromFinalize: boolean }): Record<string, unknown> {
    const start = this.segmentStart;
    const duration = Math.max(FRAME_SECONDS, this.speechEnd - start);
    const tokens = text.split(/\s+/).filter(Boolean);
    const step = duration / Math.max(1, tokens.length);
    const words = tokens.map((token, i) => ({
      word: token.toLowerCase().replace(/[^\p{L}\p{N}']/gu, ''),
      start: round(start + i * step),
      end: round(start + (i + 1) * step),
      confidence: 0.99,
      punctuated_word: token,
    }));
    return {
      type: 'Results',
      channel_index: [0, 1],
      duration: round(duration),
      start: round(start),
      is_final: flags.isFinal,
      speech_final: flags.speechFinal,
      channel: { alternatives: [{ transcript: text, confidence: 0.99, words }] },
      metadata: {
        request_id: this.requestId,
        model_info: { name: '2-general-nova', version: '2024-01-18.26916', arch: 'nova-2' },
        model_uuid: MODEL_UUID,
      },
      from_finalize: flags.fromFinalize,
    };
  }

  private metadata(): Record<string, unknown> {
    return {
      type: 'Metadata',
      transaction_key: 'deprecated',
      request_id: this.requestId,
      sha256: this.audioHash.copy().digest('hex'),
      created: new Date().toISOString(),
      duration: round(this.record.audioBytes / 8000),
      channels: 1,
      models: [MODEL_UUID],
      model_info: { [MODEL_UUID]: { name: '2-general-nova', version: '2024-01-18.26916', arch: 'nova-2' } },
    };
  }

  /** Sent the result a client ends the caller's turn on: the ledger gets how long this fake took for it. */
  private readonly turnEnded = (): void => {
    const awaiting = this.turnAwaitingEnd;
    if (!awaiting) return;
    this.turnAwaitingEnd = null;
    this.settings.turnLedger?.recordSttWait(awaiting.turn, awaiting.lastSpeechReceivedNs, process.hrtime.bigint());
  };

  /** Messages leave in order; a delayed one holds back those after it, as a real pipeline would. */
  private send(message: Record<string, unknown>, delayMs = 0, onSent?: () => void): void {
    this.outbox = this.outbox.then(async () => {
      if (delayMs > 0) await sleep(delayMs);
      if (this.ws.readyState !== this.ws.OPEN) return;
      this.record.sent.push(message);
      this.ws.send(JSON.stringify(message));
      onSent?.();
    });
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function json(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function refuse(socket: Duplex, status: number, statusText: string, body: Record<string, unknown>): void {
  const text = JSON.stringify({ ...body, request_id: randomUUID() });
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\n` +
      'content-type: application/json\r\n' +
      `dg-error: ${String(body.err_msg ?? statusText)}\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\n` +
      'connection: close\r\n\r\n' +
      text,
  );
}
