import type { WebSocket } from 'ws';
import type { CallerLink } from '../types';
import { clearMessage, markMessage, mediaMessageAfter, mediaMessagePrefix } from './protocol';

/**
 * The agent's voice towards Twilio. A peer that stops reading must not grow our memory: past
 * `maxBufferedBytes` of unsent data the link gives up and reports it, and the call ends.
 */
export class TwilioLink implements CallerLink {
  private overflowed = false;
  private readonly mediaPrefix: string;

  constructor(
    private readonly ws: WebSocket,
    private readonly streamSid: string,
    private readonly onOverflow: () => void,
    private readonly maxBufferedBytes = 1 << 20,
  ) {
    this.mediaPrefix = mediaMessagePrefix(streamSid);
  }

  sendAudio(frame: Buffer): void {
    this.send(mediaMessageAfter(this.mediaPrefix, frame));
  }

  sendMark(name: string): void {
    this.send(markMessage(this.streamSid, name));
  }

  clearAudio(): void {
    this.send(clearMessage(this.streamSid));
  }

  private send(text: string): void {
    if (this.overflowed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    this.ws.send(text);
  }
}
