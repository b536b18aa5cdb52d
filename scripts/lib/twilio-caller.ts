/**
 * Plays Twilio's part of a phone call against a Voicex server: a signed voice webhook, then the Media Stream
 * WebSocket with Twilio's exact message sequence. Used by the tests, the call simulator and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import WebSocket from 'ws';

export interface WebhookOptions {
  /** Where to send the request, e.g. http://127.0.0.1:3001 */
  serverUrl: string;
  /** The server's PUBLIC_URL, which Twilio signs (may differ from serverUrl behind a proxy). */
  publicUrl: string;
  apiKey: string;
  /** Auth token to sign with; omit to send no signature. */
  authToken?: string;
  /** Overrides the computed signature (to test refusals). */
  signature?: string;
  agentId?: string;
  from?: string;
  to?: string;
  callSid?: string;
}

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
  callSid: string;
  /** The <Stream url>, when the call was accepted. */
  streamUrl: string | null;
  parameters: Record<string, string>;
  /** The <Say> text, when the call was refused. */
  say: string | null;
}

const unescapeXml = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** mu-law silence (0xFF) for one 20 ms frame. */
const SILENCE_FRAME = Buffer.alloc(160, 0xff);

/** Numbers a call comes from and goes to unless told otherwise. */
export const DEFAULT_FROM = '+14155550100';
export const DEFAULT_TO = '+14155550123';

export const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;

export interface VoiceWebhookRequest {
  /** Path and query, e.g. /api/twilio/voice?api_key=... */
  path: string;
  headers: Record<string, string>;
  /** The form-encoded body. */
  body: string;
  callSid: string;
}

/** The signed request Twilio sends when a call comes in, without sending it (the benchmarks send it their way). */
export function voiceWebhookRequest(options: Omit<WebhookOptions, 'serverUrl'>): VoiceWebhookRequest {
  const query = new URLSearchParams({ api_key: options.apiKey });
  if (options.agentId) query.set('agentId', options.agentId);
  const path = `/api/twilio/voice?${query}`;
  const callSid = options.callSid ?? newCallSid();
  const params: Record<string, string> = {
    CallSid: callSid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: options.from ?? DEFAULT_FROM,
    To: options.to ?? DEFAULT_TO,
    CallStatus: 'ringing',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const signature =
    options.signature ??
    (options.authToken ? twilio.getExpectedTwilioSignature(options.authToken, `${options.publicUrl}${path}`, params) : undefined);
  if (signature) headers['x-twilio-signature'] = signature;
  return { path, headers, body: new URLSearchParams(params).toString(), callSid };
}

export async function sendVoiceWebhook(options: WebhookOptions): Promise<WebhookAnswer> {
  const { path, headers, body: form, callSid } = voiceWebhookRequest(options);
  const response = await fetch(`${options.serverUrl}${path}`, { method: 'POST', headers, body: form });
  const body = await response.text();
  const parameters: Record<string, string> = {};
  for (const match of body.matchAll(/<Parameter name="([^"]*)" value="([^"]*)"\/>/g)) {
    parameters[unescapeXml(match[1]!)] = unescapeXml(match[2]!);
  }
  const stream = /<Stream url="([^"]*)"/.exec(body);
  const say = /<Say[^>]*>([\s\S]*?)<\/Say>/.exec(body);
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body,
    callSid,
    streamUrl: stream ? unescapeXml(stream[1]!) : null,
    parameters,
    say: say ? unescapeXml(say[1]!) : null,
  };
}

/**
 * Where to open the media stream the TwiML names when the server is reached at another address than the public
 * one (a local server, or one behind a proxy): the public origin (and path prefix) is swapped for the server's.
 */
export function streamUrlOnServer(streamUrl: string, publicUrl: string, serverUrl: string): string {
  const asWebSocket = (url: string) => url.replace(/^http/, 'ws').replace(/\/+$/, '');
  const publicPrefix = asWebSocket(publicUrl);
  if (streamUrl.startsWith(publicPrefix)) return `${asWebSocket(serverUrl)}${streamUrl.slice(publicPrefix.length)}`;
  const mapped = new URL(streamUrl);
  const server = new URL(asWebSocket(serverUrl));
  mapped.protocol = server.protocol;
  mapped.host = server.host;
  return mapped.toString();
}

export interface StreamOptions {
  callSid: string;
  customParameters: Record<string, string>;
  /** Echo each mark back as Twilio does once the audio before it has played (default true). */
  echoMarks?: boolean;
  /** Keep agent audio and events in `frames` and `events` (default true); long load runs turn it off. */
  record?: boolean;
  /** Told of each server message as it arrives (load benchmarks measure frames here). */
  listener?: { media?(frame: Buffer): void; mark?(name: string): void; clear?(): void };
}

