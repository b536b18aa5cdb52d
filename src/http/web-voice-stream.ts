import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AppError } from '../errors';
import { startCallSession, type CallSession } from '../services/call-session';
import type { ServiceContext } from '../services/context';
import type { StreamClaims } from '../services/tokens';
import { releaseWebSession } from '../services/web-calls';
import type { EndReason } from '../voice/types';
import { InboundAudio, OutboundAudio } from '../voice/web/audio-codec';
import { WebLink } from '../voice/web/link';
import { CLOSE_CODES, parseClientMessage, SAMPLE_RATES, type WebAudioFormat } from '../voice/web/protocol';

/** A browser that connected but never says `start` is holding a call line for nothing. */
const START_TIMEOUT_MS = 10_000;

const closeCodeFor = (reason: EndReason): number =>
  reason === 'max_duration' ? CLOSE_CODES.maxDuration : reason === 'error' ? CLOSE_CODES.serverError : CLOSE_CODES.normal;

/**
 * One browser voice socket. The token in the URL names the reserved web call; `start` picks the audio format
 * and attaches the call session (the same one phone calls use), which owns the conversation and the record.
 */
class WebVoiceConnection {
  private session: CallSession | undefined;
  private inbound: InboundAudio | undefined;
  private link: WebLink | undefined;
  private starting = false;
  private readonly startTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly svc: ServiceContext,
    private readonly claims: StreamClaims,
  ) {
    this.startTimer = setTimeout(() => this.refuse(CLOSE_CODES.noStart, 'no start message within 10 s'), START_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => (isBinary ? this.onAudio(data) : this.onText(data)));
    ws.on('close', () => {
      clearTimeout(this.startTimer);
      if (this.session) void this.session.end('caller_hangup');
      else if (!this.starting) void releaseWebSession(svc, claims.callId);
    });
    ws.on('error', (error) => svc.log.warn({ err: error }, 'web voice socket error'));
  }

  private onAudio(data: RawData): void {
    if (!this.session || !this.inbound) return;
    const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    this.session.receiveAudio(this.inbound.toPipeline(chunk));
  }

  private onText(data: RawData): void {
    const message = parseClientMessage(String(data));
    if ('invalid' in message) {
      this.send({ type: 'error', message: message.invalid });
      return;
    }
    switch (message.type) {
      case 'start':
        void this.start(message.format);
        return;
      case 'stop':
        if (this.session) void this.session.end('caller_hangup');
        else this.ws.close(CLOSE_CODES.normal);
        return;
      case 'ping':
        this.send({ type: 'pong', ...(message.id !== undefined && { id: message.id }) });
        return;
    }
  }

  private async start(format: WebAudioFormat): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    clearTimeout(this.startTimer);
    const link = new WebLink(this.ws, new OutboundAudio(format), {
      markPlayed: (name) => this.session?.markPlayed(name),
      overflow: () => void this.session?.end('error'),
    });
    this.link = link;
    try {
      this.session = await startCallSession(this.svc, this.claims, {
        channel: 'web',
        link,
        events: {
          onTranscript: (line) => link.sendEvent({ type: 'transcript', ...line }),
          onAgentSpeaking: (speaking) => link.sendEvent({ type: 'agentSpeaking', speaking }),
        },
        close: (reason) => this.hangUp(reason),
      });
      if (this.ws.readyState !== this.ws.OPEN) {
        await this.session.end('caller_hangup');
        return;
      }
      this.inbound = new InboundAudio(format);
      link.sendEvent({ type: 'ready', callId: this.claims.callId, format, sampleRate: SAMPLE_RATES[format] });
      await this.session.start();
    } catch (error) {
      if (error instanceof AppError) {
        // stream_refused: the token's call is over or already attached (a replay); else the agent or org cannot talk.
        this.refuse(error.code === 'stream_refused' ? CLOSE_CODES.badToken : CLOSE_CODES.refused, error.message);
        return;
      }
      this.svc.log.error({ err: error, callId: this.claims.callId }, 'web voice session failed to start');
      this.refuse(CLOSE_CODES.serverError, 'server error');
    }
  }

  /** The session ended the call (either side hung up, a limit, shutdown): say why, then close. */
  private hangUp(reason: EndReason): void {
    this.link?.stop();
    this.send({ type: 'callEnded', reason });
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(closeCodeFor(reason), reason);
  }

  private refuse(code: number, message: string): void {
    this.send({ type: 'error', message });
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, message.slice(0, 120));
  }

  private send(message: Parameters<WebLink['sendEvent']>[0]): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }
}

/** The browser socket at WEB_VOICE_PATH; a bad, expired or non-web token is refused before anything else. */
export function createWebVoiceServer(svc: ServiceContext): WebSocketServer {
  // 20 ms of 16 kHz PCM16 is 640 bytes; browsers batch a little more, never megabytes.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
    const claims = svc.tokens.verifyStream(token);
    if (!claims || claims.channel !== 'web') {
      ws.send(JSON.stringify({ type: 'error', message: 'invalid or expired session token' }));
      ws.close(CLOSE_CODES.badToken, 'invalid or expired session token');
      return;
    }
    new WebVoiceConnection(ws, svc, claims);
  });
  return wss;
}
