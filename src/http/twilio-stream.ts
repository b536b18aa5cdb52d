import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AppError } from '../errors';
import { startCallSession, type CallSession } from '../services/call-session';
import type { ServiceContext } from '../services/context';
import { TwilioLink } from '../voice/twilio/link';
import { mediaPayloadOf, parseInbound, type StartMessage } from '../voice/twilio/protocol';

/** Twilio sends `start` right after connecting; a socket that stays silent is not Twilio. */
const START_TIMEOUT_MS = 10_000;
const CLOSE_POLICY = 1008;
const CLOSE_NORMAL = 1000;

/**
 * One Twilio media stream. Authenticates by the signed stream token in `start.customParameters`, then feeds the
 * call session; the session owns the conversation and the call record.
 */
class TwilioStreamConnection {
  private session: CallSession | undefined;
  private starting = false;
  private readonly startTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly svc: ServiceContext,
  ) {
    this.startTimer = setTimeout(() => ws.close(CLOSE_POLICY, 'no start message'), START_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onText(data);
    });
    ws.on('close', () => {
      clearTimeout(this.startTimer);
      void this.session?.end('caller_hangup');
    });
    ws.on('error', (error) => svc.log.warn({ err: error }, 'media stream socket error'));
  }

  private onText(data: RawData): void {
    const text = String(data);
    const payload = mediaPayloadOf(text);
    if (payload !== null) {
      this.session?.receiveAudio(Buffer.from(payload, 'base64'));
      return;
    }
    const message = parseInbound(text);
    if (!message) return;
    switch (message.event) {
      case 'start':
        void this.start(message);
        return;
      case 'media':
        this.session?.receiveAudio(Buffer.from(message.media.payload, 'base64'));
        return;
      case 'mark':
        this.session?.markPlayed(message.mark.name);
        return;
      case 'dtmf':
        this.session?.receiveDtmf(message.dtmf.digit);
        return;
      case 'stop':
        void this.session?.end('caller_hangup');
        this.ws.close(CLOSE_NORMAL);
        return;
      case 'connected':
        return;
    }
  }

  private async start(message: StartMessage): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    clearTimeout(this.startTimer);
    const { customParameters, streamSid } = message.start;
    const claims = this.svc.tokens.verifyStream(customParameters.token ?? '');
    if (!claims || claims.callId !== customParameters.callId) {
      this.ws.close(CLOSE_POLICY, 'invalid stream token');
      return;
    }
    // A peer that stopped reading is dropped at once: its unsent audio is freed and the call ends as failed.
    const link = new TwilioLink(this.ws, streamSid, () => {
      void this.session?.end('error');
      this.ws.terminate();
    });
    try {
      this.session = await startCallSession(this.svc, claims, {
        channel: 'phone',
        link,
        close: () => {
          if (this.ws.readyState === this.ws.OPEN) this.ws.close(CLOSE_NORMAL);
        },
      });
      if (this.ws.readyState !== this.ws.OPEN) {
        await this.session.end('caller_hangup');
        return;
      }
      await this.session.start();
    } catch (error) {
      const refused = error instanceof AppError;
      if (!refused) this.svc.log.error({ err: error, callId: claims.callId }, 'media stream failed to start');
      this.ws.close(refused ? CLOSE_POLICY : 1011, refused ? error.code : 'server error');
    }
  }
}

export function createTwilioStreamServer(svc: ServiceContext): WebSocketServer {
  // Twilio media frames are small JSON messages; anything large is not Twilio.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  wss.on('connection', (ws: WebSocket, _request: IncomingMessage) => new TwilioStreamConnection(ws, svc));
  return wss;
}
