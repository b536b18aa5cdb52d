import { MulawEncoderStream, mulawToPcm16, pcm16ToBytes, StreamingResampler } from '../audio';
import { SAMPLE_RATES, type WebAudioFormat } from './protocol';

/** The pipeline's own format: 8 kHz mu-law, what STT is fed and TTS produces for phone calls. */
const PIPELINE_RATE = 8000;

/**
 * Browser audio into the pipeline: PCM16 16 kHz is resampled (band-limited) and encoded to 8 kHz mu-law; mu-law
 * passes through. Chunks may be any length, odd byte counts included.
 */
export class InboundAudio {
  private readonly encoder: MulawEncoderStream | null;

  constructor(readonly format: WebAudioFormat) {
    this.encoder = format === 'pcm16' ? new MulawEncoderStream(SAMPLE_RATES.pcm16) : null;
  }

  toPipeline(chunk: Uint8Array): Buffer {
    return this.encoder ? this.encoder.pushBytes(chunk) : Buffer.from(chunk);
  }
}

/**
 * Agent audio (8 kHz mu-law frames) out to the browser in its format. The resampler holds a few samples of
 * look-ahead; `reset` drops them when the agent is cut off, so no stale tail precedes the next reply.
 */
export class OutboundAudio {
  private resampler: StreamingResampler | null;

  constructor(readonly format: WebAudioFormat) {
    this.resampler = this.newResampler();
  }

  fromPipeline(frame: Uint8Array): Buffer {
    if (!this.resampler) return Buffer.from(frame);
    return pcm16ToBytes(this.resampler.push(mulawToPcm16(frame)));
  }

  reset(): void {
    this.resampler = this.newResampler();
  }

  private newResampler(): StreamingResampler | null {
    return this.format === 'pcm16' ? new StreamingResampler(PIPELINE_RATE, SAMPLE_RATES.pcm16) : null;
  }
}
