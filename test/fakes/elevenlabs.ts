/**
 * A wire-compatible ElevenLabs streaming TTS server: `POST /v1/text-to-speech/:voiceId/stream?output_format=ulaw_8000`
 * with `xi-api-key`. Answers raw 8 kHz mu-law: a tone (so it is not silence) whose length is proportional to the text.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mulawTone } from '../../src/voice/audio';
import { listenOnLoopback, readBody } from './listen';
import type { Listening } from './listen';
import { Pauses, newRecord, sendJson, streamAudio } from './audio-response';
import { stampResponse, stampWriteTime, type TurnStamp } from './frame-stamp';
import { turnIn, type TurnLedger } from './turn-ledger';
import type { AudioFault, AudioPacing, RecordedAudioRequest } from './audio-response';

export interface FakeElevenLabsOptions extends AudioPacing {
  apiKey?: string;
  msPerChar?: number;
  toneHz?: number;
  fault?: AudioFault;
  port?: number;
  /** Stamp every frame with its response, index and send time (see frame-stamp.ts), for benchmarks. */
  stampFrames?: boolean;
  /** With `stampFrames`: stamp the figures the fakes recorded for the caller turn the text answers (turn-ledger.ts). */
  turnLedger?: TurnLedger;
}

export class FakeElevenLabs {
  readonly requests: RecordedAudioRequest[] = [];
  private options: FakeElevenLabsOptions;
  private listening: Listening | null = null;
  private readonly pauses = new Pauses();
  private responses = 0;

  constructor(options: FakeElevenLabsOptions = {}) {
    this.options = { ...options };
  }

  configure(changes: Partial<FakeElevenLabsOptions>): void {
    this.options = { ...this.options, ...changes };
  }

  resume(): void {
    this.pauses.resume();
  }

  /** The audio this fake answers for a text: `msPerChar` ms per character of 8 kHz mu-law. */
  audioFor(text: string): Buffer {
    return mulawTone(this.options.toneHz ?? 440, text.length * (this.options.msPerChar ?? 60));
  }

  async start(): Promise<{ baseUrl: string; port: number }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    this.listening = await listenOnLoopback(server, this.options.port ?? 0);
    return { baseUrl: this.baseUrl, port: this.listening.port };
  }

  get baseUrl(): string {
    if (!this.listening) throw new Error('FakeElevenLabs is not started');
    return `http://127.0.0.1:${this.listening.port}`;
  }

  async close(): Promise<void> {
    this.pauses.resume();
    await this.listening?.close();
    this.listening = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/v1\/text-to-speech\/([^/]+)\/stream$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return sendJson(res, 404, { detail: 'Not Found' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { detail: { status: 'invalid_json', message: 'Body is not valid JSON' } });
    }
    const receivedNs = process.hrtime.bigint();
    const record = newRecord(req, body);
    this.requests.push(record);
    const { apiKey, fault } = this.options;
    if (apiKey !== undefined && req.headers['xi-api-key'] !== apiKey) {
      return sendJson(res, 401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } });
    }
    if (fault?.type === 'status') return sendJson(res, fault.status, fault.body ?? { detail: { status: 'error', message: `Simulated ${fault.status}` } });
    if (fault?.type === 'hang') return;
    if (url.searchParams.get('output_format') !== 'ulaw_8000') {
      return sendJson(res, 422, { detail: { status: 'invalid_output_format', message: 'This fake serves ulaw_8000 only' } });
    }
    if (typeof body.text !== 'string' || body.text.trim() === '') {
      return sendJson(res, 400, { detail: { status: 'invalid_text', message: 'text must be a non-empty string' } });
    }
    const audio = this.audioFor(body.text);
    if (!this.options.stampFrames) return streamAudio(res, record, audio, 'audio/basic', this.options, this.pauses, fault);
    const pacing = { ...this.options, beforeWrite: (chunk: Buffer) => stampWriteTime(chunk) };
    const stamped = stampResponse(audio, ++this.responses, this.turnStamp(body.text, receivedNs));
    await streamAudio(res, record, stamped, 'audio/basic', pacing, this.pauses, fault);
  }

  private turnStamp(text: string, receivedNs: bigint): TurnStamp | undefined {
    const turn = turnIn(text);
    const figures = turn === null ? null : this.options.turnLedger?.figures(turn);
    return figures ? { ...figures, ttsReceivedNs: receivedNs } : undefined;
  }
}
