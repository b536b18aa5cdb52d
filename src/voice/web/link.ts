import type { WebSocket } from 'ws';
import type { CallerLink } from '../types';
import type { OutboundAudio } from './audio-codec';
import type { ServerMessage } from './protocol';

/**
 * How long after a mark leaves its audio has played: the pacer sends at most its lead (3 frames) ahead of play
 * time, and a browser plays what arrives at once. Browsers do not echo marks (Twilio does), so the link does.
 */
const PLAYOUT_LEAD_MS = 60;

/**
 * The agent's voice and the call's events towards a browser: audio as binary frames in the negotiated format,
 * everything else as JSON. Like the Twilio link, a peer that stops reading does not grow our memory.
 */
export class WebLink implements CallerLink {
  private overflowed = false;
  private readonly markTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ws: WebSocket,
    private readonly audio: OutboundAudio,
    private readonly handlers: { markPlayed(name: string): void; overflow(): void },
    private readonly maxBufferedBytes = 1 << 20,
  ) {}

  sendAudio(frame: Buffer): void {
    this.send(this.audio.fromPipeline(frame));
  }

  sendMark(name: string): void {
    const timer = setTimeout(() => {
      this.markTimers.delete(timer);
      this.handlers.markPlayed(name);
    }, PLAYOUT_LEAD_MS);
    this.markTimers.add(timer);
  }

  /** Barge-in: the browser drops the agent audio it has queued. */
  clearAudio(): void {
    this.audio.reset();
    this.sendEvent({ type: 'interrupted' });
  }

  sendEvent(message: ServerMessage): void {
    this.send(JSON.stringify(message));
  }

  /** The call is over: no mark confirmations arrive after it. */
  stop(): void {
    for (const timer of this.markTimers) clearTimeout(timer);
    this.markTimers.clear();
  }

  private send(data: Buffer | string): void {
    if (this.overflowed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.overflowed = true;
      this.handlers.overflow();
      return;
    }
    this.ws.send(data);
  }
}
