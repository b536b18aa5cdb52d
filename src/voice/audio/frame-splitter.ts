import { MULAW_SILENCE } from './mulaw';

/** 20 ms of 8 kHz mu-law: what one Twilio media message carries. */
export const TWILIO_FRAME_BYTES = 160;

/**
 * Cuts an arbitrary stream of mu-law chunks into exact frames. TTS vendors send chunks of any size; the caller link
 * accepts only whole frames, so the remainder waits for the next chunk.
 */
export class FrameSplitter {
  private remainder: Buffer = Buffer.alloc(0);

  constructor(readonly frameBytes: number = TWILIO_FRAME_BYTES) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError(`Invalid frame size ${frameBytes}`);
  }

  /** Bytes held back until a frame is complete. */
  get pendingBytes(): number {
    return this.remainder.length;
  }

  push(chunk: Uint8Array): Buffer[] {
    const data = this.remainder.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.remainder, chunk]);
    const frames: Buffer[] = [];
    let offset = 0;
    for (; offset + this.frameBytes <= data.length; offset += this.frameBytes) {
      frames.push(Buffer.from(data.subarray(offset, offset + this.frameBytes)));
    }
    this.remainder = Buffer.from(data.subarray(offset));
    return frames;
  }

  /** The last partial frame padded with silence; empty when nothing is pending (same shape as `push`). */
  flush(): Buffer[] {
    if (this.remainder.length === 0) return [];
    const frame = Buffer.alloc(this.frameBytes, MULAW_SILENCE);
    this.remainder.copy(frame, 0);
    this.remainder = Buffer.alloc(0);
    return [frame];
  }

  /** Forgets pending bytes (barge-in: what was not sent is dropped). */
  reset(): void {
    this.remainder = Buffer.alloc(0);
  }
}
