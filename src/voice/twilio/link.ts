import type { WebSocket } from 'ws';
import type { CallerLink } from '../types';
import { clearMessage, markMessage, mediaMessageAfter, mediaMessagePrefix } from './protocol';

/**
 * Unsent bytes a media stream may hold before the peer counts as stuck: about 15 s of agent audio as Twilio media
 * messages (~17 KB/s), far more than a live peer ever lags, and small enough that many stuck calls stay cheap.
 */
export const MAX_LINK_BUFFERED_BYTES = 256 * 1024;

/**
 * The agent's voice towards Twilio. A peer that stops reading must not grow our memory: past
 * `maxBufferedBytes` of unsent data the link gives up and reports it once, and the call ends as failed.
 */
export class TwilioLink implements CallerLink {
  private overflowed = false;
  private readonly mediaPrefix: string;

  constructor(
    private readonly ws: WebSocket,
    private readonly streamSid: string,
    private readonly onOverflow: () => void,
    private readonly maxBufferedBytes = MAX_LINK_BUFFERED_BYTES,
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