/** Twilio's side of one bidirectional media stream. */
export class TwilioStream {
  readonly streamSid = `MZ${randomBytes(16).toString('hex')}`;
  /** Agent audio received, one 160-byte mu-law frame per entry, in arrival order. */
  readonly frames: Buffer[] = [];
  /** Every event received from the server, in order (media collapsed to its frame index). */
  readonly events: Array<{ event: 'media'; index: number; at: number } | { event: 'mark'; name: string; at: number } | { event: 'clear'; at: number }> = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  private sequence = 0;
  private chunk = 0;
  private readonly queue: Buffer[] = [];
  private lineTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();

  private constructor(
    readonly ws: WebSocket,
    private readonly options: StreamOptions,
  ) {
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => {
        clearTimeout(this.lineTimer);
        this.closeCode = code;
        resolve(code);
      }),
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(String(data));
      const at = Date.now();
      const record = this.options.record !== false;
      const listener = this.options.listener;
      if (message.event === 'media') {
        const frame = Buffer.from(message.media.payload, 'base64');
        listener?.media?.(frame);
        if (!record) return;
        this.frames.push(frame);
        this.events.push({ event: 'media', index: this.frames.length - 1, at });
      } else if (message.event === 'mark') {
        listener?.mark?.(message.mark.name);
        if (record) this.events.push({ event: 'mark', name: message.mark.name, at });
        if (this.options.echoMarks !== false) this.send({ event: 'mark', streamSid: this.streamSid, mark: { name: message.mark.name } });
      } else if (message.event === 'clear') {
        listener?.clear?.();
        if (record) this.events.push({ event: 'clear', at });
      }
    });
  }

  /** Opens the socket and sends `connected` and `start` as Twilio does. */
  static async open(url: string, options: StreamOptions): Promise<TwilioStream> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const stream = new TwilioStream(ws, options);
    stream.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    stream.send({
      event: 'start',
      sequenceNumber: String(++stream.sequence),
      start: {
        accountSid: `AC${'0'.repeat(32)}`,
        streamSid: stream.streamSid,
        callSid: options.callSid,
        tracks: ['inbound'],
        customParameters: options.customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: stream.streamSid,
    });
    return stream;
  }

  /**
   * Starts the caller's line: one 20 ms media message every 20 ms in real time, as a phone line does, carrying
   * queued speech or else silence. Speech-to-text (and its endpointing) needs this steady stream.
   */
  startLine(): void {
    if (this.lineTimer) return;
    const startedAt = performance.now();
    let sent = 0;
    const tick = () => {
      const due = Math.floor((performance.now() - startedAt) / 20) + 1;
      while (sent < due && this.ws.readyState === WebSocket.OPEN) {
        this.sendFrame(this.queue.shift() ?? SILENCE_FRAME);
        sent++;
      }
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.lineTimer = setTimeout(tick, Math.max(0, startedAt + sent * 20 - performance.now()));
    };
    tick();
  }

  /** Queues caller audio (8 kHz mu-law) on the line, after what is already queued. */
  speak(mulaw: Buffer): void {
    for (let offset = 0; offset < mulaw.length; offset += 160) {
      const frame = Buffer.alloc(160, 0xff);
      mulaw.copy(frame, 0, offset, Math.min(offset + 160, mulaw.length));
      this.queue.push(frame);
    }
  }

  /** Whether queued caller audio is still being sent. */
  get speaking(): boolean {
    return this.queue.length > 0;
  }

  /** Sends audio at once, without pacing (to test what the server does with a flood). */
  sendAudioNow(mulaw: Buffer): void {
    for (let offset = 0; offset < mulaw.length; offset += 160) this.sendFrame(mulaw.subarray(offset, offset + 160));
  }

  private sendFrame(frame: Buffer): void {
    this.send({
      event: 'media',
      sequenceNumber: String(++this.sequence),
      media: { track: 'inbound', chunk: String(++this.chunk), timestamp: String(Date.now() - this.startedAt), payload: frame.toString('base64') },
      streamSid: this.streamSid,
    });
  }

  sendDtmf(digit: string): void {
    this.send({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: String(++this.sequence), dtmf: { track: 'inbound_track', digit } });
  }

  /** The caller hangs up: Twilio sends `stop` and closes the socket. */
  async hangUp(): Promise<void> {
    clearTimeout(this.lineTimer);
    if (this.ws.readyState === WebSocket.OPEN) {
      this.send({ event: 'stop', sequenceNumber: String(++this.sequence), streamSid: this.streamSid, stop: { accountSid: `AC${'0'.repeat(32)}`, callSid: this.options.callSid } });
      this.ws.close(1000);
    }
    await this.closed;
  }

  /** Resolves once `predicate` holds, checking as events arrive; rejects after `timeoutMs`. */
  async waitFor(predicate: (stream: TwilioStream) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private send(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}
