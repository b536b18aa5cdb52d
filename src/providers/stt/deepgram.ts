/**
 * Deepgram live transcription over its WebSocket: 8 kHz mu-law straight from the phone line in, JSON events out.
 * Endpointing (speech_final) and UtteranceEnd both come from Deepgram; KeepAlive holds the socket open while the
 * caller is silent and we send nothing, since Deepgram drops a stream that is idle for about ten seconds.
 */
import type WebSocket from 'ws';
import { apiKeyOf, baseUrlOf, secretsOf, timeoutOf } from '../connection';
import { ProviderError, toProviderError } from '../errors';
import { openProviderWebSocket, toWebSocketBase } from '../ws/open-websocket';
import type {
  LiveTranscription,
  LiveTranscriptionOptions,
  ProviderConnection,
  SpeechToText,
  SpeechToTextListener,
} from '../types';

const MULAW_BYTES_PER_SECOND = 8000;
/**
 * Audio not yet handed to the network when Deepgram counts as stuck (over 2 minutes of speech): the session is
 * dropped and reported rather than letting a vendor that stopped reading grow our memory.
 */
export const MAX_DEEPGRAM_UNSENT_BYTES = 1024 * 1024;
/** Deepgram rejects utterance_end_ms below 1000. */
const MIN_UTTERANCE_END_MS = 1000;
const MIN_ENDPOINTING_MS = 10;

export interface DeepgramOptions {
  /** Silence before a KeepAlive is sent; Deepgram closes after ~10 s without data. */
  keepAliveIntervalMs?: number;
}

export function buildDeepgramListenUrl(connection: ProviderConnection, options: LiveTranscriptionOptions): string {
  const params = new URLSearchParams({
    model: connection.modelId,
    encoding: 'mulaw',
    sample_rate: '8000',
    channels: '1',
    interim_results: 'true',
    endpointing: String(Math.max(MIN_ENDPOINTING_MS, Math.round(options.endpointingMs))),
    utterance_end_ms: String(Math.max(MIN_UTTERANCE_END_MS, Math.round(options.utteranceEndMs))),
    vad_events: 'true',
    language: options.language,
    punctuate: 'true',
    smart_format: 'true',
  });
  return `${toWebSocketBase(baseUrlOf(connection, 'stt'))}/v1/listen?${params.toString()}`;
}

export function createDeepgramSpeechToText(connection: ProviderConnection, tuning: DeepgramOptions = {}): SpeechToText {
  return {
    async start(options, listener) {
      const provider = connection.providerKey;
      const apiKey = apiKeyOf(connection);
      if (!apiKey) throw new ProviderError({ kind: 'auth', provider, message: 'no API key configured' });
      const timeoutMs = timeoutOf(connection);
      const socket = await openProviderWebSocket({
        provider,
        url: buildDeepgramListenUrl(connection, options),
        headers: { authorization: `Token ${apiKey}` },
        timeoutMs,
        signal: options.signal,
        allowPrivateNetwork: connection.allowPrivateNetwork === true,
        secrets: secretsOf(connection),
      });
      return new DeepgramLiveSession(socket, listener, {
        provider,
        timeoutMs,
        keepAliveIntervalMs: tuning.keepAliveIntervalMs ?? 4000,
        signal: options.signal,
        secrets: secretsOf(connection),
      });
    },
  };
}

interface SessionSettings {
  provider: string;
  timeoutMs: number;
  keepAliveIntervalMs: number;
  signal: AbortSignal | undefined;
  secrets: string[];
}

interface DeepgramResults {
  type: 'Results';
  is_final?: boolean;
  speech_final?: boolean;
  start?: number;
  duration?: number;
  channel?: { alternatives?: Array<{ transcript?: string }> };
}

class DeepgramLiveSession implements LiveTranscription {
  private bytesSent = 0;
  private lastSentAt = Date.now();
  private readonly keepAliveTimer: NodeJS.Timeout;
  /** We asked for the end (finish or close): a close is then expected, not an error. */
  private ending = false;
  private closedResolvers: Array<() => void> = [];
  private isClosed = false;
  private readonly onAbort = () => this.close();

