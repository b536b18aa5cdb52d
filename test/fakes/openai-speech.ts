/**
 * A wire-compatible OpenAI speech server: `POST /v1/audio/speech` with `response_format: "pcm"` answers raw 24 kHz
 * 16-bit little-endian mono PCM, a tone whose length is proportional to the input text, in odd-sized chunks.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateTone, pcm16ToBytes } from '../../src/voice/audio';
import { listenOnLoopback, readBody } from './listen';
import type { Listening } from './listen';
import { Pauses, newRecord, sendJson, streamAudio } from './audio-response';
import type { AudioFault, AudioPacing, RecordedAudioRequest } from './audio-response';

export const OPENAI_SPEECH_RATE = 24_000;

export interface FakeOpenAiSpeechOptions extends AudioPacing {
  apiKey?: string;
  msPerChar?: number;
  toneHz?: number;
  fault?: AudioFault;
  port?: number;
}

export class FakeOpenAiSpeech {
  readonly requests: RecordedAudioRequest[] = [];
  private options: FakeOpenAiSpeechOptions;
  private listening: Listening | null = null;
  private readonly pauses = new Pauses();

  constructor(options: FakeOpenAiSpeechOptions = {}) {
    this.options = { chunkBytes: 4801, ...options };
  }

  configure(changes: Partial<FakeOpenAiSpeechOptions>): void {
    this.options = { ...this.options, ...changes };
  }

  resume(): void {
    this.pauses.resume();
  }

  /** PCM samples (24 kHz) this fake answers for a text. */
  samplesFor(text: string): Int16Array {
    return generateTone({
      frequencyHz: this.options.toneHz ?? 1000,
      durationMs: text.length * (this.options.msPerChar ?? 60),
      sampleRate: OPENAI_SPEECH_RATE,
      amplitude: 9000,
    });
  }

  async start(): Promise<{ baseUrl: string; port: number }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    this.listening = await listenOnLoopback(server, this.options.port ?? 0);
    return { baseUrl: this.baseUrl, port: this.listening.port };
  }

  /** Includes `/v1`, like the OpenAI LLM base. */
  get baseUrl(): string {
    if (!this.listening) throw new Error('FakeOpenAiSpeech is not started');
    return `http://127.0.0.1:${this.listening.port}/v1`;
  }

  async close(): Promise<void> {
    this.pauses.resume();
    await this.listening?.close();
    this.listening = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/audio/speech') {
      return sendJson(res, 404, { error: { message: 'Not found', type: 'invalid_request_error' } });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: { message: 'Invalid JSON body', type: 'invalid_request_error' } });
    }
    const record = newRecord(req, body);
    this.requests.push(record);
    const { apiKey, fault } = this.options;
    if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`) {
      return sendJson(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    if (fault?.type === 'status') return sendJson(res, fault.status, fault.body ?? { error: { message: `Simulated ${fault.status}`, type: 'server_error' } });
    if (fault?.type === 'hang') return;
    if (typeof body.input !== 'string' || body.input === '' || typeof body.voice !== 'string' || typeof body.model !== 'string') {
      return sendJson(res, 400, { error: { message: 'model, input and voice are required', type: 'invalid_request_error' } });
    }
    if (body.response_format !== 'pcm') {
      return sendJson(res, 400, { error: { message: 'This fake serves response_format pcm only', type: 'invalid_request_error' } });
    }
    await streamAudio(res, record, pcm16ToBytes(this.samplesFor(body.input)), 'audio/pcm', this.options, this.pauses, fault);
  }
}
