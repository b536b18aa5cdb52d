/** PCM16 little-endian bytes <-> samples, including streams whose chunks split a sample in two. */

export function pcm16FromBytes(bytes: Uint8Array): Int16Array {
  const count = bytes.length >> 1;
  const out = new Int16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function pcm16ToBytes(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}

/** Float samples in [-1, 1] (decoder output) to PCM16 with clipping. */
export function floatToPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const scaled = Math.round(samples[i]! * 32767);
    out[i] = scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled;
  }
  return out;
}

/** Vendors stream PCM in chunks of any byte length; an odd trailing byte waits for its partner. */
export class Pcm16ByteDecoder {
  private carry: number | null = null;

  push(bytes: Uint8Array): Int16Array {
    let input = bytes;
    if (this.carry !== null) {
      input = new Uint8Array(bytes.length + 1);
      input[0] = this.carry;
      input.set(bytes, 1);
      this.carry = null;
    }
    if (input.length % 2 === 1) this.carry = input[input.length - 1]!;
    return pcm16FromBytes(input);
  }

  /** True when half a sample is still waiting: a well-formed stream ends with none. */
  get hasDanglingByte(): boolean {
    return this.carry !== null;
  }
}
