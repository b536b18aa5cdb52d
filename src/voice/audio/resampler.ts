/**
 * Band-limited sample-rate conversion for the rates voice vendors use (8, 16, 22.05, 24, 48 kHz).
 *
 * Exact rational polyphase: the ratio is reduced to up/down integers, so every output sample falls on one of
 * `up` fixed fractional phases and the filter taps are computed once per phase. The kernel is a Blackman-windowed
 * sinc whose cutoff sits below the lower Nyquist, so downsampling does not alias. The kernel is symmetric around
 * the output instant: no group delay, so `n` output samples line up with `n * from / to` input samples.
 */

/** Zero crossings of the sinc on each side; 16 gives > 70 dB stopband with a Blackman window. */
const ZERO_CROSSINGS = 16;
/** Cutoff as a fraction of the lower Nyquist frequency, leaving room for the transition band. */
const CUTOFF_FRACTION = 0.92;

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

function blackman(position: number): number {
  // position in [-1, 1]
  return 0.42 + 0.5 * Math.cos(Math.PI * position) + 0.08 * Math.cos(2 * Math.PI * position);
}

interface PolyphaseFilter {
  up: number;
  down: number;
  /** Taps on each side of the output instant, measured in input samples. */
  halfWidth: number;
  /** `up` rows of `2 * halfWidth` taps, for input offsets -halfWidth+1 .. halfWidth. */
  taps: Float64Array;
}

function designFilter(fromRate: number, toRate: number): PolyphaseFilter {
  const divisor = greatestCommonDivisor(fromRate, toRate);
  const up = toRate / divisor;
  const down = fromRate / divisor;
  // Cutoff relative to the input Nyquist.
  const cutoff = Math.min(1, toRate / fromRate) * CUTOFF_FRACTION;
  const halfWidth = Math.ceil(ZERO_CROSSINGS / cutoff);
  const width = 2 * halfWidth;
  const taps = new Float64Array(up * width);
  for (let phase = 0; phase < up; phase++) {
    const fraction = phase / up;
    let sum = 0;
    for (let k = 0; k < width; k++) {
      const distance = k - halfWidth + 1 - fraction;
      const tap = Math.abs(distance) >= halfWidth ? 0 : cutoff * sinc(cutoff * distance) * blackman(distance / halfWidth);
      taps[phase * width + k] = tap;
      sum += tap;
    }
    // Unity gain at DC on every phase, so a constant input stays constant.
    for (let k = 0; k < width; k++) taps[phase * width + k]! /= sum;
  }
  return { up, down, halfWidth, taps };
}

function clampToInt16(value: number): number {
  const rounded = Math.round(value);
  return rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
}

/**
 * Converts a PCM16 stream chunk by chunk. The output is identical whatever the chunking, because each output sample
 * is computed from the same input window in the same order; samples are held back only until their window is full.
 */
export class StreamingResampler {
  private readonly filter: PolyphaseFilter | null;
  /** Input not yet fully consumed; index 0 is absolute input sample `windowStart`. */
  private pending: Float32Array;
  private windowStart: number;
  /** Absolute input index and phase of the next output sample. */
  private baseIndex = 0;
  private phase = 0;
  private inputCount = 0;
  private outputCount = 0;
  private finished = false;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
      throw new RangeError(`Sample rates must be positive integers, got ${fromRate} -> ${toRate}`);
    }
    this.filter = fromRate === toRate ? null : designFilter(fromRate, toRate);
    const lead = this.filter ? this.filter.halfWidth - 1 : 0;
    // Samples before the stream are silence, so the first outputs see zeros on their left.
    this.pending = new Float32Array(lead);
    this.windowStart = -lead;
  }

  push(samples: Int16Array): Int16Array {
    if (this.finished) throw new Error('StreamingResampler.push after flush');
    this.inputCount += samples.length;
    if (!this.filter) {
      this.outputCount += samples.length;
      return samples.slice();
    }
    this.append(samples);
    return this.drain();
  }

  /** Emits the tail (the input is padded with silence) and ends the stream. */
  flush(): Int16Array {
    if (this.finished) return new Int16Array(0);
    this.finished = true;
    if (!this.filter) return new Int16Array(0);
    this.append(new Int16Array(this.filter.halfWidth));
    const expected = Math.ceil((this.inputCount * this.filter.up) / this.filter.down);
    return this.drain(expected);
  }

  private append(samples: Int16Array): void {
    const merged = new Float32Array(this.pending.length + samples.length);
    merged.set(this.pending, 0);
    for (let i = 0; i < samples.length; i++) merged[this.pending.length + i] = samples[i]!;
    this.pending = merged;
  }

  private drain(outputLimit = Infinity): Int16Array {
    const filter = this.filter!;
    const { up, down, halfWidth, taps } = filter;
    const width = 2 * halfWidth;
    const out: number[] = [];
    // An output needs inputs up to baseIndex + halfWidth; `end` is one past the last input held.
    const end = this.windowStart + this.pending.length;
    while (this.baseIndex + halfWidth < end && this.outputCount < outputLimit) {
      const first = this.baseIndex - halfWidth + 1 - this.windowStart;
      const row = this.phase * width;
      let acc = 0;
      for (let k = 0; k < width; k++) acc += this.pending[first + k]! * taps[row + k]!;
      out.push(clampToInt16(acc));
      this.outputCount++;
      this.phase += down;
      this.baseIndex += Math.floor(this.phase / up);
      this.phase %= up;
    }
    this.discardConsumed(halfWidth);
    return Int16Array.from(out);
  }

  private discardConsumed(halfWidth: number): void {
    const keepFrom = this.baseIndex - halfWidth + 1;
    const drop = Math.min(keepFrom - this.windowStart, this.pending.length);
    if (drop <= 0) return;
    this.pending = this.pending.slice(drop);
    this.windowStart += drop;
  }
}

/** One-shot conversion of a whole buffer. */
export function resamplePcm16(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  const resampler = new StreamingResampler(fromRate, toRate);
  const head = resampler.push(samples);
  const tail = resampler.flush();
  const out = new Int16Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}