  constructor(
    private readonly socket: WebSocket,
    private readonly listener: SpeechToTextListener,
    private readonly settings: SessionSettings,
  ) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.handleMessage(data.toString());
    });
    socket.on('error', (error) => {
      if (!this.ending) this.notify(() => listener.onError(toProviderError(error, settings.provider, settings.secrets)));
    });
    socket.on('close', (code, reason) => this.handleClose(code, reason.toString()));
    const tick = Math.max(20, Math.min(1000, Math.floor(settings.keepAliveIntervalMs / 4)));
    this.keepAliveTimer = setInterval(() => this.keepAliveIfIdle(), tick);
    settings.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get audioSeconds(): number {
    return this.bytesSent / MULAW_BYTES_PER_SECOND;
  }

  sendAudio(mulaw: Buffer): void {
    if (this.ending || mulaw.length === 0 || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_DEEPGRAM_UNSENT_BYTES) {
      this.close();
      const { provider } = this.settings;
      const stuck = new ProviderError({ kind: 'timeout', provider, message: 'vendor stopped reading audio' });
      this.notify(() => this.listener.onError(stuck));
      return;
    }
    this.socket.send(mulaw, { binary: true });
    this.bytesSent += mulaw.length;
    this.lastSentAt = Date.now();
  }

  finish(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.closedResolvers.push(resolve));
    if (!this.ending) {
      this.ending = true;
      if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify({ type: 'CloseStream' }));
      // Deepgram flushes its last results, then closes; if it does not, we stop waiting.
      const guard = setTimeout(() => this.socket.terminate(), this.settings.timeoutMs);
      void closed.then(() => clearTimeout(guard));
    }
    return closed;
  }

  close(): void {
    this.ending = true;
    if (!this.isClosed) this.socket.terminate();
  }

  private keepAliveIfIdle(): void {
    if (this.ending || this.socket.readyState !== this.socket.OPEN) return;
    if (Date.now() - this.lastSentAt < this.settings.keepAliveIntervalMs) return;
    this.socket.send(JSON.stringify({ type: 'KeepAlive' }));
    this.lastSentAt = Date.now();
  }

  private handleMessage(text: string): void {
    let message: { type?: unknown } & Record<string, unknown>;
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      this.notify(() =>
        this.listener.onError(new ProviderError({ kind: 'bad_response', provider: this.settings.provider, message: 'malformed JSON message' })),
      );
      return;
    }
    switch (message.type) {
      case 'Results':
        this.handleResults(message as unknown as DeepgramResults);
        break;
      case 'SpeechStarted':
        this.notify(() => this.listener.onSpeechStarted());
        break;
      case 'UtteranceEnd':
        this.notify(() => this.listener.onUtteranceEnd());
        break;
      case 'Error': {
        const code = typeof message.variant === 'string' ? message.variant : 'error';
        this.notify(() =>
          this.listener.onError(new ProviderError({ kind: 'unavailable', provider: this.settings.provider, message: `error message from vendor (${code})` })),
        );
        break;
      }
      default:
        // Metadata and future message types need no action.
        break;
    }
  }

  private handleResults(results: DeepgramResults): void {
    const text = results.channel?.alternatives?.[0]?.transcript ?? '';
    const isFinal = results.is_final === true;
    // Empty interim results carry nothing; empty finals still mark where an utterance ended.
    if (!isFinal && text === '') return;
    this.notify(() =>
      this.listener.onTranscript({
        text,
        isFinal,
        speechFinal: results.speech_final === true,
        start: Number(results.start ?? 0),
        duration: Number(results.duration ?? 0),
      }),
    );
  }

  private handleClose(code: number, reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.keepAliveTimer);
    this.settings.signal?.removeEventListener('abort', this.onAbort);
    if (!this.ending && code !== 1000) {
      // Deepgram closes with 1008 (bad data) or 1011 (e.g. NET-0001, no audio received) and a short reason.
      const detail = reason ? `: ${reason.slice(0, 120)}` : '';
      const kind = code === 1008 ? 'bad_response' : 'unavailable';
      this.notify(() =>
        this.listener.onError(new ProviderError({ kind, provider: this.settings.provider, message: `connection closed with code ${code}${detail}` })),
      );
    }
    this.notify(() => this.listener.onClose());
    for (const resolve of this.closedResolvers.splice(0)) resolve();
  }

  /** A listener that throws must not take the socket handlers (and the process) down with it. */
  private notify(call: () => void): void {
    try {
      call();
    } catch {
      // The pipeline owns its listener's failures; nothing useful to do with them here.
    }
  }
}
