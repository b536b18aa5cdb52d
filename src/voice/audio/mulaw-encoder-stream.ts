import { pcm16ToMulaw } from './mulaw';
import { Pcm16ByteDecoder } from './pcm16';
import { StreamingResampler } from './resampler';

/**
 * Vendor PCM at any rate in, 8 kHz mu-law out, chunk by chunk: for TTS vendors that cannot send telephone audio
 * themselves. Holds back only the resampler's look-ahead (a few ms) and half a sample at most.
 */
export class MulawEncoderStream {
  private readonly bytes = new Pcm16ByteDecoder();
  private readonly resampler: StreamingResampler;

  constructor(readonly fromRate: number) {
    this.resampler = new StreamingResampler(fromRate, 8000);
  }

  /** PCM16 little-endian bytes, any length (odd lengths included). */
  pushBytes(pcm: Uint8Array): Buffer {
    return this.pushSamples(this.bytes.push(pcm));
  }

  pushSamples(samples: Int16Array): Buffer {
    return pcm16ToMulaw(this.resampler.push(samples));
  }

  flush(): Buffer {
    return pcm16ToMulaw(this.resampler.flush());
  }
}
