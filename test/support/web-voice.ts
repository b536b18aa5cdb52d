/** The browser's side of a web voice call, spoken with the `ws` client: session creation and the socket protocol. */
import WebSocket from 'ws';
import type { Schemas } from '../../generated/client';
import { generateTone, mulawTone, pcm16ToBytes } from '../../src/voice/audio';
import type { ServerMessage, WebAudioFormat } from '../../src/voice/web/protocol';
import type { PhoneOrg, PhoneWorld } from './phone';

/** POST /voice/sessions with the organization's API key through the typed (spec-validating) client. */
export async function createSession(world: PhoneWorld, org: PhoneOrg, body: Partial<Schemas['VoiceSessionCreate']> = {}) {
  return world.server.client({ apiKey: org.apiKey }).POST('/voice/sessions', { body: { agentId: org.agent._id, ...body } });
}

export async function sessionFor(world: PhoneWorld, org: PhoneOrg): Promise<Schemas['VoiceSession']> {
  const { data, error } = await createSession(world, org);
  if (!data) throw new Error(`session refused: ${JSON.stringify(error)}`);
  return data;
}

/** wsUrl names the public origin; tests reach the same path on the test server. */
export function socketUrlOnServer(world: PhoneWorld, wsUrl: string): string {
  const url = new URL(wsUrl);
  const server = new URL(world.server.url);
  url.protocol = 'ws:';
  url.host = server.host;
  return url.toString();
}

const FRAME_MS = 20;
const FRAME_BYTES: Record<WebAudioFormat, number> = { pcm16: 640, mulaw: 160 };
const SILENCE: Record<WebAudioFormat, number> = { pcm16: 0, mulaw: 0xff };

/** 300 Hz at speech level for `durationMs`, in the format's bytes: what the fake STT hears as words. */
export function speechTone(format: WebAudioFormat, durationMs: number): Buffer {
  return format === 'mulaw'
    ? mulawTone(300, durationMs, 8000)
    : pcm16ToBytes(generateTone({ frequencyHz: 300, durationMs, sampleRate: 16_000, amplitude: 8000 }));
}

/**
 * A browser's microphone on the socket: after `start`, one 20 ms chunk every 20 ms, silence unless something was
 * queued with `speak`, as an AudioWorklet would send it.
 */
export class WebVoiceSocket {
  readonly messages: ServerMessage[] = [];
  readonly audio: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly queue: Buffer[] = [];
  private lineTimer: NodeJS.Timeout | undefined;
  private format: WebAudioFormat = 'pcm16';

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.audio.push(Buffer.from(data as Buffer));
      else this.messages.push(JSON.parse(String(data)) as ServerMessage);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        clearTimeout(this.lineTimer);
        resolve({ code, reason: String(reason) });
      }),
    );
  }

  static open(url: string): Promise<WebVoiceSocket> {
    const ws = new WebSocket(url);
    const socket = new WebVoiceSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** Sends `start` (the server's default format when none is given) and opens the microphone line. */
  start(format?: WebAudioFormat): void {
    this.format = format ?? 'pcm16';
    this.send({ type: 'start', ...(format && { format }) });
    const startedAt = performance.now();
    let sent = 0;
    const tick = () => {
      const due = Math.floor((performance.now() - startedAt) / FRAME_MS) + 1;
      for (; sent < due && this.ws.readyState === WebSocket.OPEN; sent++) {
        this.ws.send(this.queue.shift() ?? Buffer.alloc(FRAME_BYTES[this.format], SILENCE[this.format]));
      }
      if (this.ws.readyState === WebSocket.OPEN) this.lineTimer = setTimeout(tick, FRAME_MS);
    };
    tick();
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Queues audio (in the started format) to go out over the line in 20 ms chunks. */
  speak(audio: Buffer): void {
    const size = FRAME_BYTES[this.format];
    for (let at = 0; at < audio.length; at += size) {
      const chunk = Buffer.alloc(size, SILENCE[this.format]);
      audio.copy(chunk, 0, at, Math.min(at + size, audio.length));
      this.queue.push(chunk);
    }
  }

  /** `stop`, as the Hang up button sends it; resolves with the close. */
  async stop(): Promise<{ code: number; reason: string }> {
    this.send({ type: 'stop' });
    return this.closed;
  }

  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  async waitFor(check: (s: WebVoiceSocket) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages).slice(0, 1500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
